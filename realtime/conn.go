package realtime

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/fasthttp/websocket"

	"makerlink"
)

// frame is an outgoing frame as it goes on the wire: the websocket header
// and the payload. A server's frames are never masked and the hub does not
// compress, so a broadcast is encoded once and the same bytes go to every
// connection of the room.
type frame struct {
	wire []byte
	size int  // bytes counted against Config.MaxQueueBytes
	ping bool // a control frame: exempt from the queue's limits
}

// WebSocket opcodes (RFC 6455, 5.2).
const (
	opText = 0x1
	opPing = 0x9
	opPong = 0xA
)

// wireFrame returns the final (FIN) frame of opcode op carrying payload.
func wireFrame(op byte, payload []byte) []byte {
	n := len(payload)
	var b []byte
	switch {
	case n < 126:
		b = make([]byte, 2, 2+n)
		b[1] = byte(n)
	case n <= 0xFFFF:
		b = make([]byte, 4, 4+n)
		b[1] = 126
		binary.BigEndian.PutUint16(b[2:], uint16(n))
	default:
		b = make([]byte, 10, 10+n)
		b[1] = 127
		binary.BigEndian.PutUint64(b[2:], uint64(n))
	}
	b[0] = 0x80 | op
	return append(b, payload...)
}

// newFrame returns a text frame of b.
func newFrame(b []byte) *frame { return &frame{wire: wireFrame(opText, b), size: len(b)} }

var pingFrame = &frame{wire: wireFrame(opPing, nil), ping: true}

// hardReadLimit closes connections sending frames larger than this.
const hardReadLimit = 1 << 20

// conn is one websocket connection: a reader (the handler goroutine) and a
// bounded send queue. Frames are written straight from the goroutine that
// sends them (the fan-out, the reader) with a non-blocking write when
// nothing is queued or being written; otherwise, or when the socket's buffer
// is full, they wait in the queue for the connection's writer goroutine,
// which runs only while the queue holds frames. Either way one goroutine at
// a time writes to the socket (under qmu, or as the writer), so frames
// never interleave and go out in the order they were queued. The websocket
// library's ping and close handlers, which would write from the reader, are
// replaced; it still writes a close frame itself when a client breaks the
// protocol, as that connection ends.
type conn struct {
	hub *Hub
	ws  *websocket.Conn
	out net.Conn // the socket under ws: frames are written to it as they are

	// raw writes to the socket without blocking (nil when the socket does
	// not offer it: every frame then goes through the writer). direct is
	// its callback; dbuf and dn are its argument and result, guarded by
	// qmu, so that a direct write allocates nothing.
	raw    syscall.RawConn
	direct func(fd uintptr) bool
	dbuf   []byte
	dn     int

	shutting atomic.Bool // set by shut (any goroutine): see extendRead

	// Reader goroutine only. bufs are the read buffers between the socket
	// and the websocket reader; while they are empty the reader waits for
	// the socket in waitIdle, on a short stack (nil: it waits in the
	// websocket reader). readable is waitIdle's callback, peek its buffer.
	bufs     []*bufio.Reader
	readable func(fd uintptr) bool
	peek     [1]byte

	userID      string
	tokenKey    atomic.Pointer[string] // Config.TokenKey of the token it signed in with (Hub.SignOut reads it)
	rooms       map[string]*room
	subLimit    bucket
	frameLimit  bucket
	readTimeout time.Duration
	pingSlot    int // in Hub.pings, guarded by Hub.mu

	qmu           sync.Mutex
	queue         []*frame
	spare         []*frame
	qbytes        int
	replayed      int // frames of the queue queued by enqueueReplay
	replayedBytes int
	closing       bool
	closeCode     int
	closeText     string
	writing       bool // a writer goroutine runs

	writerDone chan struct{} // closed by the writer that closes the connection
	wbufs      net.Buffers   // the writer's vector of frames (writer only)
	peerClose  int           // the close code the client sent (reader only)
}

