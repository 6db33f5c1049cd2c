package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/events"
	"makerlink/ratelimit"
	"makerlink/realtime"
)

// Defaults of [Config].
const (
	// DefaultRequestTimeout bounds the context of every request.
	DefaultRequestTimeout = 15 * time.Second
	// DefaultPasswordCost is the bcrypt cost of new password hashes.
	DefaultPasswordCost = 10
	// BodyLimit is the largest request body accepted; larger ones get 413
	// payload_too_large.
	BodyLimit = 1 << 20
	// SessionTTL is how long a token issued by register or login is valid.
	SessionTTL = 30 * 24 * time.Hour
)

// Config configures a [Server]. Store is required; the other fields may be
// left zero.
type Config struct {
	// Store is the system of record.
	Store makerlink.Store
	// Pages mounts the web app (package web) on the same app, after the
	// API routes; its routes are not part of the OpenAPI document. May be nil.
	Pages interface{ Register(r fiber.Router) }
	// Search answers GET /search and /search/suggest; nil makes them 503.
	Search makerlink.SearchService
	// Matches answers the match routes (matches.go; package matching);
	// nil makes them 503.
	Matches makerlink.MatchService
	// Connections configures introductions, the pipeline, mentoring and
	// bookings (connections.go); its zero value uses Store.
	Connections ConnectionsConfig
	// Events runs the live pitch events. Nil: when Store also implements
	// makerlink.EventStore the server makes one (counting votes in
	// process, publishing through Hub) and closes it on Shutdown;
	// otherwise the event routes answer 503.
	Events *events.Service
	// Hub serves the websocket endpoint GET /ws on the same port. Nil:
	// GET /ws answers 503.
	Hub *realtime.Hub
	// Tokens is the hub's token cache (its Authenticate is the hub's
	// realtime.Config.Authenticate): a sign-out through this server
	// forgets the token there too. May be nil.
	Tokens *TokenCache
	// Logger receives the access log (at Info) and errors. Nil discards.
	// Run benchmarks with a handler at Warn: the access log then costs a
	// single Enabled check per request.
	Logger *slog.Logger
	// Ready adds readiness checks (Redis, ...) to GET /readyz. May be nil.
	Ready func(ctx context.Context) error
	// Now is the clock used for sessions and throttling. Nil means time.Now.
	Now func() time.Time

	// RequestTimeout bounds each request's context (SetUserContext).
	// Zero means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Limits throttles sign-in and registration; zero fields take the
	// values of [DefaultLimits].
	Limits Limits
	// RateLimiter makes the limiter of each of Limits (name says which);
	// nil counts in memory. With several nodes, limiters in Redis
	// ([ratelimit.NewRedis]) make the limits hold for the deployment.
	RateLimiter func(name string, l Limit) ratelimit.Limiter
	// PasswordCost is the bcrypt cost of new password hashes; zero means
	// DefaultPasswordCost. Tests may lower it to bcrypt.MinCost.
	PasswordCost int
	// ProxyHeader names the header holding the client address when the
	// service runs behind a reverse proxy (e.g. "X-Forwarded-For"). Empty
	// means the address of the TCP peer; only set it behind a proxy, since
	// clients can forge the header.
	ProxyHeader string
	// Registerer receives the HTTP metrics. Nil means a registry of the
	// server's own; GET /metrics serves it together with
	// prometheus.DefaultGatherer (Go runtime and other packages' metrics).
	Registerer prometheus.Registerer
	// Gatherer is what GET /metrics serves when Registerer is set.
	Gatherer prometheus.Gatherer
}

// Server is the HTTP API. Create it with [New]; serve it with
// [Server.Listen] or [Server.Listener]; stop it with [Server.Shutdown].
type Server struct {
	app    *fiber.App
	store  makerlink.Store
	search makerlink.SearchService
	// matches serves the match routes (matches.go).
	matches makerlink.MatchService
	events  *events.Service
	hub     *realtime.Hub
	// ownsEvents is set when New made events; Shutdown closes it.
	ownsEvents bool
	pages      interface{ Register(r fiber.Router) }
	log        *slog.Logger
	ready      func(ctx context.Context) error
	now        func() time.Time
	timeout    time.Duration
	cost       int

	metrics  *httpMetrics
	gatherer prometheus.Gatherer
	throttle *throttle
	// sessions caches token look-ups for a second (sessions.go).
	sessions *sessionCache
	tokens   *TokenCache // the hub's, or nil

	// conn serves introductions, the pipeline, mentoring and bookings.
	conn *connections

	// dummyHash is compared against for unknown emails so that a login
	// takes as long whether or not the account exists.
	dummyHash []byte

	ridPrefix string
	ridSeq    atomic.Uint64

	openAPI []byte // the OpenAPI document, built once
	vocab   []byte // the GET /sectors reply, built once
}

