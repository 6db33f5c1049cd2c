package realtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/fasthttp/websocket"

	"makerlink"
)

// Config configures a [Hub]. The zero value is valid: anonymous
// connections only, public channels only, default limits.
type Config struct {
	// Authenticate resolves a token (from ?token= or an auth frame) to a
	// user id. An error with code EUnauthorized (or any *makerlink.Error
	// other than EUnavailable/EInternal) means a bad token. Nil: every
	// token is refused.
	Authenticate func(ctx context.Context, token string) (userID string, err error)
	// TokenKey names a token for [Hub.SignOut] (the API gives its token
	// hash). Nil: sockets are not closed by token.
	TokenKey func(token string) string
	// OnSignOut is called with the key of every token signed out through
	// any node sharing the broker ([Hub.SignOutEverywhere]), this one
	// included, once this hub has closed its sockets: the token cache
	// behind Authenticate forgets it there, so that the token opens no new
	// socket on this node either. Nil: nothing more is done.
	OnSignOut func(key string)
	// Authorize decides whether userID ("" when anonymous) may subscribe to
	// channel. It runs after the hub's own rules (a valid name; user:<id>
	// only for that user; private channels need a sign-in). Return an
	// error with code EForbidden to refuse. Nil: event:<id> is allowed,
	// event:<id>:judges is refused, user:<id> is allowed to its user.
	Authorize func(ctx context.Context, userID, channel string) error

	// Origins allowed to open a websocket (empty: any).
	Origins []string
	// MaxFrameBytes bounds a client frame (default 64 KiB): a larger frame
	// is discarded with a too_large error and the connection goes on.
	// Frames over 1 MiB close the connection (1009).
	MaxFrameBytes int
	// MaxQueue bounds the live frames waiting in a connection's send queue
	// (default 1024). Overflow closes the connection with
	// CloseSlowConsumer. The frames that start a subscription (its replay)
	// are bounded by the broker's HistorySize instead.
	MaxQueue int
	// MaxQueueBytes bounds the send queue in bytes (default 8 MiB).
	MaxQueueBytes int
	// MaxChannels bounds a connection's subscriptions (default 64).
	MaxChannels int
	// SubscribeRate and SubscribeBurst limit subscribes per connection
	// (default 5 per second, bursts of 20).
	SubscribeRate  float64
	SubscribeBurst int
	// FrameRate and FrameBurst limit all client frames per connection
	// (default 50 per second, bursts of 100).
	FrameRate  float64
	FrameBurst int
	// WriteTimeout bounds one write to a client (default 10 s).
	WriteTimeout time.Duration
	// PingInterval is how often the server pings each client (default
	// 25 s; the pings of many connections are spread over the interval);
	// a client silent for 3 intervals is closed.
	PingInterval time.Duration
	// OpTimeout bounds calls to the broker and the callbacks (default 5 s).
	OpTimeout time.Duration
	// PresenceInterval is how often changed presence counts are written to
	// the broker (default 1 s).
	PresenceInterval time.Duration
	// Logger receives operational logs (default slog.Default()).
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxFrameBytes, 64<<10)
	def(&c.MaxQueue, 1024)
	def(&c.MaxQueueBytes, 8<<20)
	def(&c.MaxChannels, 64)
	def(&c.SubscribeBurst, 20)
	def(&c.FrameBurst, 100)
	if c.SubscribeRate <= 0 {
		c.SubscribeRate = 5
	}
	if c.FrameRate <= 0 {
		c.FrameRate = 50
	}
	defDur(&c.WriteTimeout, 10*time.Second)
	defDur(&c.PingInterval, 25*time.Second)
	defDur(&c.OpTimeout, 5*time.Second)
	defDur(&c.PresenceInterval, time.Second)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Hub holds the websocket connections of one node and their channel