func newConn(h *Hub, ws *websocket.Conn) *conn {
	c := &conn{
		hub:         h,
		ws:          ws,
		out:         ws.NetConn(),
		subLimit:    bucket{rate: h.cfg.SubscribeRate, burst: float64(h.cfg.SubscribeBurst), tokens: float64(h.cfg.SubscribeBurst)},
		frameLimit:  bucket{rate: h.cfg.FrameRate, burst: float64(h.cfg.FrameBurst), tokens: float64(h.cfg.FrameBurst)},
		readTimeout: 3 * h.cfg.PingInterval,
		writerDone:  make(chan struct{}),
	}
	// fasthttp hands a hijacked connection over in a wrapper (for the
	// request bytes it read ahead); writes go to the TCP connection inside.
	if u, ok := c.out.(interface{ UnsafeConn() net.Conn }); ok && u.UnsafeConn() != nil {
		c.out = u.UnsafeConn()
	}
	if sc, ok := c.out.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			c.raw = rc
			c.direct = func(fd uintptr) bool {
				// -1 on an error: EAGAIN or a failed socket.
				c.dn, _ = syscall.Write(int(fd), c.dbuf)
				// Never wait for the socket: the writer does.
				return true
			}
			if bufs, ok := readBuffers(ws, c.out); ok {
				c.bufs = bufs
				c.readable = func(fd uintptr) bool {
					// Bytes (or EOF, or an error) to read: not EAGAIN.
					_, _, err := syscall.Recvfrom(int(fd), c.peek[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
					return err != syscall.EAGAIN
				}
			}
		}
	}
	return c
}

// readBuffers returns the bufio.Readers through which ws reads from the
// socket out: its own, and fasthttp's of the hijacked connection. Neither
// library exports them; without both (another library version) it reports
// false and the reader never waits outside the websocket reader.
func readBuffers(ws *websocket.Conn, out net.Conn) ([]*bufio.Reader, bool) {
	own, ok := bufioField(ws, "br")
	if !ok {
		return nil, false
	}
	bufs := []*bufio.Reader{own}
	nc := ws.NetConn()
	if nc == out {
		return bufs, true
	}
	if _, ok := nc.(interface{ UnsafeConn() net.Conn }); !ok {
		return nil, false
	}
	if hj, ok := bufioField(nc, "r"); ok {
		return append(bufs, hj), true
	}
	// fasthttp reads the socket itself when it had no reader to hand over.
	if r := reflect.ValueOf(nc).Elem().FieldByName("r"); r.IsValid() && r.Kind() == reflect.Interface &&
		!r.IsNil() && r.Elem().Kind() == reflect.Pointer && r.Elem().UnsafePointer() == reflect.ValueOf(out).UnsafePointer() {
		return bufs, true
	}
	return nil, false
}

// bufioField returns the *bufio.Reader in field name of the struct p
// points to, or in the interface that field holds.
func bufioField(p any, name string) (*bufio.Reader, bool) {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, false
	}
	f := v.Elem().FieldByName(name)
	if f.IsValid() && f.Kind() == reflect.Interface && !f.IsNil() {
		f = f.Elem()
	}
	if !f.IsValid() || f.Type() != reflect.TypeFor[*bufio.Reader]() || f.IsNil() {
		return nil, false
	}
	return (*bufio.Reader)(f.UnsafePointer()), true
}

// waitIdle waits until there is something to read. An idle connection
// spends its life here, so it parks on a short stack, which Go's garbage
// collector shrinks to 4 KiB (parked in the websocket reader it stays at
// 8 KiB). It returns at once when bytes are buffered above the socket, and
// fails like a read when the read deadline passes or the socket fails.
func (c *conn) waitIdle() error {
	if c.readable == nil {
		return nil
	}
	for _, b := range c.bufs {
		if b.Buffered() > 0 {
			return nil
		}
	}
	return c.raw.Read(c.readable)
}

// run serves the connection until it closes.
// It is on the stack of an idle connection's goroutine, as is readLoop:
// both keep their frames small and leave the work to other functions.
func (c *conn) run(authErr error) {
	if !c.hub.register(c) {
		c.goingAway()
		return
	}
	defer c.cleanup()
	if authErr != nil {
		c.refuse(authErr)
		return
	}
	c.readLoop()
}

