package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/analysis"
	"makerlink/api"
	"makerlink/matching"
	"makerlink/ratelimit"
	"makerlink/search"
	"makerlink/seed"
	"makerlink/store"
	"makerlink/web"
)

// Config is the resolved configuration of `makerlink serve`.
type Config struct {
	Addr        string // listen address
	DataDir     string // SQLite file and search index live here
	DatabaseURL string // postgres://... switches data to PostgreSQL
	RedisURL    string // redis://... turns on Redis fan-out
	Demo        bool   // load demo data on first start
}

// LogValue masks secrets in URLs when the config is logged.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr),
		slog.String("data", c.DataDir),
		slog.String("database", maskURL(c.DatabaseURL)),
		slog.String("redis", maskURL(c.RedisURL)),
		slog.Bool("demo", c.Demo),
	)
}

// DSN returns the database to open: DatabaseURL, or the embedded SQLite
// file under DataDir.
func (c Config) DSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "makerlink.db")
}

// configFlags registers the flags shared by the commands that open the
// database and returns the config they fill; env vars give the defaults.
func configFlags(fs *flag.FlagSet) *Config {
	c := &Config{}
	fs.StringVar(&c.Addr, "addr", envOr("MAKERLINK_ADDR", ":8080"), "listen address (env MAKERLINK_ADDR)")
	fs.StringVar(&c.DataDir, "data", envOr("MAKERLINK_DATA", "./data"), "data directory (env MAKERLINK_DATA)")
	fs.StringVar(&c.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL; empty = embedded SQLite (env DATABASE_URL)")
	fs.StringVar(&c.RedisURL, "redis-url", os.Getenv("REDIS_URL"), "Redis URL; empty = in-process broker (env REDIS_URL)")
	return c
}

// Main is a running makerlink server. Tests start one on a free port.
type Main struct {
	Config Config
	Logger *slog.Logger

	store   *store.DB
	index   *search.Index
	matches *matching.Service
	redis   *redis.Client
	server  *api.Server
	live    live // live.go: broker, websocket hub, events
	ln      net.Listener
	done    chan error
	bgctx   context.Context // background work (search syncer, cleanup) runs until stop
	stop    context.CancelFunc
	bg      sync.WaitGroup
}

// background runs f until Close.
func (m *Main) background(name string, f func(ctx context.Context) error) {
	m.bg.Add(1)
	go func() {
		defer m.bg.Done()
		if err := f(m.bgctx); err != nil && m.bgctx.Err() == nil {
			m.Logger.Error("background task stopped", "task", name, "err", err)
		}
	}()
}

// sweepSessions deletes expired sessions every hour.
func (m *Main) sweepSessions(ctx context.Context) error {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := m.store.DeleteExpiredSessions(ctx, time.Now())
		if err != nil && ctx.Err() == nil {
			m.Logger.Warn("delete expired sessions", "err", err)
		} else if n > 0 {
			m.Logger.Info("deleted expired sessions", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Open opens the database (running migrations), loads demo data when asked,
// connects to Redis when configured and starts listening. It does not block.
func (m *Main) Open(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.Default()
	}
	// The search index lives under the data directory in both modes.
	if err := os.MkdirAll(m.Config.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	m.Logger.Info("starting makerlink", "config", m.Config)
	st, err := store.Open(ctx, m.Config.DSN(), m.Logger)
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	m.store = st
	m.bgctx, m.stop = context.WithCancel(context.Background())
	m.background("sessions", m.sweepSessions)
	if m.Config.Demo {
		if err := loadDemo(ctx, st, seed.Options{Seed: 1}, m.Logger); err != nil {
			return err
		}
	}
	if err := m.openSearch(ctx); err != nil {
		return err
	}
	var ready func(context.Context) error
	if m.Config.RedisURL != "" {
		opt, err := redis.ParseURL(m.Config.RedisURL)
		if err != nil {
			return fmt.Errorf("parse REDIS_URL: %w", err)
		}
		m.redis = redis.NewClient(opt)
		ready = func(ctx context.Context) error { return m.redis.Ping(ctx).Err() }
	}
	if err := m.openMatching(ctx); err != nil {
		return err
	}
	pages, err := web.New(web.Config{Logger: m.Logger})
	if err != nil {
		return fmt.Errorf("web app: %w", err)
	}
	if err := m.openLive(ctx); err != nil {
		return err
	}
	var limiter func(name string, l api.Limit) ratelimit.Limiter
	if m.redis != nil {
		// Sign-in throttles count for the whole deployment, not per node.
		prefix := envOr("MAKERLINK_REDIS_PREFIX", "makerlink:") + "rl:"
		limiter = func(name string, l api.Limit) ratelimit.Limiter {
			return ratelimit.NewRedis(m.redis, prefix+name+":", l, m.Logger)
		}
	}
	m.server = api.New(api.Config{Store: st, Search: m.index, Pages: pages, Logger: m.Logger, Ready: ready,
		Events: m.live.events, Hub: m.live.hub, Tokens: m.live.tokens, Matches: m.matches, RateLimiter: limiter})
	// Expire unanswered intros (14 days) and mark booking no-shows (30 min).
	m.background("connections", func(ctx context.Context) error {
		m.server.RunSweeper(ctx, time.Minute)
		return nil
	})
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.ln = ln
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Listener(ln) }()
	m.Logger.Info("listening", "addr", ln.Addr().String())
	return nil
}

// Addr returns the address the server listens on.
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Wait blocks until the server stops by itself or ctx is done.
func (m *Main) Wait(ctx context.Context) error {
	select {
	case err := <-m.done:
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close shuts the server down gracefully: in-flight requests finish (up to
// 20 s), then Redis and the database close.
func (m *Main) Close() error {
	var errs []error
	m.closeHub()
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("shutdown http: %w", err))
		}
	}
	if m.stop != nil {
		m.stop()
		m.bg.Wait()
	}
	errs = append(errs, m.closeLive())
	if m.index != nil {
		errs = append(errs, m.index.Close())
	}
	if m.redis != nil {
		errs = append(errs, m.redis.Close())
	}
	if m.store != nil {
		errs = append(errs, m.store.Close())
	}
	m.Logger.Info("stopped")
	return errors.Join(errs...)
}

// openSearch opens the on-disk index under the data directory, fills it
// from the database when it is new or outdated, and follows the database's
// change feed in the background, so writes through any node are found here.
func (m *Main) openSearch(ctx context.Context) error {
	idx, err := search.Open(filepath.Join(m.Config.DataDir, "search.bleve"), search.Options{Logger: m.Logger})
	if err != nil {
		return fmt.Errorf("open search index: %w", err)
	}
	m.index = idx
	syncer := search.NewSyncer(idx, m.store, search.SyncOptions{Logger: m.Logger})
	start := time.Now()
	if err := syncer.Init(ctx); err != nil {
		return fmt.Errorf("build search index: %w", err)
	}
	m.Logger.Info("search index ready", "took", time.Since(start).Round(time.Millisecond))
	m.background("search", syncer.Run)
	return nil
}

// openMatching loads every profile into the matching engine's feature
// matrices and keeps them up to date from the change feed in the background
// (a profile change re-ranks within a second, on every node).
func (m *Main) openMatching(ctx context.Context) error {
	m.matches = matching.NewService(matching.ServiceOptions{
		Store: m.store, Feedback: m.store,
		Engine:  matching.NewEngine(matching.Options{Tokenizer: analysis.Tokens}),
		OnError: func(err error) { m.Logger.Warn("matching: follow change feed", "err", err) },
	})
	start := time.Now()
	if err := m.matches.Load(ctx); err != nil {
		return fmt.Errorf("load matching engine: %w", err)
	}
	m.Logger.Info("matching engine ready", "took", time.Since(start).Round(time.Millisecond))
	m.background("matching", m.matches.Run)
	return nil
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := configFlags(fs)
	fs.BoolVar(&cfg.Demo, "demo", false, "load demo data on first start")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := &Main{Config: *cfg, Logger: newLogger(stderr)}
	if err := m.Open(ctx); err != nil {
		_ = m.Close()
		return err
	}
	werr := m.Wait(ctx)
	return errors.Join(werr, m.Close())
}

// loadDemo loads the demo dataset unless the store already holds it.
func loadDemo(ctx context.Context, st makerlink.Store, o seed.Options, log *slog.Logger) error {
	loaded, err := seed.Loaded(ctx, st)
	if err != nil {
		return fmt.Errorf("check demo data: %w", err)
	}
	if loaded {
		log.Info("demo data already loaded")
		return nil
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(seed.DemoPassword), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash demo password: %w", err)
	}
	start := time.Now()
	d := seed.Generate(o)
	if err := seed.Load(ctx, st, d, string(hash)); err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	log.Info("demo data loaded", "profiles", len(d.Profiles), "users", len(d.Users), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

func maskURL(s string) string {
	if s == "" {
		return ""
	}
	if u, err := parseURL(s); err == nil {
		return u.Redacted()
	}
	return "(unparseable)"
}