// subscriptions, and fans messages from the [Broker] out to them. Create
// it with [NewHub], mount it with [Hub.Mount] and push with [Hub.Publish].
type Hub struct {
	broker Broker
	cfg    Config
	log    *slog.Logger

	mu      sync.RWMutex
	rooms   map[string]*room
	closing map[string]chan struct{} // rooms whose broker unsubscribe runs
	conns   map[*conn]struct{}
	pings   *pingRing           // conns by the slot of the interval they are pinged in
	pingGap time.Duration       // between two rounds of the pinger
	dirty   map[string]struct{} // rooms whose presence count changed
	closed  bool

	stop    chan struct{}
	wg      sync.WaitGroup
	connsWG sync.WaitGroup // registered connections still running
}

// room is a channel with subscribers on this node.
type room struct {
	name  string
	ready chan struct{} // closed once the broker subscription is made
	err   error         // the broker subscription's error, set before ready closes
	refs  int           // guarded by Hub.mu

	mu   sync.Mutex
	subs map[*conn]*subscription
	list []*subscription // subs' values, for the fan-out to walk
}

// subscription is one connection's subscription to a room; its fields are
// guarded by room.mu.
type subscription struct {
	c     *conn
	idx   int // in room.list
	live  bool
	last  int64     // the seq of the last message queued, for dedupe
	buf   []pending // live messages that arrived while the history was read
	reset *History  // a reset that arrived while the history was read
}

type pending struct {
	seq   int64
	frame *frame
}

// NewHub returns a hub that fans out the messages of b. It installs itself
// as b's handler.
func NewHub(b Broker, cfg Config) *Hub {
	cfg = cfg.withDefaults()
	h := &Hub{
		broker:  b,
		cfg:     cfg,
		log:     cfg.Logger.With("component", "realtime.hub"),
		rooms:   make(map[string]*room),
		closing: make(map[string]chan struct{}),
		conns:   make(map[*conn]struct{}),
		dirty:   make(map[string]struct{}),
		stop:    make(chan struct{}),
	}
	h.pings, h.pingGap = newPingRing(cfg.PingInterval)
	b.SetHandler(h)
	h.wg.Add(2)
	go h.pinger()
	go h.presenceLoop()
	if !h.followSignOuts() {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			h.retrySignOuts()
		}()
	}
	return h
}

// followSignOuts subscribes this node to [SignOutChannel] and reports
// whether it could.
func (h *Hub) followSignOuts() bool {
	ctx, cancel := context.WithTimeout(context.Background(), h.cfg.OpTimeout)
	defer cancel()
	err := h.broker.Subscribe(ctx, SignOutChannel)
	if err != nil {
		h.log.Warn("realtime: subscribe to sign-outs failed; retrying", "err", err)
	}
	return err == nil
}

// retrySignOuts calls followSignOuts until it succeeds or the hub closes.
func (h *Hub) retrySignOuts() {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		select {
		case <-h.stop:
			return
		case <-time.After(wait):
		}
		if h.followSignOuts() {
			return
		}
	}
}

// SignOutEverywhere closes the sockets signed in with the token whose
// Config.TokenKey is key on every node sharing this hub's broker ([Hub.SignOut]
// on each, this one included, through [SignOutChannel]). When the broker
// is down, this node's sockets are closed all the same and the error is
// returned.
func (h *Hub) SignOutEverywhere(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	h.SignOut(key)
	data, _ := json.Marshal(key)
	if _, err := h.broker.Publish(ctx, SignOutChannel, "signed_out", data); err != nil {
		return fmt.Errorf("realtime: publish sign-out: %w", err)
	}
	return nil
}

// Broker returns the hub's broker.
func (h *Hub) Broker() Broker { return h.broker }

// Publish sends a message of type typ to every subscriber of channel on all
// nodes and returns its seq. data is marshaled to JSON; []byte and
// json.RawMessage are sent as they are and must be JSON. Returns
// EValidation for a bad channel, type or data, EUnavailable when the broker
// is down.
func (h *Hub) Publish(ctx context.Context, channel, typ string, data any) (int64, error) {
	var raw []byte
	switch d := data.(type) {
	case []byte:
		raw = d
	case json.RawMessage:
		raw = d
	default:
		b, err := json.Marshal(data)
		if err != nil {
			return 0, makerlink.Errorf(makerlink.EValidation, "message data cannot be encoded: %v", err)
		}
		raw = b
	}
	seq, err := h.broker.Publish(ctx, channel, typ, raw)
	if err == nil {
		metricPublished.Inc()
	}
	return seq, err
}

