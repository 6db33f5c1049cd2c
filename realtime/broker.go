package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"makerlink"
)

// Message is one message published to a channel.
type Message struct {
	Channel string          // e.g. "event:42"
	Seq     int64           // rises by one per channel, from 1
	Type    string          // what the data is, e.g. "leaderboard"
	Data    json.RawMessage // a JSON value
}

// History is what [Broker.History] returns.
type History struct {
	// Messages are the messages after the requested since, in seq order.
	Messages []Message
	// Latest is the channel's latest seq (0 when nothing was published).
	Latest int64
	// Epoch names the channel's current sequence. It changes when the
	// channel's seq restarts (a broker restart or expiry), so that a client
	// holding a seq of an older epoch is told recovered:false.
	Epoch string
	// Recovered is false when the history no longer holds every message
	// after since (trimmed or expired) or since is ahead of Latest. It is
	// true when since < 0 (no replay was asked for).
	Recovered bool
}

// Handler receives what a [Broker] delivers to its node. Calls for one
// channel never overlap and come in seq order; handlers must not block
// (they run on the broker's delivery path) and must not call back into the
// broker.
type Handler interface {
	// HandleMessage receives a message published on any node to a channel
	// this node subscribed to.
	HandleMessage(m Message)
	// HandleReset reports that the live stream of a channel lost messages
	// that the history can no longer fill (for example Redis restarted and
	// lost its data). Messages continue after pos.Latest in epoch pos.Epoch.
	// Subscribers must refetch their state.
	HandleReset(channel string, pos History)
}

// Broker moves messages between the nodes of a deployment and keeps each
// channel's recent history.
type Broker interface {
	// SetHandler installs the receiver of delivered messages. Call it once,
	// before Subscribe.
	SetHandler(h Handler)
	// Publish appends a message to the channel's history and delivers it to
	// every node subscribed to the channel. It returns the message's seq,
	// assigned atomically across nodes. data must be a JSON value.
	// Returns EUnavailable when the backend is down.
	Publish(ctx context.Context, channel, typ string, data []byte) (int64, error)
	// History returns the messages after since that the history holds and
	// the channel's position. since < 0 asks for the position only.
	History(ctx context.Context, channel string, since int64) (History, error)
	// Subscribe makes this node receive the channel's messages. When it
	// returns, every message published afterwards reaches the handler.
	// Subscribing twice is not an error.
	Subscribe(ctx context.Context, channel string) error
	// Unsubscribe stops delivery of the channel to this node.
	Unsubscribe(ctx context.Context, channel string) error
	// SetPresence records how many connections of this node are subscribed
	// to the channel (0 removes the record).
	SetPresence(ctx context.Context, channel string, n int) error
	// Presence returns the number of subscribed connections across the live
	// nodes. A node that stops refreshing its records drops out of the
	// count after the presence TTL.
	Presence(ctx context.Context, channel string) (int, error)
	// Close releases the broker's resources.
	Close() error
}

// BrokerConfig configures [OpenBroker], [NewMemory] and [NewRedis]. The zero
// value is a valid configuration of the memory engine.
type BrokerConfig struct {
	// RedisURL selects the Redis engine when not empty (redis://host:port/db).
	RedisURL string
	// Prefix is prepended to every Redis key and pub/sub channel
	// (default "makerlink:rt:").
	Prefix string
	// NodeID names this node in presence records (default: random).
	NodeID string
	// HistorySize bounds each channel's history (default 500 messages).
	HistorySize int
	// HistoryTTL drops the history of a channel without publications for
	// that long (default 1 hour).
	HistoryTTL time.Duration
	// SeqTTL drops a channel's seq counter and epoch after that long without
	// publications (Redis only; default 7 days). Its seq then restarts in a
	// new epoch.
	SeqTTL time.Duration
	// PresenceTTL is how long a node's presence records outlive its last
	// refresh (Redis only; default 30 s; refreshed every third of it).
	PresenceTTL time.Duration
	// Logger receives operational logs (default slog.Default()).
	Logger *slog.Logger
}

