package realtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/gofiber/fiber/v2"

	"makerlink"
	"makerlink/realtime"
	"makerlink/realtime/client"
	"makerlink/realtime/realtimetest"
)

var engines = []struct {
	name    string
	factory realtimetest.Factory
}{
	{"memory", realtimetest.MemoryFactory},
	{"redis", realtimetest.RedisFactory},
}

// forEngine runs f on every engine.
func forEngine(t *testing.T, f func(t *testing.T, factory realtimetest.Factory)) {
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { f(t, e.factory) })
	}
}

// testAuth accepts "tok-<user>"; "down" means the auth backend is down.
func testAuth(_ context.Context, token string) (string, error) {
	if token == "down" {
		return "", makerlink.Errorf(makerlink.EUnavailable, "auth backend down")
	}
	if u, ok := strings.CutPrefix(token, "tok-"); ok && u != "" {
		return u, nil
	}
	return "", makerlink.Errorf(makerlink.EUnauthorized, "bad token")
}

// testAuthorize lets "judge" and "organizer" into judges channels.
func testAuthorize(_ context.Context, userID, channel string) error {
	if strings.HasSuffix(channel, ":judges") && userID != "judge" && userID != "organizer" {
		return makerlink.Errorf(makerlink.EForbidden, "judges only")
	}
	return nil
}

// startHub serves a hub on b at a loopback listener and returns it with the
// websocket URL.
func startHub(t *testing.T, b realtime.Broker, cfg realtime.Config) (*realtime.Hub, string) {
	t.Helper()
	if cfg.Authenticate == nil {
		cfg.Authenticate = testAuth
	}
	if cfg.PresenceInterval == 0 {
		cfg.PresenceInterval = 20 * time.Millisecond
	}
	hub := realtime.NewHub(b, cfg)
	app := newApp(hub)
	ln := listen(t)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() {
		_ = hub.Close()
		_ = app.ShutdownWithTimeout(2 * time.Second)
	})
	return hub, "ws://" + ln.Addr().String() + "/ws"
}

func newApp(hub *realtime.Hub) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	hub.Mount(app)
	return app
}

func listen(tb testing.TB) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

func tctx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, url string, opts client.Options) *client.Client {
	t.Helper()
	c, err := client.Dial(tctx(t), url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// next returns the next message, failing after 10 s.
func next(t *testing.T, c *client.Client) client.Message {
	t.Helper()
	select {
	case m, ok := <-c.Messages():
		if !ok {
			t.Fatalf("client closed: %v", c.Err())
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting for a message")
	}
	panic("unreachable")
}

// nextEvent returns the next event of kind, failing after 10 s.
func nextEvent(t *testing.T, c *client.Client, kind client.EventKind) client.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-c.Events():
			if e.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("timed out waiting for a %s event", kind)
		}
	}
}

// expectSeqs reads len(want) messages of channel and checks their seqs.
func expectSeqs(t *testing.T, c *client.Client, channel string, from, to int64) {
	t.Helper()
	for want := from; want <= to; want++ {
		m := next(t, c)
		if m.Channel != channel || m.Seq != want {
			t.Fatalf("got %s seq %d, want %s seq %d", m.Channel, m.Seq, channel, want)
		}
	}
}

func publishN(t *testing.T, h *realtime.Hub, channel string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := h.Publish(tctx(t), channel, "tick", map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestHubPublishAndResume(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		b, _ := f(t, realtime.BrokerConfig{HistorySize: 100})
		hub, url := startHub(t, b, realtime.Config{})
		a := dial(t, url, client.Options{})
		sub, err := a.Subscribe(tctx(t), "event:1")
		if err != nil {
			t.Fatal(err)
		}
		if sub.Seq != 0 || sub.Epoch == "" {
			t.Fatalf("subscribed = %+v, want seq 0 and an epoch", sub)
		}
		publishN(t, hub, "event:1", 3)
		expectSeqs(t, a, "event:1", 1, 3)
		// A late joiner resumes after seq 1: replay of 2 and 3, then live.
		late := dial(t, url, client.Options{})
		sub, err = late.SubscribeSince(tctx(t), "event:1", 1)
		if err != nil {
			t.Fatal(err)
		}
		if !sub.Recovered || sub.Seq != 3 {
			t.Fatalf("subscribed since 1 = %+v, want recovered at seq 3", sub)
		}
		publishN(t, hub, "event:1", 1)
		expectSeqs(t, late, "event:1", 2, 4)
		expectSeqs(t, a, "event:1", 4, 4)
		var data struct{ I int }
		if _, err := hub.Publish(tctx(t), "event:1", "tick", map[string]int{"i": 42}); err != nil {
			t.Fatal(err)
		}
		got := next(t, a)
		if err := json.Unmarshal(got.Data, &data); err != nil || data.I != 42 || got.Type != "tick" {
			t.Fatalf("message = %+v (%v), want type tick data {\"i\":42}", got, err)
		}
	})
}