// New returns a Server for cfg with every route registered.
func New(cfg Config) *Server {
	if cfg.Store == nil {
		panic("api.New: Config.Store is nil")
	}
	s := &Server{
		store:   cfg.Store,
		search:  cfg.Search,
		matches: cfg.Matches,
		events:  cfg.Events,
		hub:     cfg.Hub,
		pages:   cfg.Pages,
		log:     cfg.Logger,
		ready:   cfg.Ready,
		now:     cfg.Now,
		timeout: cfg.RequestTimeout,
		cost:    cfg.PasswordCost,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.timeout <= 0 {
		s.timeout = DefaultRequestTimeout
	}
	if s.cost == 0 {
		s.cost = DefaultPasswordCost
	}
	s.cost = max(bcrypt.MinCost, min(s.cost, bcrypt.MaxCost))
	var err error
	s.dummyHash, err = bcrypt.GenerateFromPassword([]byte("makerlink-dummy-password"), s.cost)
	if err != nil {
		panic(fmt.Sprintf("api.New: bcrypt: %v", err))
	}
	s.throttle = newThrottle(cfg.Limits.withDefaults(), cfg.RateLimiter)
	s.sessions = newSessionCache(sessionCacheTTL)
	s.tokens = cfg.Tokens
	s.conn = newConnections(cfg, s.log)
	if s.events == nil {
		if es, ok := cfg.Store.(makerlink.EventStore); ok {
			ecfg := events.Config{Store: es, Users: cfg.Store, Logger: s.log}
			if ns, ok := cfg.Store.(makerlink.NotificationStore); ok {
				ecfg.Notifications = ns
			}
			if cfg.Hub != nil {
				ecfg.Publisher = cfg.Hub
			}
			if rf, ok := cfg.Store.(makerlink.RelationFinder); ok {
				ecfg.Relations = rf // pipelines and mentorships (connections)
			}
			if ps, ok := cfg.Store.(events.PipelineSink); ok {
				ecfg.Pipeline = ps // intent cards land on the investor's pipeline
			}
			s.events, s.ownsEvents = events.New(ecfg), true
		}
	}

	reg, gath := cfg.Registerer, cfg.Gatherer
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, gath = r, prometheus.Gatherers{prometheus.DefaultGatherer, r}
	} else if gath == nil {
		gath = prometheus.DefaultGatherer
	}
	s.metrics = newHTTPMetrics(reg)
	s.gatherer = gath

	var b [4]byte
	_, _ = rand.Read(b[:])
	s.ridPrefix = hex.EncodeToString(b[:]) + "-"

	s.app = fiber.New(fiber.Config{
		AppName:               "makerlink",
		DisableStartupMessage: true,
		BodyLimit:             BodyLimit,
		ErrorHandler:          s.handleError,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		ProxyHeader:           cfg.ProxyHeader,
	})
	s.routes()
	s.openAPI = buildOpenAPI()
	s.vocab = buildVocabulary()
	return s
}

// App returns the Fiber application, for app.Test in tests and for adding
// routes before serving.
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr (host:port) until [Server.Shutdown]; it blocks.
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("api: listen %s: %w", addr, err)
	}
	return s.Listener(ln)
}

// Listener serves on ln until [Server.Shutdown]; it blocks. It returns nil
// after a graceful shutdown.
func (s *Server) Listener(ln net.Listener) error {
	s.log.Debug("http server listening", slog.String("addr", ln.Addr().String()))
	err := s.app.Listener(lingerListener{ln})
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("api: serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections, lets in-flight requests finish and
// closes idle connections. It returns ctx's error when ctx ends first. It
// does not close the store.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.app.ShutdownWithContext(ctx); err != nil {
		return fmt.Errorf("api: shutdown: %w", err)
	}
	if s.ownsEvents {
		_ = s.events.Close()
	}
	return nil
}

// Lingering close: when the server closes a connection whose client is
// still sending (a body over BodyLimit gets 413 before it is read), an
// immediate close would reset the connection and the client would see a
// reset instead of the 413. The connection is half-closed instead and the
// rest of the input discarded in the background for a bounded time.
const (
	lingerTimeout  = 5 * time.Second
	lingerMaxBytes = 64 << 20
)

// lingerListener wraps TCP connections in lingerConn.
type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		return &lingerConn{TCPConn: tc}, nil
	}
	return c, nil
}

// lingerConn closes by sending FIN, draining input, then closing.
type lingerConn struct {
	*net.TCPConn
	once sync.Once
}

func (c *lingerConn) Close() error {
	var err error
	c.once.Do(func() {
		if e := c.TCPConn.CloseWrite(); e != nil {
			err = c.TCPConn.Close()
			return
		}
		go func() {
			_ = c.TCPConn.SetReadDeadline(time.Now().Add(lingerTimeout))
			_, _ = io.CopyN(io.Discard, c.TCPConn, lingerMaxBytes)
			_ = c.TCPConn.Close()
		}()
	})
	return err
}
