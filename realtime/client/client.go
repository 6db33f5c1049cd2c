// Package client is a Go client of the makerlink websocket protocol
// (docs/realtime.md): dial, sign in, subscribe with since, receive
// messages, and resume automatically after a drop from the last seq seen.
//
//	c, err := client.Dial(ctx, "ws://127.0.0.1:8080/ws", client.Options{Token: tok, Reconnect: true})
//	sub, err := c.Subscribe(ctx, "event:42")
//	for m := range c.Messages() { ... }
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
)

// Message is a message frame.
type Message struct {
	Channel string
	Seq     int64
	Type    string
	Data    json.RawMessage
}

// Subscribed is a subscribed frame: the channel's latest seq and whether
// the messages after since are replayed (Recovered) or the state must be
// refetched.
type Subscribed struct {
	Channel   string
	Seq       int64
	Epoch     string
	Recovered bool
}

// Error is an error frame.
type Error struct {
	Code    string
	Message string
	Channel string
}

func (e *Error) Error() string {
	if e.Channel != "" {
		return fmt.Sprintf("realtime %s on %s: %s", e.Code, e.Channel, e.Message)
	}
	return fmt.Sprintf("realtime %s: %s", e.Code, e.Message)
}

// EventKind says what an [Event] reports.
type EventKind string

// Event kinds.
const (
	// EventSubscribed: a subscribed frame that no call waited for: a
	// resubscription after a reconnect, or a reset by the server.
	EventSubscribed EventKind = "subscribed"
	// EventError: an error frame that no call waited for.
	EventError EventKind = "error"
	// EventDisconnected: the connection dropped (CloseCode tells why).
	EventDisconnected EventKind = "disconnected"
	// EventReconnected: a new connection is up and resubscribing.
	EventReconnected EventKind = "reconnected"
)

// Event is something other than a message that happened on the connection.
type Event struct {
	Kind       EventKind
	Subscribed Subscribed // EventSubscribed
	Err        *Error     // EventError
	CloseCode  int        // EventDisconnected: the close code, 1006 when none
}

// Options configures [Dial].
type Options struct {
	// Token is sent in an auth frame right after connecting (and after
	// every reconnect). Empty: anonymous.
	Token string
	// OnMessage, when set, receives messages on the reader goroutine;
	// otherwise they go to [Client.Messages]. It must not block for long:
	// a client that does not read is dropped by the server.
	OnMessage func(Message)
	// OnEvent, when set, receives events on the reader goroutine;
	// otherwise they go to [Client.Events] (dropped when its buffer is full).
	OnEvent func(Event)
	// BorrowData, with OnMessage, makes Message.Data point into the
	// client's read buffer instead of a copy: it is valid only until
	// OnMessage returns, and receiving allocates nothing. Load tools use
	// it; without it every message owns its Data.
	BorrowData bool
	// Buffer is the capacity of the Messages and Events channels (default 256).
	Buffer int
	// Reconnect redials after a drop, with backoff, and resubscribes every
	// channel with since set to the last seq received.
	Reconnect bool
	// Dialer dials the websocket (default: small buffers, 10 s handshake).
	Dialer *websocket.Dialer
}

var defaultDialer = &websocket.Dialer{
	HandshakeTimeout: 10 * time.Second,
	ReadBufferSize:   1024,
	WriteBufferSize:  1024,
	WriteBufferPool:  &sync.Pool{},
}

// Client is a connection to the websocket endpoint. Its methods are safe
// for concurrent use.
type Client struct {
	url  string
	opts Options

	wmu sync.Mutex // serializes writes
	mu  sync.Mutex
	ws  *websocket.Conn
	// pending replies by request id
	pending map[string]chan frame
	chans   map[string]*chanState
	userID  string
	closed  bool

	lastType string // the type of the last message (reader goroutine only)

	nextID   atomic.Int64
	msgs     chan Message
	events   chan Event
	done     chan struct{}
	closeErr error
}

type chanState struct {
	name  string
	last  int64
	epoch string
	known bool // last is meaningful
}

// frame is any server frame.
type frame struct {
	Op        string          `json:"op"`
	ID        json.RawMessage `json:"id"`
	Channel   string          `json:"channel"`
	Seq       int64           `json:"seq"`
	Epoch     string          `json:"epoch"`
	Recovered bool            `json:"recovered"`
	Type      string          `json:"type"`
	Data      json.RawMessage `json:"data"`
	UserID    string          `json:"user_id"`
	Code      string          `json:"code"`
	Message   string          `json:"message"`
}