func TestHubRecoveredFalse(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		b, _ := f(t, realtime.BrokerConfig{HistorySize: 10})
		hub, url := startHub(t, b, realtime.Config{})
		publishN(t, hub, "event:2", 300)
		c := dial(t, url, client.Options{})
		tests := []struct {
			name      string
			since     int64
			epoch     string
			recovered bool
		}{
			{"trimmed", 1, "", false},
			{"ahead", 301, "", false},
			{"recent", 295, "", true},
		}
		for _, tt := range tests {
			sub, err := c.SubscribeSince(tctx(t), "event:2", tt.since)
			if err != nil {
				t.Fatal(err)
			}
			if sub.Recovered != tt.recovered || sub.Seq != 300 {
				t.Fatalf("%s: subscribed = %+v, want recovered %v at 300", tt.name, sub, tt.recovered)
			}
			if tt.recovered {
				expectSeqs(t, c, "event:2", tt.since+1, 300)
			}
			if err := c.Unsubscribe(tctx(t), "event:2"); err != nil {
				t.Fatal(err)
			}
		}
		// A seq of another epoch (the channel restarted) is not resumed.
		c2 := dial(t, url, client.Options{})
		if err := c2.SendRaw([]byte(`{"op":"subscribe","id":"x","channel":"event:2","since":295,"epoch":"stale"}`)); err != nil {
			t.Fatal(err)
		}
		e := nextEvent(t, c2, client.EventSubscribed)
		if e.Subscribed.Recovered {
			t.Fatalf("subscribed with a stale epoch = %+v, want recovered:false", e.Subscribed)
		}
	})
}

// Clients that subscribe while messages flow see every message after their
// since exactly once, in order: replay and live meet without a gap.
func TestHubNoGapNoDuplicate(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		b, _ := f(t, realtime.BrokerConfig{HistorySize: 1000})
		hub, url := startHub(t, b, realtime.Config{})
		const total = 400
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			close(start)
			for i := 0; i < total; i++ {
				if _, err := hub.Publish(context.Background(), "event:3", "tick", i); err != nil {
					t.Error(err)
					return
				}
				if i%20 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
		}()
		<-start
		const clients = 6
		for k := 0; k < clients; k++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Duration(k) * 3 * time.Millisecond)
				c, err := client.Dial(context.Background(), url, client.Options{Buffer: total + 10})
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				var sub client.Subscribed
				if k%2 == 0 {
					sub, err = c.SubscribeSince(context.Background(), "event:3", 0)
				} else {
					sub, err = c.Subscribe(context.Background(), "event:3")
				}
				if err != nil {
					t.Error(err)
					return
				}
				want := int64(1)
				if k%2 == 1 {
					want = sub.Seq + 1
				} else if !sub.Recovered {
					t.Errorf("client %d: since 0 not recovered", k)
					return
				}
				for ; want <= total; want++ {
					select {
					case m := <-c.Messages():
						if m.Seq != want {
							t.Errorf("client %d: got seq %d, want %d (sub %+v)", k, m.Seq, want, sub)
							return
						}
					case <-time.After(10 * time.Second):
						t.Errorf("client %d: timed out at seq %d", k, want)
						return
					}
				}
			}()
		}
		wg.Wait()
	})
}