//go:noinline
func (c *conn) goingAway() {
	_ = c.ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(time.Second))
}

// refuse reports authErr, the failed authentication of the upgrade
// request, and closes the connection.
//
//go:noinline
func (c *conn) refuse(authErr error) {
	code, msg := errorCode(authErr)
	c.enqueue(newFrame(errorFrame(nil, "", code, msg)))
	if code == CodeUnauthorized {
		c.closeWith(CloseUnauthorized, "unauthorized")
	} else {
		c.closeWith(CloseTryAgain, "try again later")
	}
	<-c.writerDone
}

// cleanup runs when the reader ends (the client left, broke the protocol
// or went silent): nothing queued is worth sending any more.
func (c *conn) cleanup() {
	code := websocket.CloseNormalClosure
	if c.peerClose != 0 {
		code = c.peerClose // echo the client's close frame
	}
	c.qmu.Lock()
	c.closeLocked(code, "", false)
	c.qmu.Unlock()
	<-c.writerDone
	c.linger()
	for _, r := range c.rooms {
		c.hub.leave(r, c)
	}
	c.rooms = nil
	c.hub.unregister(c)
}

func (c *conn) readLoop() {
	c.setHandlers()
	for c.waitIdle() == nil && c.readFrame() {
	}
}

//go:noinline
func (c *conn) setHandlers() {
	c.ws.SetReadLimit(hardReadLimit)
	_ = c.extendRead()
	c.ws.SetPongHandler(func(string) error {
		return c.extendRead()
	})
	// The library's own handlers would write the pong and the close echo
	// from this goroutine, beside the direct writes: queue the pong
	// instead, and let cleanup send the close frame.
	c.ws.SetPingHandler(func(data string) error {
		c.push(&frame{wire: wireFrame(opPong, []byte(data)), ping: true}, false)
		return c.extendRead()
	})
	c.ws.SetCloseHandler(func(code int, _ string) error {
		c.peerClose = code
		return nil
	})
}

// readFrame reads and handles the next message; false when the
// connection ends.
//
//go:noinline
func (c *conn) readFrame() bool {
	max := c.hub.cfg.MaxFrameBytes
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return false
	}
	_ = c.extendRead()
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return false
	}
	if len(data) > max {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return false
		}
		c.sendError(nil, "", CodeTooLarge, fmt.Sprintf("Frames are limited to %d KiB; this one was discarded.", max>>10))
		return true
	}
	if !c.frameLimit.allow(time.Now()) {
		c.sendError(nil, "", CodeRateLimited, "Too many frames; slow down.")
		return true
	}
	if mt != websocket.TextMessage {
		c.sendError(nil, "", CodeBadFrame, "Send JSON in text frames.")
		return true
	}
	if !utf8.Valid(data) {
		// RFC 6455 §8.1: a text frame that is not UTF-8 fails the
		// connection (1007); echoing its bytes would fail the client's.
		c.closeWith(websocket.CloseInvalidFramePayloadData, "text frames must be UTF-8")
		return false
	}
	c.handle(data)
	return true
}

func (c *conn) handle(data []byte) {
	var f clientFrame
	if err := json.Unmarshal(data, &f); err != nil {
		c.sendError(nil, "", CodeBadFrame, "A frame is a JSON object like {\"op\":\"subscribe\",\"channel\":\"event:1\"}.")
		return
	}
	if !validRequestID(f.ID) {
		c.sendError(nil, "", CodeBadFrame, "id must be a string or a number of up to 64 bytes.")
		return
	}
	metricFrames.WithLabelValues(opLabel(f.Op)).Inc()
	switch f.Op {
	case OpPing:
		c.enqueue(newFrame(encodeReply(replyFrame{Op: OpPong, ID: f.ID})))
	case OpSubscribe:
		c.subscribe(f)
	case OpUnsubscribe:
		c.unsubscribe(f)
	case OpAuth:
		c.auth(f)
	case "":
		c.sendError(f.ID, "", CodeBadFrame, "The frame has no op.")
	default:
		c.sendError(f.ID, "", CodeUnknownOp, "Unknown op; use auth, subscribe, unsubscribe or ping.")
	}
}