// Presence returns how many connections on all nodes subscribe to channel
// (refreshed every Config.PresenceInterval).
func (h *Hub) Presence(ctx context.Context, channel string) (int, error) {
	return h.broker.Presence(ctx, channel)
}

// Connections returns the number of open connections on this node.
func (h *Hub) Connections() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.conns)
}

// Close closes every connection with 1001 (going away: clients reconnect,
// to another node, and resume with since) and stops the hub. It does not
// close the broker.
func (h *Hub) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	close(h.stop)
	for _, c := range conns {
		c.closeWith(websocket.CloseGoingAway, "server shutting down")
	}
	h.wg.Wait()
	// Wait (a bounded time) for the connections to leave their rooms, so
	// that the broker can be closed next.
	done := make(chan struct{})
	go func() { h.connsWG.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(h.cfg.WriteTimeout + time.Second):
		h.log.Warn("connections still closing after the hub closed")
	}
	return nil
}

// HandleMessage implements [Handler]: it encodes the message once and
// sends it to every subscribed connection of this node. Large rooms are
// split between GOMAXPROCS goroutines; each connection gets the frame
// written straight to its socket when nothing is waiting in its queue
// (see [conn]). The room stays locked until every connection has the
// message (written or queued), so messages reach each connection in seq
// order.
func (h *Hub) HandleMessage(m Message) {
	if m.Channel == SignOutChannel {
		var key string
		if json.Unmarshal(m.Data, &key) == nil && key != "" {
			h.SignOut(key)
			if h.cfg.OnSignOut != nil {
				h.cfg.OnSignOut(key)
			}
		}
		return
	}
	h.mu.RLock()
	r := h.rooms[m.Channel]
	h.mu.RUnlock()
	if r == nil {
		return
	}
	f := newFrame(encodeMessage(m))
	r.mu.Lock()
	defer r.mu.Unlock()
	subs := r.list
	workers := min(runtime.GOMAXPROCS(0), len(subs)/fanoutPart)
	if workers <= 1 {
		deliver(subs, m.Seq, f)
		return
	}
	per := (len(subs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := per; lo < len(subs); lo += per {
		part := subs[lo:min(lo+per, len(subs))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			deliver(part, m.Seq, f)
		}()
	}
	deliver(subs[:per], m.Seq, f)
	wg.Wait()
}

// fanoutPart is the fewest subscribers worth a goroutine of their own.
const fanoutPart = 256

// deliver sends f (message seq) to subs; the room's lock is held by the
// caller (HandleMessage, which waits for every deliver of the message).
func deliver(subs []*subscription, seq int64, f *frame) {
	sent := 0
	for _, s := range subs {
		switch {
		case !s.live:
			s.buf = append(s.buf, pending{seq: seq, frame: f})
		case seq > s.last:
			// A broker that lags behind the history read delivers messages
			// the replay already sent: skip those.
			s.last = seq
			c := s.c
			c.qmu.Lock()
			if c.pushLocked(f, false) {
				sent++
			}
			c.qmu.Unlock()
		}
	}
	if sent > 0 {
		metricSent.Add(float64(sent))
	}
}

// HandleReset implements [Handler]: subscribers get a new subscribed frame
// with recovered:false and refetch their state.
func (h *Hub) HandleReset(channel string, pos History) {
	h.mu.RLock()
	r := h.rooms[channel]
	h.mu.RUnlock()
	if r == nil {
		return
	}
	h.log.Warn("channel reset: subscribers must refetch", "channel", channel, "latest", pos.Latest)
	r.mu.Lock()
	defer r.mu.Unlock()
	for c, s := range r.subs {
		if s.live {
			s.last = pos.Latest
			c.enqueue(newFrame(subscribedFrame(nil, channel, pos.Latest, pos.Epoch, false)))
		} else {
			p := pos
			s.reset, s.buf = &p, nil
		}
	}
}

// join adds c to channel's room (subscribing the node to the channel when
// it is the room's first connection) in the buffering state.
func (h *Hub) join(ctx context.Context, c *conn, channel string) (*room, *subscription, error) {
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil, nil, makerlink.Errorf(makerlink.EUnavailable, "The server is shutting down.")
		}
		if wait, ok := h.closing[channel]; ok {
			h.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, nil, unavailable("realtime.Hub.join", ctx.Err())
			}
		}
		r := h.rooms[channel]
		first := r == nil
		if first {
			r = &room{name: channel, ready: make(chan struct{}), subs: make(map[*conn]*subscription)}
			h.rooms[channel] = r
			metricRooms.Inc()
		}
		r.refs++
		h.mu.Unlock()
		if first {
			r.err = h.broker.Subscribe(ctx, channel)
			close(r.ready)
		} else {
			select {
			case <-r.ready:
			case <-ctx.Done():
				h.release(r)
				return nil, nil, unavailable("realtime.Hub.join", ctx.Err())
			}
		}
		if r.err != nil {
			h.release(r)
			return nil, nil, r.err
		}
		s := &subscription{c: c}
		r.mu.Lock()
		r.subs[c] = s
		s.idx = len(r.list)
		r.list = append(r.list, s)
		r.mu.Unlock()
		h.markDirty(channel)
		return r, s, nil
	}
}