func TestHubTwoNodes(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		b1, peer := f(t, realtime.BrokerConfig{})
		hubA, urlA := startHub(t, b1, realtime.Config{})
		hubB, urlB := startHub(t, peer(), realtime.Config{})
		onB := dial(t, urlB, client.Options{})
		onA := dial(t, urlA, client.Options{})
		for _, c := range []*client.Client{onA, onB} {
			if _, err := c.Subscribe(tctx(t), "event:4"); err != nil {
				t.Fatal(err)
			}
		}
		publishN(t, hubA, "event:4", 2)
		publishN(t, hubB, "event:4", 2)
		expectSeqs(t, onB, "event:4", 1, 4)
		expectSeqs(t, onA, "event:4", 1, 4)
		// Presence counts both nodes' connections.
		deadline := time.Now().Add(10 * time.Second)
		for {
			n, err := hubA.Presence(tctx(t), "event:4")
			if err != nil {
				t.Fatal(err)
			}
			if n == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("presence = %d, want 2", n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func TestHubAuth(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	_, url := startHub(t, b, realtime.Config{Authorize: testAuthorize})

	t.Run("QueryToken", func(t *testing.T) {
		c := dial(t, url+"?token=tok-alice", client.Options{})
		if _, err := c.Subscribe(tctx(t), "user:alice"); err != nil {
			t.Fatalf("own user channel: %v", err)
		}
	})
	t.Run("AuthFrame", func(t *testing.T) {
		c := dial(t, url, client.Options{Token: "tok-alice"})
		if c.UserID() != "alice" {
			t.Fatalf("user id %q", c.UserID())
		}
		if _, err := c.Subscribe(tctx(t), "user:alice"); err != nil {
			t.Fatalf("own user channel: %v", err)
		}
		_, err := c.Auth(tctx(t), "tok-bob")
		wantCode(t, err, realtime.CodeAlreadyAuthenticated)
	})
	t.Run("BadQueryTokenCloses4001", func(t *testing.T) {
		c := dial(t, url+"?token=nope", client.Options{})
		e := nextEvent(t, c, client.EventError)
		if e.Err.Code != realtime.CodeUnauthorized {
			t.Fatalf("error frame %+v", e.Err)
		}
		<-c.Done()
		if err := c.Err(); err == nil || !strings.Contains(err.Error(), "4001") {
			t.Fatalf("close error %v, want code 4001", err)
		}
	})
	t.Run("BadAuthFrameKeepsConnection", func(t *testing.T) {
		c := dial(t, url, client.Options{})
		_, err := c.Auth(tctx(t), "nope")
		wantCode(t, err, realtime.CodeUnauthorized)
		_, err = c.Auth(tctx(t), "down")
		wantCode(t, err, realtime.CodeUnavailable)
		if _, err := c.Subscribe(tctx(t), "event:public"); err != nil {
			t.Fatalf("public channel after a failed auth: %v", err)
		}
	})
	t.Run("Permissions", func(t *testing.T) {
		anon := dial(t, url, client.Options{})
		alice := dial(t, url, client.Options{Token: "tok-alice"})
		judge := dial(t, url, client.Options{Token: "tok-judge"})
		tests := []struct {
			name    string
			c       *client.Client
			channel string
			code    string
		}{
			{"anonymous public", anon, "event:9", ""},
			{"anonymous user channel", anon, "user:alice", realtime.CodeUnauthorized},
			{"anonymous judges", anon, "event:9:judges", realtime.CodeUnauthorized},
			{"others' user channel", alice, "user:bob", realtime.CodeForbidden},
			{"own user channel", alice, "user:alice", ""},
			{"judges, not a judge", alice, "event:9:judges", realtime.CodeForbidden},
			{"judges, a judge", judge, "event:9:judges", ""},
			{"bad channel", alice, "lobby", realtime.CodeBadChannel},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tt.c.Subscribe(tctx(t), tt.channel)
				wantCode(t, err, tt.code)
			})
		}
	})
	t.Run("DefaultAuthorize", func(t *testing.T) {
		b := realtime.NewMemory(realtime.BrokerConfig{})
		t.Cleanup(func() { _ = b.Close() })
		_, url := startHub(t, b, realtime.Config{}) // no Authorize callback
		c := dial(t, url, client.Options{Token: "tok-judge"})
		_, err := c.Subscribe(tctx(t), "event:9:judges")
		wantCode(t, err, realtime.CodeForbidden)
		_, err = c.Subscribe(tctx(t), "user:alice")
		wantCode(t, err, realtime.CodeForbidden)
		_, err = c.Subscribe(tctx(t), "user:judge")
		wantCode(t, err, "")
		_, err = c.Subscribe(tctx(t), "event:9")
		wantCode(t, err, "")
	})
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var e *client.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error %v, want code %s", err, code)
	}
}