// Dial connects to url (ws://host:port/ws) and, with a token, signs in.
func Dial(ctx context.Context, url string, opts Options) (*Client, error) {
	if opts.Buffer <= 0 {
		opts.Buffer = 256
	}
	if opts.Dialer == nil {
		opts.Dialer = defaultDialer
	}
	c := &Client{
		url:     url,
		opts:    opts,
		pending: make(map[string]chan frame),
		chans:   make(map[string]*chanState),
		done:    make(chan struct{}),
	}
	if opts.OnMessage == nil {
		c.msgs = make(chan Message, opts.Buffer)
	}
	if opts.OnEvent == nil {
		c.events = make(chan Event, opts.Buffer)
	}
	ws, _, err := opts.Dialer.DialContext(ctx, url, nil)
	if err != nil {
		return nil, fmt.Errorf("realtime client: dial %s: %w", url, err)
	}
	c.ws = ws
	go c.readLoop(ws)
	if opts.Token != "" {
		if _, err := c.Auth(ctx, opts.Token); err != nil {
			_ = c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Messages returns the channel of messages (nil with Options.OnMessage).
// It is closed when the client is closed for good.
func (c *Client) Messages() <-chan Message { return c.msgs }

// Events returns the channel of events (nil with Options.OnEvent).
func (c *Client) Events() <-chan Event { return c.events }

// Done is closed when the client is closed for good: by Close, or by a
// drop without Options.Reconnect.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the client closed (nil before, or after Close).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

// UserID returns the signed-in user's id ("" when anonymous).
func (c *Client) UserID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.userID
}

// LastSeq returns the last seq received on channel and whether one is known.
func (c *Client) LastSeq(channel string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.chans[channel]; s != nil && s.known {
		return s.last, true
	}
	return 0, false
}

// Auth signs the connection in and returns the user id.
func (c *Client) Auth(ctx context.Context, token string) (string, error) {
	f, err := c.request(ctx, map[string]any{"op": "auth", "token": token})
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.userID = f.UserID
	c.opts.Token = token
	c.mu.Unlock()
	return f.UserID, nil
}

// Subscribe subscribes to channel. When the client saw messages of the
// channel before (an earlier subscription), it resumes after the last one.
func (c *Client) Subscribe(ctx context.Context, channel string) (Subscribed, error) {
	c.mu.Lock()
	s := c.chans[channel]
	c.mu.Unlock()
	if s != nil && s.known {
		return c.subscribe(ctx, channel, s.last, s.epoch, true)
	}
	return c.subscribe(ctx, channel, 0, "", false)
}

// SubscribeSince subscribes to channel and asks for the messages after since.
func (c *Client) SubscribeSince(ctx context.Context, channel string, since int64) (Subscribed, error) {
	return c.subscribe(ctx, channel, since, "", true)
}

func (c *Client) subscribe(ctx context.Context, channel string, since int64, epoch string, withSince bool) (Subscribed, error) {
	req := map[string]any{"op": "subscribe", "channel": channel}
	if withSince {
		req["since"] = since
		if epoch != "" {
			req["epoch"] = epoch
		}
	}
	c.mu.Lock()
	st := c.chans[channel]
	if st == nil {
		st = &chanState{name: channel}
		c.chans[channel] = st
	}
	if withSince {
		st.last, st.known = since, true
	}
	c.mu.Unlock()
	f, err := c.request(ctx, req)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code != "already_subscribed" {
			c.mu.Lock()
			delete(c.chans, channel)
			c.mu.Unlock()
		}
		return Subscribed{}, err
	}
	return Subscribed{Channel: f.Channel, Seq: f.Seq, Epoch: f.Epoch, Recovered: f.Recovered}, nil
}

// Unsubscribe stops the channel's messages and forgets its last seq.
func (c *Client) Unsubscribe(ctx context.Context, channel string) error {
	c.mu.Lock()
	delete(c.chans, channel)
	c.mu.Unlock()
	_, err := c.request(ctx, map[string]any{"op": "unsubscribe", "channel": channel})
	return err
}

// Ping sends a ping frame and waits for the pong.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.request(ctx, map[string]any{"op": "ping"})
	return err
}

