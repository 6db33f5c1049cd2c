package loadtest_test

import (
	"context"
	"log/slog"
	"net"
	"runtime"
	"testing"
	"time"

	"makerlink/realtime"
	"makerlink/realtime/loadtest"
	"makerlink/realtime/realtimetest"
)

// A small run on each engine, with each kind of client, loses and
// duplicates nothing, and the reconnect storm resumes every client.
func TestRunSmallRoom(t *testing.T) {
	engines := []struct {
		name    string
		factory realtimetest.Factory
	}{{"memory", realtimetest.MemoryFactory}, {"redis", realtimetest.RedisFactory}}
	modes := []string{loadtest.ClientsGoroutine}
	if runtime.GOOS == "linux" {
		modes = append(modes, loadtest.ClientsRaw)
	}
	for _, e := range engines {
		for _, mode := range modes {
			t.Run(e.name+"/"+mode, func(t *testing.T) { runSmallRoom(t, e.factory, mode) })
		}
	}
}

func runSmallRoom(t *testing.T, factory realtimetest.Factory, mode string) {
	b, _ := factory(t, realtime.BrokerConfig{})
	hub := realtime.NewHub(b, realtime.Config{Logger: slog.New(slog.DiscardHandler)})
	app := loadtest.NewServer(hub)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = hub.Close(); _ = app.Shutdown() })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	addr := ln.Addr().String()
	rep, err := loadtest.Run(ctx, loadtest.Config{
		URL:         "ws://" + addr + "/ws",
		ControlURL:  "http://" + addr,
		Publisher:   loadtest.HTTPPublisher{URL: "http://" + addr},
		Clients:     30,
		Rate:        50,
		Duration:    time.Second,
		Settle:      5 * time.Second,
		Storm:       true,
		ClientMode:  mode,
		ReadThreads: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + rep.Markdown())
	if rep.Connected != 30 || rep.Published == 0 {
		t.Fatalf("connected %d, published %d", rep.Connected, rep.Published)
	}
	if rep.Lost != 0 || rep.Duplicated != 0 || rep.OutOfOrder != 0 {
		t.Fatalf("lost %d, duplicated %d, out of order %d; want none", rep.Lost, rep.Duplicated, rep.OutOfOrder)
	}
	if rep.Received != rep.Expected {
		t.Fatalf("received %d, want %d", rep.Received, rep.Expected)
	}
	if rep.StormErrors != 0 || rep.StormRecovered != 30 {
		t.Fatalf("storm: %d errors, %d recovered; want 0, 30", rep.StormErrors, rep.StormRecovered)
	}
	if rep.P99 <= 0 {
		t.Fatal("no latency recorded")
	}
}