func (c *conn) opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), c.hub.cfg.OpTimeout)
}

func (c *conn) auth(f clientFrame) {
	switch {
	case c.userID != "":
		c.sendError(f.ID, "", CodeAlreadyAuthenticated, "This connection is signed in already.")
		return
	case f.Token == "":
		c.sendError(f.ID, "", CodeBadFrame, "auth needs a token.")
		return
	}
	ctx, cancel := c.opContext()
	defer cancel()
	userID, err := c.hub.authenticate(ctx, f.Token)
	if err != nil {
		code, msg := errorCode(err)
		c.sendError(f.ID, "", code, msg)
		return
	}
	c.userID = userID
	c.tokenKey.Store(c.hub.keyOf(f.Token))
	c.enqueue(newFrame(encodeReply(replyFrame{Op: OpAuthenticated, ID: f.ID, UserID: userID})))
}

func (c *conn) subscribe(f clientFrame) {
	ch := f.Channel
	switch {
	case !c.subLimit.allow(time.Now()):
		c.sendError(f.ID, ch, CodeRateLimited, "Too many subscribes; slow down.")
		return
	case c.rooms[ch] != nil:
		c.sendError(f.ID, ch, CodeAlreadySubscribed, "Already subscribed to this channel.")
		return
	case len(c.rooms) >= c.hub.cfg.MaxChannels:
		c.sendError(f.ID, ch, CodeTooManyChannels, "Too many subscriptions on one connection.")
		return
	}
	ctx, cancel := c.opContext()
	defer cancel()
	if err := c.hub.authorize(ctx, c.userID, ch); err != nil {
		code, msg := errorCode(err)
		c.sendError(f.ID, ch, code, msg)
		return
	}
	r, s, err := c.hub.join(ctx, c, ch)
	if err != nil {
		c.hub.log.Warn("subscribing failed", "channel", ch, "err", err)
		code, msg := errorCode(err)
		c.sendError(f.ID, ch, code, msg)
		return
	}
	since := int64(-1)
	if f.Since != nil && *f.Since >= 0 {
		since = *f.Since
	}
	hist, err := c.hub.broker.History(ctx, ch, since)
	if err != nil {
		c.hub.leave(r, c)
		c.hub.log.Warn("reading history failed", "channel", ch, "err", err)
		code, msg := errorCode(err)
		c.sendError(f.ID, ch, code, msg)
		return
	}
	if c.rooms == nil {
		c.rooms = make(map[string]*room)
	}
	c.rooms[ch] = r
	r.activate(s, f.ID, hist, since, f.Epoch)
}

func (c *conn) unsubscribe(f clientFrame) {
	if _, _, err := ParseChannel(f.Channel); err != nil {
		code, msg := errorCode(err)
		c.sendError(f.ID, f.Channel, code, msg)
		return
	}
	if r := c.rooms[f.Channel]; r != nil {
		delete(c.rooms, f.Channel)
		c.hub.leave(r, c)
	}
	c.enqueue(newFrame(encodeReply(replyFrame{Op: OpUnsubscribed, ID: f.ID, Channel: f.Channel})))
}

func (c *conn) sendError(id json.RawMessage, channel, code, msg string) {
	metricErrors.WithLabelValues(code).Inc()
	c.enqueue(newFrame(errorFrame(id, channel, code, msg)))
}

// enqueue sends f: straight to the socket when nothing is queued, else
// through the queue and the writer. It never blocks: when the queue is full
// the queue is dropped and the writer closes the connection with
// CloseSlowConsumer once its current write ends.
func (c *conn) enqueue(f *frame) { c.push(f, false) }

// enqueueReplay queues a frame of a subscription's start (subscribed, the
// replay, the live messages buffered meanwhile). These are bounded by the
// history size, not by Config.MaxQueue, so that a resume larger than the
// queue does not drop the connection again and again; they do not count
// against the limit of the live frames queued after them.
func (c *conn) enqueueReplay(f *frame) { c.push(f, true) }