// leave removes c from the room.
func (h *Hub) leave(r *room, c *conn) {
	r.mu.Lock()
	if s := r.subs[c]; s != nil {
		delete(r.subs, c)
		last := r.list[len(r.list)-1]
		r.list[s.idx], last.idx = last, s.idx
		r.list[len(r.list)-1] = nil
		r.list = r.list[:len(r.list)-1]
	}
	r.mu.Unlock()
	h.markDirty(r.name)
	h.release(r)
}

// release drops a reference to r and unsubscribes the node from the
// channel when it was the last.
func (h *Hub) release(r *room) {
	h.mu.Lock()
	r.refs--
	if r.refs > 0 || h.rooms[r.name] != r {
		h.mu.Unlock()
		return
	}
	delete(h.rooms, r.name)
	metricRooms.Dec()
	done := make(chan struct{})
	h.closing[r.name] = done
	h.mu.Unlock()
	if r.err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.OpTimeout)
		if err := h.broker.Unsubscribe(ctx, r.name); err != nil {
			h.log.Warn("unsubscribing the node failed", "channel", r.name, "err", err)
		}
		cancel()
	}
	h.mu.Lock()
	delete(h.closing, r.name)
	h.mu.Unlock()
	close(done)
}

// activate sends the subscribed frame, the replay and the live messages
// that arrived meanwhile (without duplicates), then makes s live.
func (r *room) activate(s *subscription, id json.RawMessage, hist History, since int64, epoch string) {
	recovered := since >= 0 && hist.Recovered && (epoch == "" || epoch == hist.Epoch)
	r.mu.Lock()
	defer r.mu.Unlock()
	c := s.c
	last := hist.Latest
	if s.reset != nil {
		// The live stream restarted while the history was read: what the
		// history said is stale.
		recovered, last = false, s.reset.Latest
		hist.Epoch = s.reset.Epoch
	}
	c.enqueueReplay(newFrame(subscribedFrame(id, r.name, last, hist.Epoch, recovered)))
	if recovered {
		for _, m := range hist.Messages {
			c.enqueueReplay(newFrame(encodeMessage(m)))
		}
	}
	for _, p := range s.buf {
		if p.seq > last {
			c.enqueueReplay(p.frame)
			last = p.seq
		}
	}
	s.buf, s.reset, s.live, s.last = nil, nil, true, last
}

func (h *Hub) markDirty(channel string) {
	h.mu.Lock()
	h.dirty[channel] = struct{}{}
	h.mu.Unlock()
}

// presenceLoop writes changed presence counts to the broker.
func (h *Hub) presenceLoop() {
	defer h.wg.Done()
	t := time.NewTicker(h.cfg.PresenceInterval)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			h.flushPresence(true)
			return
		case <-t.C:
			h.flushPresence(false)
		}
	}
}

