package realtime_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"makerlink/realtime"
	"makerlink/realtime/client"
	"makerlink/realtime/realtimetest"
)

// BenchmarkHubFanout measures one publish reaching every client of a room
// (server and clients in this process, memory engine). ns/op is the time
// until the last client has the message.
func BenchmarkHubFanout(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			br := realtime.NewMemory(realtime.BrokerConfig{})
			defer br.Close()
			hub, url := startHubB(b, br)
			var got atomic.Int64
			done := make(chan struct{}, 1)
			target := atomic.Int64{}
			for i := 0; i < n; i++ {
				c, err := client.Dial(context.Background(), url, client.Options{OnMessage: func(client.Message) {
					if got.Add(1) == target.Load() {
						done <- struct{}{}
					}
				}})
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				if _, err := c.Subscribe(context.Background(), "event:bench"); err != nil {
					b.Fatal(err)
				}
			}
			data := map[string]any{"items": make([]int, 50)}
			cpu0 := cpuTime()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				target.Store(int64(n) * int64(i+1))
				if _, err := hub.Publish(context.Background(), "event:bench", "leaderboard", data); err != nil {
					b.Fatal(err)
				}
				select {
				case <-done:
				case <-time.After(30 * time.Second):
					b.Fatalf("timed out: %d of %d", got.Load(), target.Load())
				}
			}
			b.StopTimer()
			// CPU time (user+system, both ends) per message delivered: a
			// figure the shared machine's load does not inflate much.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*n), "cpu-µs/delivery")
		})
	}
}

func startHubB(b *testing.B, br realtime.Broker) (*realtime.Hub, string) {
	hub := realtime.NewHub(br, realtime.Config{Logger: slog.New(slog.DiscardHandler)})
	app := newApp(hub)
	ln := listen(b)
	go func() { _ = app.Listener(ln) }()
	b.Cleanup(func() { _ = hub.Close(); _ = app.Shutdown() })
	return hub, "ws://" + ln.Addr().String() + "/ws"
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBrokerPublish measures Publish (seq, history, fan-out to one
// subscribed node) from 8 goroutines.
func BenchmarkBrokerPublish(b *testing.B) {
	for _, e := range engines {
		b.Run(e.name, func(b *testing.B) {
			br, cleanup := benchBroker(b, e.name)
			defer cleanup()
			var got atomic.Int64
			br.SetHandler(countHandler{&got})
			if err := br.Subscribe(context.Background(), "event:pub"); err != nil {
				b.Fatal(err)
			}
			data := []byte(`{"pitch_id":"p1","votes":1234}`)
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := br.Publish(context.Background(), "event:pub", "votes", data); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

type countHandler struct{ n *atomic.Int64 }

func (h countHandler) HandleMessage(realtime.Message)       { h.n.Add(1) }
func (h countHandler) HandleReset(string, realtime.History) {}

func benchBroker(b *testing.B, engine string) (realtime.Broker, func()) {
	if engine == "memory" {
		m := realtime.NewMemory(realtime.BrokerConfig{})
		return m, func() { _ = m.Close() }
	}
	url := realtimetest.RedisURL(b)
	prefix := realtimetest.RandomPrefix()
	r, err := realtime.NewRedis(context.Background(), realtime.BrokerConfig{RedisURL: url, Prefix: prefix})
	if err != nil {
		b.Fatal(err)
	}
	return r, func() { _ = r.Close(); realtimetest.DeletePrefix(b, url, prefix) }
}