func (c *conn) push(f *frame, replay bool) {
	c.qmu.Lock()
	direct := c.pushLocked(f, replay)
	c.qmu.Unlock()
	if direct {
		metricSent.Inc()
	}
}

// pushLocked is push with c.qmu held. It reports whether f went out on the
// socket right away.
func (c *conn) pushLocked(f *frame, replay bool) (direct bool) {
	if c.closing {
		return false
	}
	if c.raw != nil && !c.writing && len(c.queue) == 0 {
		n := c.writeDirectLocked(f.wire)
		if n == len(f.wire) {
			return true
		}
		if n > 0 {
			// A partial write: the rest of the frame must go out next, so
			// it is exempt from the limits (the stream is mid-frame).
			f = &frame{wire: f.wire[n:], size: f.size, ping: true}
		}
		// Otherwise nothing was written (the socket's buffer is full, or
		// the socket failed): the writer sends f, or sees the error.
	}
	live, liveBytes := len(c.queue)-c.replayed, c.qbytes-c.replayedBytes
	if !f.ping && !replay && (live >= c.hub.cfg.MaxQueue || liveBytes+f.size > c.hub.cfg.MaxQueueBytes) {
		// Stop the queue now so that no later frame goes out after a gap.
		c.closeLocked(CloseSlowConsumer, "slow consumer", false)
		metricDropped.WithLabelValues("slow_consumer").Inc()
		return false
	}
	c.queue = append(c.queue, f)
	c.qbytes += f.size
	if replay {
		c.replayed++
		c.replayedBytes += f.size
	}
	c.startWriterLocked()
	return false
}

