package realtime

import (
	"encoding/json"
	"strconv"
)

// Ops of client frames.
const (
	OpAuth        = "auth"
	OpSubscribe   = "subscribe"
	OpUnsubscribe = "unsubscribe"
	OpPing        = "ping"
)

// Ops of server frames.
const (
	OpAuthenticated = "authenticated"
	OpSubscribed    = "subscribed"
	OpUnsubscribed  = "unsubscribed"
	OpMessage       = "message"
	OpPong          = "pong"
	OpError         = "error"
)

// Codes of error frames. They are part of the protocol: never rename one.
const (
	CodeBadFrame             = "bad_frame"             // not a JSON object, or a field of the wrong type
	CodeUnknownOp            = "unknown_op"            // an op the server does not know
	CodeTooLarge             = "too_large"             // a frame over MaxFrameBytes; it was discarded
	CodeBadChannel           = "bad_channel"           // not event:<id>, event:<id>:judges or user:<id>
	CodeUnauthorized         = "unauthorized"          // a bad token, or a private channel without one
	CodeForbidden            = "forbidden"             // signed in, not allowed on the channel
	CodeRateLimited          = "rate_limited"          // too many subscribes or frames; slow down
	CodeAlreadySubscribed    = "already_subscribed"    // subscribe to a channel this connection has
	CodeAlreadyAuthenticated = "already_authenticated" // auth on a signed-in connection
	CodeTooManyChannels      = "too_many_channels"     // over Config.MaxChannels subscriptions
	CodeUnavailable          = "unavailable"           // the broker or the auth backend is down; retry
	CodeInternal             = "internal"              // details are logged, never shown
)

// Close codes the server uses besides the standard ones (1000 normal, 1001
// going away at shutdown, 1009 a frame over the hard read limit).
const (
	// CloseUnauthorized: the ?token= of the upgrade request is not valid.
	CloseUnauthorized = 4001
	// CloseSlowConsumer: the connection's send queue overflowed. Reconnect
	// and resubscribe with since.
	CloseSlowConsumer = 4008
	// CloseTryAgain: a dependency was unavailable; reconnect later.
	CloseTryAgain = 1013
)

// clientFrame is any frame a client sends.
type clientFrame struct {
	Op      string          `json:"op"`
	ID      json.RawMessage `json:"id,omitempty"` // echoed in the reply
	Channel string          `json:"channel,omitempty"`
	Since   *int64          `json:"since,omitempty"`
	Epoch   string          `json:"epoch,omitempty"`
	Token   string          `json:"token,omitempty"`
}

// replyFrame is any frame the server sends except messages.
type replyFrame struct {
	Op        string          `json:"op"`
	ID        json.RawMessage `json:"id,omitempty"`
	Channel   string          `json:"channel,omitempty"`
	Seq       *int64          `json:"seq,omitempty"`
	Epoch     string          `json:"epoch,omitempty"`
	Recovered *bool           `json:"recovered,omitempty"`
	UserID    string          `json:"user_id,omitempty"`
	Code      string          `json:"code,omitempty"`
	Message   string          `json:"message,omitempty"`
}

func encodeReply(f replyFrame) []byte {
	b, err := json.Marshal(f)
	if err != nil { // cannot happen: every field is marshalable
		return []byte(`{"op":"error","code":"internal","message":"Internal error."}`)
	}
	return b
}

func subscribedFrame(id json.RawMessage, channel string, seq int64, epoch string, recovered bool) []byte {
	return encodeReply(replyFrame{Op: OpSubscribed, ID: id, Channel: channel, Seq: &seq, Epoch: epoch, Recovered: &recovered})
}

func errorFrame(id json.RawMessage, channel, code, msg string) []byte {
	return encodeReply(replyFrame{Op: OpError, ID: id, Channel: channel, Code: code, Message: msg})
}

// encodeMessage encodes a message frame. Channel names and types are
// validated ASCII without characters JSON escapes, and data is JSON.
// realtime/client reads this exact layout without a JSON decoder (and
// decodes anything else in full): keep the field order, data last.
func encodeMessage(m Message) []byte {
	b := make([]byte, 0, 64+len(m.Channel)+len(m.Type)+len(m.Data))
	b = append(b, `{"op":"message","channel":"`...)
	b = append(b, m.Channel...)
	b = append(b, `","seq":`...)
	b = strconv.AppendInt(b, m.Seq, 10)
	b = append(b, `,"type":"`...)
	b = append(b, m.Type...)
	b = append(b, `","data":`...)
	if len(m.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, m.Data...)
	}
	return append(b, '}')
}

// validRequestID keeps echoed ids small scalars.
func validRequestID(id json.RawMessage) bool {
	if len(id) == 0 {
		return true
	}
	if len(id) > 64 {
		return false
	}
	switch id[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}
