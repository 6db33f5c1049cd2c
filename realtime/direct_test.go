package realtime_test

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"makerlink/realtime"
	"makerlink/realtime/client"
	"makerlink/realtime/realtimetest"
)

// deferredFrames reads makerlink_ws_frames_deferred_total: frames that the
// fan-out could not write straight to the socket.
func deferredFrames(t *testing.T) float64 {
	t.Helper()
	mfs, err := prometheus.DefaultGatherer.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "makerlink_ws_frames_deferred_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no makerlink_ws_frames_deferred_total metric")
	return 0
}

// A client that stops reading until the socket's buffers are full, then
// reads again, gets every message once, in order and intact: the frames the
// fan-out could not write at once (the rest of a partly written frame
// among them) wait in the connection's queue, the replies to its frames
// queue behind them, and the writer sends them all before any new frame
// goes straight to the socket again.
func TestHubDirectWriteFallsBackToQueue(t *testing.T) {
	forEngine(t, func(t *testing.T, f realtimetest.Factory) {
		const total = 400 // x 16 KiB: more than the server's 4 MiB send buffer and the client's receive buffer
		b, _ := f(t, realtime.BrokerConfig{HistorySize: total})
		hub, url := startHub(t, b, realtime.Config{MaxQueue: 4 * total, MaxQueueBytes: 64 << 20, FrameRate: 1000, FrameBurst: 1000})
		release := make(chan struct{})
		var once sync.Once
		t.Cleanup(func() { once.Do(func() { close(release) }) })
		var mu sync.Mutex
		var got []client.Message
		var drops []int
		smallBuf := &websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil {
				_ = conn.(*net.TCPConn).SetReadBuffer(64 << 10)
			}
			return conn, err
		}}
		stuck := dial(t, url, client.Options{
			Dialer: smallBuf,
			OnMessage: func(m client.Message) {
				<-release
				mu.Lock()
				got = append(got, m)
				mu.Unlock()
			},
			OnEvent: func(e client.Event) {
				if e.Kind == client.EventDisconnected {
					mu.Lock()
					drops = append(drops, e.CloseCode)
					mu.Unlock()
				}
			},
		})
		sub, err := stuck.Subscribe(tctx(t), "event:stuck")
		if err != nil {
			t.Fatal(err)
		}
		deferred0 := deferredFrames(t)
		pad := strings.Repeat("x", 16<<10)
		for i := 1; i <= total; i++ {
			if _, err := hub.Publish(tctx(t), "event:stuck", "big", map[string]any{"i": i, "pad": pad}); err != nil {
				t.Fatal(err)
			}
			if i%50 == 0 {
				// Replies to the client's own frames queue among the messages.
				if err := stuck.SendRaw([]byte(`{"op":"ping"}`)); err != nil {
					t.Fatal(err)
				}
			}
		}
		once.Do(func() { close(release) })
		for wait := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			mu.Lock()
			n := len(got)
			mu.Unlock()
			if n >= total {
				break
			}
			if time.Now().After(wait) {
				t.Fatalf("the client has %d of %d messages", n, total)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(drops) > 0 {
			t.Fatalf("the client was dropped (close codes %v); its queue had room", drops)
		}
		for i, m := range got {
			var d struct {
				I   int    `json:"i"`
				Pad string `json:"pad"`
			}
			if err := json.Unmarshal(m.Data, &d); err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
			if m.Seq != sub.Seq+int64(i+1) || d.I != i+1 || d.Pad != pad {
				t.Fatalf("message %d has seq %d and i %d (pad of %d bytes), want seq %d and i %d", i, m.Seq, d.I, len(d.Pad), sub.Seq+int64(i+1), i+1)
			}
		}
		if len(got) != total {
			t.Fatalf("%d messages, want %d", len(got), total)
		}
		if deferredFrames(t) == deferred0 {
			t.Fatal("no frame went through the queue: the socket's buffers never filled")
		}
	})
}