// SendRaw writes data as one text frame, as is (tests and tools use it to
// send malformed frames). Replies arrive as events.
func (c *Client) SendRaw(data []byte) error {
	return c.write(websocket.TextMessage, data)
}

// SendBinary writes data as one binary frame.
func (c *Client) SendBinary(data []byte) error {
	return c.write(websocket.BinaryMessage, data)
}

func (c *Client) write(mt int, data []byte) error {
	c.mu.Lock()
	ws := c.ws
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return errors.New("realtime client: closed")
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(mt, data); err != nil {
		return fmt.Errorf("realtime client: write: %w", err)
	}
	return nil
}

// request sends req with a fresh id and waits for the reply with that id.
func (c *Client) request(ctx context.Context, req map[string]any) (frame, error) {
	id := "c" + strconv.FormatInt(c.nextID.Add(1), 10)
	req["id"] = id
	b, err := json.Marshal(req)
	if err != nil {
		return frame{}, err
	}
	ch := make(chan frame, 1)
	c.mu.Lock()
	c.pending[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()
	if err := c.write(websocket.TextMessage, b); err != nil {
		return frame{}, err
	}
	select {
	case f := <-ch:
		if f.Op == "error" {
			return f, &Error{Code: f.Code, Message: f.Message, Channel: f.Channel}
		}
		return f, nil
	case <-ctx.Done():
		return frame{}, fmt.Errorf("realtime client: waiting for the reply to %s: %w", req["op"], ctx.Err())
	case <-c.done:
		return frame{}, errors.New("realtime client: closed")
	}
}

// Close closes the connection for good.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	ws := c.ws
	c.mu.Unlock()
	c.wmu.Lock()
	_ = ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.wmu.Unlock()
	return ws.Close()
}

func (c *Client) readLoop(ws *websocket.Conn) {
	for {
		err := c.readConn(ws)
		// The connection is over: close the socket (the library answered a
		// close frame but leaves the socket open), so that the server sees
		// the end and no descriptor stays behind across reconnects.
		_ = ws.Close()
		code := websocket.CloseAbnormalClosure
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			code = ce.Code
		}
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed || !c.opts.Reconnect {
			c.finish(err, closed)
			return
		}
		c.emit(Event{Kind: EventDisconnected, CloseCode: code})
		ws = c.redial()
		if ws == nil {
			c.finish(err, true)
			return
		}
	}
}

func (c *Client) finish(err error, byUser bool) {
	c.mu.Lock()
	if !byUser {
		c.closeErr = err
	}
	c.closed = true
	c.mu.Unlock()
	close(c.done)
	if c.msgs != nil {
		close(c.msgs)
	}
}

// redial reconnects with backoff until it succeeds or the client closes,
// then signs in again and resubscribes every channel after its last seq.
func (c *Client) redial() *websocket.Conn {
	backoff := 50 * time.Millisecond
	for {
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if closed {
			return nil
		}
		sleep := backoff/2 + rand.N(backoff)
		time.Sleep(sleep)
		backoff = min(2*backoff, 3*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ws, _, err := c.opts.Dialer.DialContext(ctx, c.url, nil)
		cancel()
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			_ = ws.Close()
			return nil
		}
		c.ws = ws
		token := c.opts.Token
		var reqs [][]byte
		if token != "" {
			b, _ := json.Marshal(map[string]any{"op": "auth", "token": token})
			reqs = append(reqs, b)
		}
		for ch, st := range c.chans {
			req := map[string]any{"op": "subscribe", "channel": ch}
			if st.known {
				req["since"] = st.last
				if st.epoch != "" {
					req["epoch"] = st.epoch
				}
			}
			b, _ := json.Marshal(req)
			reqs = append(reqs, b)
		}
		c.mu.Unlock()
		c.emit(Event{Kind: EventReconnected})
		ok := true
		for _, b := range reqs {
			if err := c.write(websocket.TextMessage, b); err != nil {
				ok = false
				break
			}
		}
		if ok {
			return ws
		}
		_ = ws.Close()
	}
}

// readConn reads frames from ws until it fails. One buffer, reused, holds
// each frame while it is dispatched.
func (c *Client) readConn(ws *websocket.Conn) error {
	buf := make([]byte, 0, 1024)
	for {
		_, r, err := ws.NextReader()
		if err != nil {
			return err
		}
		if buf, err = readAll(r, buf[:0]); err != nil {
			return err
		}
		if !c.dispatchMessage(buf) {
			var f frame
			if err := json.Unmarshal(buf, &f); err == nil {
				c.dispatch(f)
			}
		}
		if cap(buf) > 64<<10 {
			buf = make([]byte, 0, 1024) // do not keep a rare large frame's buffer
		}
	}
}

