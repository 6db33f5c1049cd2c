package api

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"makerlink"
)

// httpMetrics holds the request metrics with label handles cached per
// route so that the hot path does no label hashing.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	byRoute  sync.Map // *fiber.Route -> *routeMetrics
}

// routeMetrics are the handles of one registered route.
type routeMetrics struct {
	label, method string
	duration      prometheus.Observer
	mu            sync.RWMutex
	byStatus      map[int]prometheus.Counter
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "makerlink_http_requests_total",
			Help: "HTTP requests served, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "makerlink_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route pattern and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// unmatchedRoute labels requests no route matched, so that random paths
// cannot create unbounded label values.
const unmatchedRoute = "unmatched"

// forRoute returns the cached handles of r. unmatched tells that no route
// matched the request (r is then the middleware's route).
func (m *httpMetrics) forRoute(r *fiber.Route, unmatched bool) *routeMetrics {
	if v, ok := m.byRoute.Load(r); ok {
		return v.(*routeMetrics)
	}
	label := r.Path
	if unmatched {
		label = unmatchedRoute
	}
	rm := &routeMetrics{
		label:    label,
		method:   r.Method, // Fiber keeps one route per method, middleware included
		duration: m.duration.WithLabelValues(label, r.Method),
		byStatus: make(map[int]prometheus.Counter),
	}
	v, _ := m.byRoute.LoadOrStore(r, rm)
	return v.(*routeMetrics)
}

func (rm *routeMetrics) observe(m *httpMetrics, status int, d time.Duration) {
	rm.duration.Observe(d.Seconds())
	rm.mu.RLock()
	c := rm.byStatus[status]
	rm.mu.RUnlock()
	if c == nil {
		c = m.requests.WithLabelValues(rm.label, rm.method, strconv.Itoa(status))
		rm.mu.Lock()
		rm.byStatus[status] = c
		rm.mu.Unlock()
	}
	c.Inc()
}

// Keys of values stored in Fiber's Locals.
type localKey int

const userKey localKey = iota

// newRequestID returns a process-unique request id: a random prefix chosen
// at start and a counter.
func (s *Server) newRequestID() string {
	return s.ridPrefix + strconv.FormatUint(s.ridSeq.Add(1), 36)
}

// validRequestID reports whether a client-sent X-Request-ID is short
// printable ASCII, so that it can be echoed and logged safely.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// core is the middleware around every request: request id, a context with
// a deadline, recovery from panics, authentication, then the error
// handler, metrics and the access log line.
func (s *Server) core(c *fiber.Ctx) error {
	start := time.Now()
	entry := c.Route() // this middleware's route; still current after Next when nothing matched
	rid := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(rid) {
		rid = s.newRequestID()
	}
	c.Set(fiber.HeaderXRequestID, rid)

	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	c.SetUserContext(ctx)
	err := s.serve(c)
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	cancel()

	d := time.Since(start)
	status := c.Response().StatusCode()
	route := c.Route()
	if status < 300 && changesSignals(c.Method(), route.Path) {
		s.signalsChanged()
	}
	rm := s.metrics.forRoute(route, route == entry)
	rm.observe(s.metrics, status, d)
	if s.log.Enabled(ctx, slog.LevelInfo) {
		s.log.LogAttrs(ctx, slog.LevelInfo, "http request",
			slog.String("method", c.Method()),
			slog.String("route", rm.label),
			slog.String("path", c.Path()),
			slog.Int("status", status),
			slog.Duration("duration", d),
			slog.String("request_id", rid))
	}
	return nil
}

// serve authenticates the request and runs the route, turning a panic into
// an internal error.
func (s *Server) serve(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.LogAttrs(c.UserContext(), slog.LevelError, "panic serving request",
				slog.String("request_id", c.GetRespHeader(fiber.HeaderXRequestID)),
				slog.Any("panic", r),
				slog.String("stack", string(debug.Stack())))
			err = &makerlink.Error{Code: makerlink.EInternal, Op: "api.serve", Err: fmt.Errorf("panic: %v", r)}
		}
	}()
	if ce := c.Get(fiber.HeaderContentEncoding); ce != "" && !strings.EqualFold(strings.TrimSpace(ce), "identity") {
		// Fiber would inflate the body in full before BodyLimit could
		// apply: a small gzip bomb would then cost gigabytes.
		return &makerlink.Error{Code: codeUnsupportedEncoding, Message: "Compressed request bodies are not accepted; send the body uncompressed."}
	}
	if err := s.authenticate(c); err != nil {
		return err
	}
	return c.Next()
}

var (
	okBody = []byte(`{"status":"ok"}`)
)

// healthz answers 200 while the process serves requests.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(okBody)
}

// readyz answers 200 when the store and the extra checks of Config.Ready
// pass, 503 unavailable otherwise.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 5*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return &makerlink.Error{Code: makerlink.EUnavailable, Message: "The database is unavailable.", Op: "readyz", Err: err}
	}
	if s.ready != nil {
		if err := s.ready(ctx); err != nil {
			return &makerlink.Error{Code: makerlink.EUnavailable, Message: "A dependency is unavailable.", Op: "readyz", Err: err}
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(okBody)
}

// metricsHandler serves the Prometheus exposition format.
func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{}))
}

// sectors serves the vocabularies: sectors and stages with zh/en labels,
// cities with their districts, and the kinds of investors and spaces.
func (s *Server) sectors(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.Send(s.vocab)
}