// writeDirectLocked makes one non-blocking write of b to the socket and
// returns how many bytes it took (0 when the socket's buffer is full or the
// write failed: the writer retries and sees the error). c.qmu is held, the
// queue is empty and no writer runs, so nothing else writes meanwhile.
func (c *conn) writeDirectLocked(b []byte) int {
	c.dbuf = b
	err := c.raw.Write(c.direct)
	n := c.dn
	c.dbuf, c.dn = nil, 0
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// startWriterLocked starts the writer unless it runs. The writer exits when
// the queue is empty, so an idle connection holds no writer goroutine (and
// its stack); there is never more than one. c.qmu is held.
func (c *conn) startWriterLocked() {
	if !c.writing {
		c.writing = true
		go c.writeLoop()
	}
}

// closeLocked starts closing: the writer sends what is queued (all of it
// when drain, else nothing more), then a close frame. c.qmu is held.
func (c *conn) closeLocked(code int, text string, drain bool) {
	if c.closing {
		return
	}
	c.closing = true
	c.closeCode, c.closeText = code, text
	if !drain {
		c.queue, c.spare, c.qbytes, c.replayed, c.replayedBytes = nil, nil, 0, 0, 0
	}
	c.startWriterLocked()
}

// closeWith closes the connection with a close frame, after the frames
// queued before it.
func (c *conn) closeWith(code int, text string) {
	c.qmu.Lock()
	c.closeLocked(code, text, true)
	c.qmu.Unlock()
}

// take hands the queued frames to the writer; closing reports that the
// writer must close the connection once it wrote them. With nothing to do
// it marks the writer stopped: the writer must exit.
func (c *conn) take() (batch []*frame, closing bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if len(c.queue) == 0 && !c.closing {
		c.writing = false
		// Direct writes check the write deadline too: lift the writer's.
		_ = c.out.SetWriteDeadline(time.Time{})
		return nil, false
	}
	batch = c.queue
	c.queue, c.spare = c.spare[:0], nil
	c.qbytes, c.replayed, c.replayedBytes = 0, 0, 0
	return batch, c.closing
}

// recycle gives the writer's drained batch back for reuse, unless large.
func (c *conn) recycle(batch []*frame) {
	if cap(batch) > 64 {
		return
	}
	clear(batch)
	c.qmu.Lock()
	if c.spare == nil && !c.closing {
		c.spare = batch[:0]
	}
	c.qmu.Unlock()
}

// writeLoop is the connection's only writer: it runs while frames are
// queued and closes the connection when asked to.
func (c *conn) writeLoop() {
	for {
		batch, closing := c.take()
		if len(batch) == 0 {
			if closing {
				c.qmu.Lock()
				code, text := c.closeCode, c.closeText
				c.qmu.Unlock()
				_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
				c.shut()
				close(c.writerDone)
			}
			return
		}
		_ = c.out.SetWriteDeadline(time.Now().Add(c.hub.cfg.WriteTimeout))
		vec := c.wbufs[:0]
		for _, f := range batch {
			vec = append(vec, f.wire)
		}
		// One writev for the whole batch. WriteTo consumes its receiver,
		// a copy of vec's header, so vec keeps the array for reuse.
		bufs := vec
		_, err := bufs.WriteTo(c.out)
		clear(vec)
		if cap(vec) <= 64 {
			c.wbufs = vec[:0]
		}
		if err != nil {
			metricDropped.WithLabelValues("write_error").Inc()
			c.qmu.Lock()
			c.closing = true // no close frame: the socket failed
			c.queue, c.spare, c.qbytes = nil, nil, 0
			c.qmu.Unlock()
			c.shut()
			close(c.writerDone)
			return
		}
		metricSent.Add(float64(len(batch)))
		metricDeferred.Add(float64(len(batch)))
		c.recycle(batch)
	}
}

// shut ends the connection's reads and writes now. Closing a hijacked
// fasthttp connection is a no-op (fasthttp closes it when the handler
// returns), so expired deadlines unblock the reader and the writer, and
// the handler's return closes the socket.
func (c *conn) shut() {
	c.shutting.Store(true)
	_ = c.ws.NetConn().SetDeadline(time.Now())
	_ = c.ws.Close()
}

// lingerTime bounds how long a closed connection waits for the client to
// close its side.
const lingerTime = time.Second

// linger runs after the close frame went out (or the socket failed): it
// half-closes the socket and reads what the client still sends until the
// client closes too, for at most lingerTime. The handler's return then
// closes a socket with nothing unread: closing one with unread data makes
// the kernel reset the connection, and a reset can destroy the close frame
// and the last messages still on their way to the client, which then sees
// 1006 instead of the close code.
func (c *conn) linger() {
	if cw, ok := c.out.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
	if c.out.SetReadDeadline(time.Now().Add(lingerTime)) != nil {
		return
	}
	_, _ = io.Copy(io.Discard, c.out)
}

// extendRead moves the read deadline readTimeout ahead, unless the
// connection is being shut: then the deadline stays expired, so a reader
// that extends it while shut runs still stops (it would otherwise wait for
// the client until the new deadline).
func (c *conn) extendRead() error {
	err := c.ws.SetReadDeadline(time.Now().Add(c.readTimeout))
	if c.shutting.Load() {
		return c.ws.SetReadDeadline(time.Now())
	}
	return err
}

// bucket is a token bucket.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *bucket) allow(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// authenticate runs Config.Authenticate.
func (h *Hub) authenticate(ctx context.Context, token string) (string, error) {
	if h.cfg.Authenticate == nil {
		return "", makerlink.Errorf(makerlink.EUnauthorized, "Token authentication is not configured.")
	}
	userID, err := h.cfg.Authenticate(ctx, token)
	if err != nil {
		var e *makerlink.Error
		if errors.As(err, &e) && e.Code != makerlink.EUnavailable && e.Code != makerlink.EInternal {
			return "", makerlink.Errorf(makerlink.EUnauthorized, "The token is not valid.")
		}
		if !errors.As(err, &e) {
			h.log.Error("authenticating a websocket failed", "err", err)
		}
		return "", err
	}
	if userID == "" {
		return "", makerlink.Errorf(makerlink.EUnauthorized, "The token is not valid.")
	}
	return userID, nil
}

func opLabel(op string) string {
	switch op {
	case OpAuth, OpSubscribe, OpUnsubscribe, OpPing:
		return op
	}
	return "other"
}