// Bad frames get error frames and the connection keeps working.
func TestHubBadFrames(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub, url := startHub(t, b, realtime.Config{})
	c := dial(t, url, client.Options{})
	if _, err := c.Subscribe(tctx(t), "event:5"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		frame []byte
		code  string
	}{
		{"not JSON", []byte(`{"op":`), realtime.CodeBadFrame},
		{"not an object", []byte(`[1,2]`), realtime.CodeBadFrame},
		{"no op", []byte(`{"channel":"event:5"}`), realtime.CodeBadFrame},
		{"wrong type", []byte(`{"op":"subscribe","channel":"event:6","since":"yesterday"}`), realtime.CodeBadFrame},
		{"unknown op", []byte(`{"op":"dance"}`), realtime.CodeUnknownOp},
		{"bad channel", []byte(`{"op":"subscribe","channel":"event:a b"}`), realtime.CodeBadChannel},
		{"already subscribed", []byte(`{"op":"subscribe","channel":"event:5"}`), realtime.CodeAlreadySubscribed},
		{"too large", []byte(`{"op":"ping","pad":"` + strings.Repeat("x", 70<<10) + `"}`), realtime.CodeTooLarge},
		{"chinese garbage", []byte("订阅 event:5"), realtime.CodeBadFrame},
		{"unsubscribe bad channel", []byte(`{"op":"unsubscribe","channel":"foo bar"}`), realtime.CodeBadChannel},
		{"unsubscribe no channel", []byte(`{"op":"unsubscribe"}`), realtime.CodeBadChannel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.SendRaw(tt.frame); err != nil {
				t.Fatal(err)
			}
			e := nextEvent(t, c, client.EventError)
			if e.Err.Code != tt.code {
				t.Fatalf("error frame %+v, want code %s", e.Err, tt.code)
			}
			if err := c.Ping(tctx(t)); err != nil {
				t.Fatalf("ping after the bad frame: %v", err)
			}
		})
	}
	t.Run("binary", func(t *testing.T) {
		if err := c.SendBinary([]byte{0, 1, 2}); err != nil {
			t.Fatal(err)
		}
		if e := nextEvent(t, c, client.EventError); e.Err.Code != realtime.CodeBadFrame {
			t.Fatalf("error frame %+v", e.Err)
		}
	})
	// The subscription survived all of it.
	publishN(t, hub, "event:5", 1)
	expectSeqs(t, c, "event:5", 1, 1)
}

// A text frame that is not UTF-8 fails the connection with 1007 (RFC
// 6455 §8.1) rather than being answered: echoing its bytes in a pong
// would fail the client's side instead.
func TestHubInvalidUTF8(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	_, url := startHub(t, b, realtime.Config{})
	ws, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte("{\"op\":\"ping\",\"id\":\"\xc3\x28\"}")); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.CloseInvalidFramePayloadData {
				t.Fatalf("read: %v, want close 1007", err)
			}
			return
		}
		if strings.Contains(string(msg), "pong") {
			t.Fatalf("the invalid frame was answered: %s", msg)
		}
	}
}