// readAll appends what r holds to b.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// dispatchMessage delivers b when it is a message frame in the layout the
// server writes, without decoding the data; it reports false for any other
// frame (decoded in full by the caller).
func (c *Client) dispatchMessage(b []byte) bool {
	ch, seq, typ, data, ok := parseMessage(b)
	if !ok {
		return false
	}
	c.mu.Lock()
	st := c.chans[string(ch)]
	var name string
	if st != nil {
		st.last, st.known = seq, true
		name = st.name
	}
	c.mu.Unlock()
	if st == nil {
		name = string(ch)
	}
	if string(typ) != c.lastType {
		c.lastType = string(typ)
	}
	if c.opts.OnMessage == nil || !c.opts.BorrowData {
		data = bytes.Clone(data)
	}
	m := Message{Channel: name, Seq: seq, Type: c.lastType, Data: data}
	if c.opts.OnMessage != nil {
		c.opts.OnMessage(m)
	} else {
		c.msgs <- m
	}
	return true
}

// parseMessage splits a message frame as the server encodes it,
// {"op":"message","channel":"…","seq":N,"type":"…","data":…}, with data
// last and names without escapes. Anything else reports !ok.
func parseMessage(b []byte) (channel []byte, seq int64, typ, data []byte, ok bool) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"op":"message","channel":"`))
	if !ok {
		return
	}
	if channel, rest, ok = cutName(rest); !ok {
		return
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"seq":`)); !ok {
		return
	}
	i := 0
	for ; i < len(rest) && i < 18 && rest[i] >= '0' && rest[i] <= '9'; i++ {
		seq = seq*10 + int64(rest[i]-'0')
	}
	if i == 0 {
		return nil, 0, nil, nil, false
	}
	if rest, ok = bytes.CutPrefix(rest[i:], []byte(`,"type":"`)); !ok {
		return
	}
	if typ, rest, ok = cutName(rest); !ok {
		return
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"data":`)); !ok {
		return
	}
	if len(rest) < 2 || rest[len(rest)-1] != '}' {
		return nil, 0, nil, nil, false
	}
	return channel, seq, typ, rest[:len(rest)-1], true
}

// cutName cuts a JSON string without escapes (its opening quote already
// consumed) from b.
func cutName(b []byte) (name, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '"')
	if i < 0 || bytes.IndexByte(b[:i], '\\') >= 0 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

func (c *Client) dispatch(f frame) {
	switch f.Op {
	case "message":
		c.mu.Lock()
		if st := c.chans[f.Channel]; st != nil {
			st.last, st.known = f.Seq, true
		}
		c.mu.Unlock()
		m := Message{Channel: f.Channel, Seq: f.Seq, Type: f.Type, Data: f.Data}
		if c.opts.OnMessage != nil {
			c.opts.OnMessage(m)
		} else {
			c.msgs <- m
		}
		return
	case "subscribed":
		c.mu.Lock()
		if st := c.chans[f.Channel]; st != nil {
			st.epoch = f.Epoch
			if !f.Recovered || !st.known {
				st.last, st.known = f.Seq, true
			}
		}
		c.mu.Unlock()
	}
	var id string
	if len(f.ID) > 0 && json.Unmarshal(f.ID, &id) == nil && id != "" {
		c.mu.Lock()
		ch := c.pending[id]
		c.mu.Unlock()
		if ch != nil {
			ch <- f
			return
		}
	}
	switch f.Op {
	case "subscribed":
		c.emit(Event{Kind: EventSubscribed, Subscribed: Subscribed{Channel: f.Channel, Seq: f.Seq, Epoch: f.Epoch, Recovered: f.Recovered}})
	case "error":
		c.emit(Event{Kind: EventError, Err: &Error{Code: f.Code, Message: f.Message, Channel: f.Channel}})
	case "authenticated":
		c.mu.Lock()
		c.userID = f.UserID
		c.mu.Unlock()
	}
}

func (c *Client) emit(e Event) {
	if c.opts.OnEvent != nil {
		c.opts.OnEvent(e)
		return
	}
	select {
	case c.events <- e:
	default:
	}
}