func (h *Hub) flushPresence(final bool) {
	h.mu.Lock()
	counts := make(map[string]int, len(h.dirty))
	for ch := range h.dirty {
		n := 0
		if r := h.rooms[ch]; r != nil && !final {
			r.mu.Lock()
			n = len(r.subs)
			r.mu.Unlock()
		}
		counts[ch] = n
	}
	if final {
		for ch := range h.rooms {
			counts[ch] = 0
		}
	}
	clear(h.dirty)
	h.mu.Unlock()
	for ch, n := range counts {
		ctx, cancel := context.WithTimeout(context.Background(), h.cfg.OpTimeout)
		err := h.broker.SetPresence(ctx, ch, n)
		cancel()
		if err != nil {
			h.log.Warn("writing presence failed", "channel", ch, "err", err)
			h.markDirty(ch)
		}
	}
}

// pinger pings every connection once each PingInterval, one slot of the
// ping ring at a time.
func (h *Hub) pinger() {
	defer h.wg.Done()
	t := time.NewTicker(h.pingGap)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		h.mu.Lock()
		for c := range h.pings.round() {
			c.enqueue(pingFrame)
		}
		h.mu.Unlock()
	}
}

// SignOut closes, with code 4001 (CloseUnauthorized) and the reason
// "signed out", the connections of this node signed in with the token
// whose Config.TokenKey is key, and returns how many. Connections signed in
// with the user's other tokens stay open.
func (h *Hub) SignOut(key string) int {
	if key == "" {
		return 0
	}
	var out []*conn
	h.mu.Lock()
	for c := range h.conns {
		if c.tokenKey.Load() != nil && *c.tokenKey.Load() == key {
			out = append(out, c)
		}
	}
	h.mu.Unlock()
	for _, c := range out {
		c.closeWith(CloseUnauthorized, "signed out")
	}
	return len(out)
}

// keyOf returns the Config.TokenKey of token, or nil.
func (h *Hub) keyOf(token string) *string {
	if h.cfg.TokenKey == nil {
		return nil
	}
	k := h.cfg.TokenKey(token)
	return &k
}

func (h *Hub) register(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.conns[c] = struct{}{}
	h.pings.add(c)
	h.connsWG.Add(1)
	metricConnections.Inc()
	return true
}

func (h *Hub) unregister(c *conn) {
	h.mu.Lock()
	if _, ok := h.conns[c]; ok {
		delete(h.conns, c)
		h.pings.remove(c)
		h.connsWG.Done()
		metricConnections.Dec()
	}
	h.mu.Unlock()
}

// authorize applies the hub's channel rules, then Config.Authorize.
func (h *Hub) authorize(ctx context.Context, userID, channel string) error {
	kind, id, err := ParseChannel(channel)
	if err != nil {
		return err
	}
	switch {
	case kind == KindSystem:
		return makerlink.Errorf(makerlink.EForbidden, "%s is not a channel clients may subscribe to.", channel)
	case kind != KindEvent && userID == "":
		return makerlink.Errorf(makerlink.EUnauthorized, "Sign in to subscribe to %s.", channel)
	case kind == KindUser && id != userID:
		return makerlink.Errorf(makerlink.EForbidden, "You may not subscribe to another user's channel.")
	}
	if h.cfg.Authorize != nil {
		return h.cfg.Authorize(ctx, userID, channel)
	}
	if kind == KindJudges {
		return makerlink.Errorf(makerlink.EForbidden, "Only the event's judges and organizer may subscribe to %s.", channel)
	}
	return nil
}

// errorCode maps an error to the code of an error frame and a message.
func errorCode(err error) (string, string) {
	msg := makerlink.ErrorMessage(err)
	switch makerlink.ErrorCode(err) {
	case makerlink.EValidation, makerlink.EBadRequest:
		return CodeBadChannel, msg
	case makerlink.EUnauthorized:
		return CodeUnauthorized, msg
	case makerlink.EForbidden, makerlink.ENotFound, makerlink.EConflictOfInterest:
		return CodeForbidden, msg
	case makerlink.ERateLimited:
		return CodeRateLimited, msg
	case makerlink.EUnavailable:
		return CodeUnavailable, msg
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return CodeUnavailable, "The server is busy; try again."
	}
	return CodeInternal, msg
}

var _ Handler = (*Hub)(nil)