func TestHubSubscribeFlood(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	_, url := startHub(t, b, realtime.Config{SubscribeBurst: 5, SubscribeRate: 0.001, MaxChannels: 100})
	c := dial(t, url, client.Options{})
	limited := 0
	for i := 0; i < 10; i++ {
		_, err := c.Subscribe(tctx(t), "event:f"+string(rune('a'+i)))
		var e *client.Error
		if errors.As(err, &e) && e.Code == realtime.CodeRateLimited {
			limited++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if limited != 5 {
		t.Fatalf("%d of 10 subscribes rate limited, want 5 (burst 5)", limited)
	}
	if err := c.Ping(tctx(t)); err != nil {
		t.Fatalf("ping after the flood: %v", err)
	}
}

func TestHubUnsubscribe(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		b, _ := f(t, realtime.BrokerConfig{})
		hub, url := startHub(t, b, realtime.Config{})
		c := dial(t, url, client.Options{})
		for _, ch := range []string{"event:u1", "event:u2"} {
			if _, err := c.Subscribe(tctx(t), ch); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Unsubscribe(tctx(t), "event:u1"); err != nil {
			t.Fatal(err)
		}
		publishN(t, hub, "event:u1", 2)
		publishN(t, hub, "event:u2", 1)
		if m := next(t, c); m.Channel != "event:u2" {
			t.Fatalf("got a message of %s after unsubscribing", m.Channel)
		}
	})
}

// A client that does not read is dropped with 4008 and resumes; the room
// never waits for it.
func TestHubSlowConsumer(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		const total = 1000
		b, _ := f(t, realtime.BrokerConfig{HistorySize: total})
		hub, url := startHub(t, b, realtime.Config{MaxQueue: 64})
		release := make(chan struct{})
		var once sync.Once
		slowEvents := make(chan client.Event, 100)
		var slowMu sync.Mutex
		var slowSeqs []int64
		// A fixed receive buffer (no autotuning up to tcp_rmem's 32 MiB) so
		// the server's writes block soon.
		smallBuf := &websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				_ = conn.(*net.TCPConn).SetReadBuffer(256 << 10)
			}
			return conn, err
		}}
		slow := dial(t, url, client.Options{
			Reconnect: true,
			Dialer:    smallBuf,
			OnEvent:   func(e client.Event) { slowEvents <- e },
			OnMessage: func(m client.Message) {
				<-release
				slowMu.Lock()
				slowSeqs = append(slowSeqs, m.Seq)
				slowMu.Unlock()
			},
		})
		t.Cleanup(func() { once.Do(func() { close(release) }) })
		var received atomic.Int64
		fastErr := make(chan error, 1)
		fast := dial(t, url, client.Options{OnMessage: func(m client.Message) {
			if want := received.Load() + 1; m.Seq != want {
				select {
				case fastErr <- fmt.Errorf("fast client got seq %d, want %d", m.Seq, want):
				default:
				}
			}
			received.Store(m.Seq)
		}})
		for _, c := range []*client.Client{slow, fast} {
			if _, err := c.Subscribe(tctx(t), "event:slow"); err != nil {
				t.Fatal(err)
			}
		}
		// Big messages fill the slow client's socket buffers quickly. The
		// publisher never runs more than 32 messages ahead of the fast
		// client, so only the slow one can overflow its queue.
		payload := strings.Repeat("x", 16<<10)
		for i := 1; i <= total; i++ {
			for int64(i)-received.Load() > 32 {
				select {
				case err := <-fastErr:
					t.Fatal(err)
				case <-fast.Done():
					t.Fatalf("the fast client was closed: %v", fast.Err())
				case <-time.After(time.Millisecond):
				}
			}
			if _, err := hub.Publish(tctx(t), "event:slow", "big", payload); err != nil {
				t.Fatal(err)
			}
		}
		// The fast client gets everything while the slow one is still stuck.
		deadline := time.After(10 * time.Second)
		for received.Load() < total {
			select {
			case err := <-fastErr:
				t.Fatal(err)
			case <-deadline:
				t.Fatalf("fast client at seq %d of %d", received.Load(), total)
			case <-time.After(time.Millisecond):
			}
		}
		once.Do(func() { close(release) })
		deadline = time.After(10 * time.Second)
		for {
			select {
			case e := <-slowEvents:
				if e.Kind != client.EventDisconnected {
					continue
				}
				if e.CloseCode != realtime.CloseSlowConsumer {
					t.Fatalf("slow client closed with %d, want %d", e.CloseCode, realtime.CloseSlowConsumer)
				}
				// It reconnects, resumes with since and gets the rest: every
				// message exactly once, in order, across the drop.
				for e := range slowEvents {
					if e.Kind != client.EventSubscribed {
						continue
					}
					if e.Subscribed.Seq != total || !e.Subscribed.Recovered {
						t.Fatalf("resubscribed = %+v, want recovered at %d", e.Subscribed, total)
					}
					for wait := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
						slowMu.Lock()
						n := len(slowSeqs)
						slowMu.Unlock()
						if n >= total {
							break
						}
						if time.Now().After(wait) {
							t.Fatalf("the slow client has %d of %d messages after resuming", n, total)
						}
					}
					slowMu.Lock()
					defer slowMu.Unlock()
					for i, seq := range slowSeqs {
						if seq != int64(i+1) {
							t.Fatalf("slow client message %d has seq %d", i, seq)
						}
					}
					return
				}
			case <-deadline:
				t.Fatal("the slow client was not dropped")
			}
		}
	})
}

