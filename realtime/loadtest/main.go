package loadtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/pprof"
	"time"

	"makerlink/realtime"
)

// Main runs the load command with args (without the program name):
//
//	serve -addr 127.0.0.1:8091 [-redis redis://...]   a hub with the control endpoint
//	room [-url ws://host/ws -control http://host] [-redis URL] -clients N -rate 10 -duration 60s [-storm]
//
// room without -url starts an in-process server (memory engine, or Redis
// with -redis) and measures the memory of the whole process. cmd/makerlink
// can expose it as `makerlink loadtest room|serve`.
func Main(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: serve|room [flags]")
	}
	switch args[0] {
	case "serve":
		return mainServe(ctx, args[1:], stdout)
	case "room":
		return mainRoom(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q: want serve or room", args[0])
}

func openHub(ctx context.Context, redisURL string, history int) (*realtime.Hub, realtime.Broker, error) {
	b, err := realtime.OpenBroker(ctx, realtime.BrokerConfig{RedisURL: redisURL, HistorySize: history, Prefix: "makerlink:loadtest:"})
	if err != nil {
		return nil, nil, err
	}
	hub := realtime.NewHub(b, realtime.Config{
		Logger:        slog.New(slog.DiscardHandler),
		FrameRate:     1000,
		FrameBurst:    1000,
		SubscribeRate: 100,
	})
	return hub, b, nil
}

func mainServe(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8091", "listen address (keep it on loopback)")
	redisURL := fs.String("redis", "", "Redis URL (empty: memory engine)")
	history := fs.Int("history", 500, "history per channel")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stopProfile, err := startProfile(*profile)
	if err != nil {
		return err
	}
	defer stopProfile()
	hub, b, err := openHub(ctx, *redisURL, *history)
	if err != nil {
		return err
	}
	defer b.Close()
	defer hub.Close()
	app := NewServer(hub)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "serving ws://%s/ws (control http://%s)\n", ln.Addr(), ln.Addr())
	go func() {
		<-ctx.Done()
		_ = app.ShutdownWithTimeout(5 * time.Second)
	}()
	return app.Listener(ln)
}

func mainRoom(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("room", flag.ContinueOnError)
	var cfg Config
	fs.StringVar(&cfg.URL, "url", "", "websocket URL of a running `serve` (empty: in-process server)")
	fs.StringVar(&cfg.ControlURL, "control", "", "control URL of that server (default: from -url)")
	redisURL := fs.String("redis", "", "in-process server: Redis URL (empty: memory engine)")
	fs.IntVar(&cfg.Clients, "clients", 1000, "websocket clients")
	fs.Float64Var(&cfg.Rate, "rate", 10, "messages per second")
	fs.DurationVar(&cfg.Duration, "duration", 10*time.Second, "stream duration")
	fs.IntVar(&cfg.PayloadBytes, "payload", 512, "padding bytes per message")
	fs.IntVar(&cfg.DialConcurrency, "dial", 50, "concurrent dials")
	fs.DurationVar(&cfg.Settle, "settle", 2*time.Second, "after the stream, wait this long at most for the last message to reach every client (what has not arrived then counts as lost)")
	fs.BoolVar(&cfg.Storm, "storm", false, "reconnect storm after the stream")
	fs.StringVar(&cfg.Channel, "channel", "event:loadtest", "channel")
	fs.StringVar(&cfg.ClientMode, "clients-read", "", "how the clients read: raw (epoll readers over raw sockets; the default on Linux) or client (a realtime/client with its goroutine per connection)")
	fs.IntVar(&cfg.ReadThreads, "readers", 1, "raw clients: epoll reader goroutines")
	fs.DurationVar(&cfg.PollInterval, "poll", 0, "raw clients: poll the epoll sets this often instead of waiting on them (0: wait)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stopProfile, err := startProfile(*profile)
	if err != nil {
		return err
	}
	defer stopProfile()
	cfg.Log = func(format string, a ...any) { fmt.Fprintf(stdout, "# "+format+"\n", a...) }
	if cfg.URL == "" {
		hub, b, err := openHub(ctx, *redisURL, 500)
		if err != nil {
			return err
		}
		defer b.Close()
		defer hub.Close()
		app := NewServer(hub)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		go func() { _ = app.Listener(ln) }()
		defer app.ShutdownWithTimeout(5 * time.Second)
		cfg.URL = "ws://" + ln.Addr().String() + "/ws"
		cfg.Publisher = hub
	} else {
		if cfg.ControlURL == "" {
			cfg.ControlURL = "http" + cfg.URL[len("ws"):len(cfg.URL)-len("/ws")]
		}
		cfg.Publisher = HTTPPublisher{URL: cfg.ControlURL}
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.Markdown())
	return nil
}

// startProfile starts a CPU profile into path (nothing when empty) and
// returns the function that stops it.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