func (c BrokerConfig) withDefaults() BrokerConfig {
	if c.Prefix == "" {
		c.Prefix = "makerlink:rt:"
	}
	if c.NodeID == "" {
		c.NodeID = randomID()
	}
	if c.HistorySize <= 0 {
		c.HistorySize = 500
	}
	if c.HistoryTTL <= 0 {
		c.HistoryTTL = time.Hour
	}
	if c.SeqTTL <= 0 {
		c.SeqTTL = 7 * 24 * time.Hour
	}
	if c.SeqTTL < c.HistoryTTL {
		c.SeqTTL = c.HistoryTTL
	}
	if c.PresenceTTL <= 0 {
		c.PresenceTTL = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// OpenBroker returns the Redis engine when cfg.RedisURL is set and the
// in-process memory engine otherwise.
func OpenBroker(ctx context.Context, cfg BrokerConfig) (Broker, error) {
	if cfg.RedisURL == "" {
		return NewMemory(cfg), nil
	}
	return NewRedis(ctx, cfg)
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MaxChannelLen bounds channel names.
const MaxChannelLen = 128

// Channel kinds, see [ParseChannel].
const (
	KindEvent  = "event"  // event:<id>, public
	KindJudges = "judges" // event:<id>:judges, the event's judges and organizer
	KindUser   = "user"   // user:<id>, that user only
	KindSystem = "system" // system:<id>, between nodes: no client joins one
)

// SignOutChannel carries sign-outs between the nodes' hubs
// ([Hub.SignOutEverywhere]).
const SignOutChannel = "system:signout"

// EventChannel returns the public channel of an event, "event:<id>".
func EventChannel(eventID string) string { return "event:" + eventID }

// JudgesChannel returns the channel of an event's judges, "event:<id>:judges".
func JudgesChannel(eventID string) string { return "event:" + eventID + ":judges" }

// UserChannel returns a user's private channel, "user:<id>".
func UserChannel(userID string) string { return "user:" + userID }

// ParseChannel checks a channel name and returns its kind ([KindEvent],
// [KindJudges] or [KindUser]) and the id it names. Ids are 1 to 64
// characters of [A-Za-z0-9_-]. It returns an EValidation error otherwise.
func ParseChannel(name string) (kind, id string, err error) {
	bad := func() (string, string, error) {
		return "", "", makerlink.Errorf(makerlink.EValidation,
			"invalid channel %q: want event:<id>, event:<id>:judges or user:<id>", truncate(name, MaxChannelLen))
	}
	if len(name) > MaxChannelLen {
		return bad()
	}
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok {
		return bad()
	}
	switch prefix {
	case "event":
		id, suffix, hasSuffix := strings.Cut(rest, ":")
		if !validID(id) {
			return bad()
		}
		if !hasSuffix {
			return KindEvent, id, nil
		}
		if suffix == "judges" {
			return KindJudges, id, nil
		}
	case "user":
		if validID(rest) {
			return KindUser, rest, nil
		}
	case "system":
		if validID(rest) {
			return KindSystem, rest, nil
		}
	}
	return bad()
}

func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// validType reports whether typ is a usable message type: 1 to 64
// characters of [a-z0-9_.-] (it travels unescaped through Redis).
func validType(typ string) bool {
	if len(typ) == 0 || len(typ) > 64 {
		return false
	}
	for i := 0; i < len(typ); i++ {
		c := typ[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// checkPublish validates the arguments of Publish common to all engines.
func checkPublish(channel, typ string, data []byte) error {
	if _, _, err := ParseChannel(channel); err != nil {
		return err
	}
	if !validType(typ) {
		return makerlink.Errorf(makerlink.EValidation, "invalid message type %q: want 1-64 of [a-z0-9_.-]", truncate(typ, 64))
	}
	if len(data) > MaxPublishBytes {
		return makerlink.Errorf(makerlink.EPayloadTooLarge, "message data is %d bytes, over %d", len(data), MaxPublishBytes)
	}
	if !json.Valid(data) {
		return makerlink.Errorf(makerlink.EValidation, "message data is not a JSON value")
	}
	return nil
}

// MaxPublishBytes bounds the data of one published message.
const MaxPublishBytes = 1 << 20

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func unavailable(op string, err error) error {
	return &makerlink.Error{Code: makerlink.EUnavailable, Message: "The realtime backend is unavailable.", Op: op, Err: err}
}