func TestHubPublishValidation(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub, _ := startHub(t, b, realtime.Config{})
	tests := []struct {
		name, channel, typ string
		data               any
		code               string
	}{
		{"ok", "event:1", "leaderboard", map[string]any{"items": []int{}}, ""},
		{"bad channel", "room:1", "x", 1, makerlink.EValidation},
		{"bad type", "event:1", "Leader Board", 1, makerlink.EValidation},
		{"unencodable", "event:1", "x", func() {}, makerlink.EValidation},
		{"raw not JSON", "event:1", "x", []byte("{"), makerlink.EValidation},
		{"too large", "event:1", "x", strings.Repeat("x", realtime.MaxPublishBytes), makerlink.EPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := hub.Publish(tctx(t), tt.channel, tt.typ, tt.data)
			if got := makerlink.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

func TestHubCloseGoingAway(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub, url := startHub(t, b, realtime.Config{})
	c := dial(t, url, client.Options{})
	if err := c.Ping(tctx(t)); err != nil {
		t.Fatal(err)
	}
	if hub.Connections() != 1 {
		t.Fatalf("Connections = %d", hub.Connections())
	}
	_ = hub.Close()
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("client not closed")
	}
	if err := c.Err(); err == nil || !strings.Contains(err.Error(), "1001") {
		t.Fatalf("close error %v, want 1001", err)
	}
}

func TestHubPlainHTTPGets426(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub := realtime.NewHub(b, realtime.Config{})
	t.Cleanup(func() { _ = hub.Close() })
	app := newApp(hub)
	resp, err := app.Test(httptest.NewRequest("GET", "/ws", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != fiber.StatusUpgradeRequired {
		t.Fatalf("status %d, want 426", resp.StatusCode)
	}
}

// A client that never answers pings is closed after three ping intervals;
// one that reads (and so answers) stays.
func TestHubClosesSilentClients(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub, url := startHub(t, b, realtime.Config{PingInterval: 300 * time.Millisecond})
	live := dial(t, url, client.Options{})
	silent, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	deadline := time.Now().Add(10 * time.Second)
	for hub.Connections() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections, want 2", hub.Connections())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for hub.Connections() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections, want the silent one closed", hub.Connections())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := live.Ping(tctx(t)); err != nil {
		t.Fatalf("the live client was closed too: %v", err)
	}
}

// When Redis loses a channel's messages, subscribers get a new subscribed
// frame with recovered:false and then the live stream.
func TestHubResetOnRedisDataLoss(t *testing.T) {
	url := realtimetest.RedisURL(t)
	prefix := realtimetest.RandomPrefix()
	t.Cleanup(func() { realtimetest.DeletePrefix(t, url, prefix) })
	b, err := realtime.NewRedis(tctx(t), realtime.BrokerConfig{RedisURL: url, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	hub, wsURL := startHub(t, b, realtime.Config{})
	c := dial(t, wsURL, client.Options{})
	if _, err := c.Subscribe(tctx(t), "event:lost"); err != nil {
		t.Fatal(err)
	}
	publishN(t, hub, "event:lost", 3)
	expectSeqs(t, c, "event:lost", 1, 3)
	rawClient(t, url).Del(context.Background(), prefix+"{event:lost}:meta", prefix+"{event:lost}:stream")
	publishN(t, hub, "event:lost", 1)
	e := nextEvent(t, c, client.EventSubscribed)
	if e.Subscribed.Recovered {
		t.Fatalf("after the loss: %+v, want recovered:false", e.Subscribed)
	}
	publishN(t, hub, "event:lost", 1)
	m := next(t, c)
	if m.Seq != e.Subscribed.Seq+1 {
		t.Fatalf("after the reset got seq %d, want %d", m.Seq, e.Subscribed.Seq+1)
	}
	if last, _ := c.LastSeq("event:lost"); last != m.Seq {
		t.Fatalf("client tracks seq %d, want %d", last, m.Seq)
	}
}

// wantSignedOut waits for c to be closed with 4001 by a sign-out.
func wantSignedOut(t *testing.T, name string, c *client.Client) {
	t.Helper()
	select {
	case <-c.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: socket still open after sign-out", name)
	}
	if err := c.Err(); err == nil || !strings.Contains(err.Error(), "4001") {
		t.Errorf("%s: close error %v, want code 4001", name, err)
	}
}

// A sign-out closes the sockets opened with that token, whether it came
// in the URL or in an auth frame, with 4001; sockets of other tokens stay.
func TestHubSignOut(t *testing.T) {
	b := realtime.NewMemory(realtime.BrokerConfig{})
	t.Cleanup(func() { _ = b.Close() })
	hub, url := startHub(t, b, realtime.Config{Authorize: testAuthorize, TokenKey: func(tok string) string { return "key:" + tok }})

	byURL := dial(t, url+"?token=tok-alice", client.Options{})
	byFrame := dial(t, url, client.Options{Token: "tok-alice"})
	other := dial(t, url, client.Options{Token: "tok-bob"})
	anon := dial(t, url, client.Options{})
	if _, err := byURL.Subscribe(tctx(t), "user:alice"); err != nil { // signed in and registered
		t.Fatal(err)
	}
	if n := hub.SignOut("key:tok-nobody"); n != 0 {
		t.Errorf("SignOut of an unknown token closed %d", n)
	}
	if n := hub.SignOut("key:tok-alice"); n != 2 {
		t.Errorf("SignOut closed %d sockets, want 2", n)
	}
	for name, c := range map[string]*client.Client{"url token": byURL, "auth frame": byFrame} {
		wantSignedOut(t, name, c)
	}
	for name, c := range map[string]*client.Client{"other token": other, "anonymous": anon} {
		if _, err := c.Subscribe(tctx(t), "event:public"); err != nil {
			t.Errorf("%s: socket unusable after another token's sign-out: %v", name, err)
		}
	}
}

// A sign-out through one node closes the token's sockets on every node;
// no client may join the nodes' sign-out channel.
func TestHubSignOutEverywhere(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		key := func(tok string) string { return "key:" + tok }
		b1, peer := f(t, realtime.BrokerConfig{})
		hubA, urlA := startHub(t, b1, realtime.Config{Authorize: testAuthorize, TokenKey: key})
		// node B's token cache is told, so that the token opens no new
		// socket there either
		heardOnB := make(chan string, 4)
		_, urlB := startHub(t, peer(), realtime.Config{Authorize: testAuthorize, TokenKey: key, OnSignOut: func(k string) { heardOnB <- k }})
		onA := dial(t, urlA, client.Options{Token: "tok-alice"})
		onB := dial(t, urlB+"?token=tok-alice", client.Options{})
		bobOnB := dial(t, urlB, client.Options{Token: "tok-bob"})
		for _, c := range []*client.Client{onA, onB, bobOnB} {
			if _, err := c.Subscribe(tctx(t), "event:7"); err != nil {
				t.Fatal(err)
			}
		}
		_, err := bobOnB.Subscribe(tctx(t), realtime.SignOutChannel)
		wantCode(t, err, realtime.CodeForbidden)

		if err := hubA.SignOutEverywhere(tctx(t), "key:tok-alice"); err != nil {
			t.Fatal(err)
		}
		for name, c := range map[string]*client.Client{"node A": onA, "node B": onB} {
			wantSignedOut(t, name, c)
		}
		select {
		case k := <-heardOnB:
			if k != "key:tok-alice" {
				t.Errorf("node B's OnSignOut got %q, want key:tok-alice", k)
			}
		case <-time.After(10 * time.Second):
			t.Error("node B's OnSignOut was not called")
		}
		if _, err := bobOnB.Subscribe(tctx(t), "event:8"); err != nil {
			t.Errorf("another token's socket: %v", err)
		}
	})
}
