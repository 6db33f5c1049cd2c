package api_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink"
	"makerlink/api"
)

// serve runs the server on a loopback port until the test ends and returns
// its base URL.
func serve(t *testing.T, s *api.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func TestHealthAndReadiness(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		var readyErr error
		var mu sync.Mutex
		e := newEnv(t, open, func(c *api.Config) {
			c.Ready = func(context.Context) error { mu.Lock(); defer mu.Unlock(); return readyErr }
		})
		e.want(e.do(req{method: "GET", path: "/healthz"}), 200, "")
		e.want(e.do(req{method: "GET", path: "/readyz"}), 200, "")

		mu.Lock()
		readyErr = errors.New("redis: connection refused at 10.0.0.7:6379")
		mu.Unlock()
		r := e.want(e.do(req{method: "GET", path: "/readyz"}), 503, makerlink.EUnavailable)
		if bytes.Contains(r.Body, []byte("10.0.0.7")) {
			t.Errorf("readyz leaks the cause: %s", r.Body)
		}
		e.want(e.do(req{method: "GET", path: "/healthz"}), 200, "")

		// A closed database fails readiness too.
		mu.Lock()
		readyErr = nil
		mu.Unlock()
		if err := e.store.Close(); err != nil {
			t.Fatal(err)
		}
		e.want(e.do(req{method: "GET", path: "/readyz"}), 503, makerlink.EUnavailable)
		e.want(e.do(req{method: "GET", path: "/healthz"}), 200, "")
	})
}

func TestErrorsForUnknownRoutes(t *testing.T) {
	e := newEnv(t, engines[0].open)
	e.want(e.do(req{method: "GET", path: "/api/v1/nothing-here"}), 404, makerlink.ENotFound)
	e.want(e.do(req{method: "GET", path: "/api/v1/startups/x/y/z"}), 404, makerlink.ENotFound)
	e.want(e.do(req{method: "PUT", path: "/api/v1/startups"}), 405, "method_not_allowed")
	e.want(e.do(req{method: "GET", path: "/api/v1/startups/nonexistent"}), 404, makerlink.ENotFound)
}

func TestRequestID(t *testing.T) {
	e := newEnv(t, engines[0].open)
	r := e.do(req{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "client-abc-123"}})
	if got := r.Header.Get("X-Request-ID"); got != "client-abc-123" {
		t.Errorf("echoed id = %q", got)
	}
	a := e.do(req{method: "GET", path: "/healthz"}).Header.Get("X-Request-ID")
	b := e.do(req{method: "GET", path: "/healthz", header: map[string]string{"X-Request-ID": "bad id with spaces"}}).Header.Get("X-Request-ID")
	if a == "" || b == "" || a == b || strings.Contains(b, " ") {
		t.Errorf("generated ids %q, %q", a, b)
	}
	// Problems carry the id for support requests.
	p := e.do(req{method: "GET", path: "/api/v1/nope", header: map[string]string{"X-Request-ID": "trace-me"}})
	if !bytes.Contains(p.Body, []byte(`"request_id":"trace-me"`)) {
		t.Errorf("problem without request id: %s", p.Body)
	}
}

// logSink collects log records.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestAccessLogAndInternalErrors(t *testing.T) {
	var sink logSink
	e := newEnv(t, engines[0].open, func(c *api.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&sink, &slog.HandlerOptions{Level: slog.LevelInfo}))
	})
	// A route added for the test panics with a secret in the message.
	e.srv.App().Get("/test/panic", func(*fiber.Ctx) error { panic("secret 42") })
	e.srv.App().Get("/test/error", func(*fiber.Ctx) error { return errors.New("pq: password authentication failed") })

	e.want(e.do(req{method: "GET", path: "/api/v1/startups/abc", header: map[string]string{"X-Request-ID": "rid-1"}}), 404, "")
	for _, path := range []string{"/test/panic", "/test/error"} {
		r := e.want(e.do(req{method: "GET", path: path, header: map[string]string{"X-Request-ID": "rid-500"}}), 500, makerlink.EInternal)
		if p := r.Problem(t); p.Detail != "Internal error." {
			t.Errorf("%s: detail %q", path, p.Detail)
		}
	}
	// The server survives a panic.
	e.want(e.do(req{method: "GET", path: "/healthz"}), 200, "")

	var access, failures int
	for _, line := range strings.Split(strings.TrimSpace(sink.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		switch rec["msg"] {
		case "http request":
			access++
			if rec["request_id"] == "rid-1" && (rec["route"] != "/api/v1/startups/:id" || rec["status"] != 404.0 || rec["method"] != "GET" || rec["duration"] == nil) {
				t.Errorf("access line %v", rec)
			}
		case "request failed":
			failures++
			if rec["request_id"] != "rid-500" {
				t.Errorf("internal error logged without its request id: %v", rec)
			}
		}
	}
	if access != 4 || failures != 2 {
		t.Errorf("%d access lines and %d failure lines, want 4 and 2:\n%s", access, failures, sink.String())
	}
	if !strings.Contains(sink.String(), "secret 42") {
		t.Error("the panic is not logged")
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, engines[0].open)
	a := e.register()
	id := e.create(a.Token, makerlink.KindStartup, sampleBody(t, makerlink.KindStartup))
	for range 3 {
		e.want(e.do(req{method: "GET", path: "/api/v1/startups/" + id}), 200, "")
	}
	e.want(e.do(req{method: "GET", path: "/api/v1/startups/missing"}), 404, "")
	e.want(e.do(req{method: "GET", path: "/random/path/1"}), 404, "")
	e.want(e.do(req{method: "GET", path: "/random/path/2"}), 404, "")

	r := e.want(e.do(req{method: "GET", path: "/metrics"}), 200, "")
	body := string(r.Body)
	for _, want := range []string{
		`makerlink_http_requests_total{method="GET",route="/api/v1/startups/:id",status="200"} 3`,
		`makerlink_http_requests_total{method="GET",route="/api/v1/startups/:id",status="404"} 1`,
		`makerlink_http_requests_total{method="POST",route="/api/v1/startups",status="201"} 1`,
		`makerlink_http_requests_total{method="GET",route="unmatched",status="404"} 2`,
		`makerlink_http_request_duration_seconds_count{method="GET",route="/api/v1/startups/:id"} 4`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s\n%s", want, body)
		}
	}
	// Label values are route patterns, never raw paths.
	if regexp.MustCompile(`route="[^"]*(random|` + id + `)`).MatchString(body) {
		t.Error("a raw path is used as a label")
	}
	// Two servers in one process do not clash.
	_ = newEnv(t, engines[0].open)
}

// TestBodyLimit sends a 10 MB body over a real connection.
func TestBodyLimit(t *testing.T) {
	e := newEnv(t, engines[0].open)
	a := e.register()
	base := serve(t, e.srv)

	big := append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), 10<<20)...)
	big = append(big, `"}`...)
	for _, expect := range []string{"", "100-continue"} {
		rq, _ := http.NewRequest("POST", base+"/api/v1/startups", bytes.NewReader(big))
		rq.Header.Set("Authorization", "Bearer "+a.Token)
		rq.Header.Set("Content-Type", "application/json")
		if expect != "" {
			rq.Header.Set("Expect", expect)
		}
		resp, err := http.DefaultClient.Do(rq)
		if err != nil {
			t.Fatalf("10 MB POST (Expect %q): %v", expect, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r := reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
		if r.Status != 413 || r.Problem(t).Code != makerlink.EPayloadTooLarge {
			t.Fatalf("Expect %q: status %d %s, want 413 payload_too_large", expect, r.Status, b)
		}
	}
	// Nothing was stored and the server still serves.
	recs, _, err := e.store.FindProfiles(context.Background(), makerlink.ProfileFilter{Kind: makerlink.KindStartup})
	if err != nil || len(recs) != 0 {
		t.Errorf("%d startups stored (%v)", len(recs), err)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after the big body: %v %v", resp, err)
	}
	resp.Body.Close()
}

// TestGracefulShutdown checks that Shutdown lets an in-flight request
// finish: /readyz blocks in Config.Ready until the test releases it.
func TestGracefulShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	e := newEnv(t, engines[0].open, func(c *api.Config) {
		c.Ready = func(context.Context) error {
			once.Do(func() { close(entered) })
			<-release
			return nil
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- e.srv.Listener(ln) }()
	base := "http://" + ln.Addr().String()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			got <- result{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- result{status: resp.StatusCode, body: string(b)}
	}()
	<-entered

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		shut <- e.srv.Shutdown(ctx)
	}()
	// Shutdown waits for the request.
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	// New connections are refused once shutdown has begun.
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("a new connection was accepted during shutdown")
	}
	close(release)
	r := <-got
	if r.err != nil || r.status != 200 || r.body != `{"status":"ok"}` {
		t.Errorf("in-flight request: %d %q %v", r.status, r.body, r.err)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Listener: %v", err)
	}
}

func TestRequestDeadline(t *testing.T) {
	e := newEnv(t, engines[0].open, func(c *api.Config) {
		c.RequestTimeout = 50 * time.Millisecond
		c.Ready = func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}
	})
	e.want(e.do(req{method: "GET", path: "/readyz"}), 503, makerlink.EUnavailable)
}

// TestHugeHeaders checks that a request whose headers overflow the read
// buffer gets a problem reply, over a real connection.
func TestHugeHeaders(t *testing.T) {
	e := newEnv(t, engines[0].open)
	base := serve(t, e.srv)
	rq, _ := http.NewRequest("GET", base+"/healthz", nil)
	rq.Header.Set("X-Filler", strings.Repeat("a", 16<<10))
	resp, err := http.DefaultClient.Do(rq)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if p := r.Problem(t); r.Status != 431 || p.Code != "headers_too_large" || p.Detail != "The request headers are too large." {
		t.Errorf("status %d %s", r.Status, b)
	}
}

// TestCompressedBodyRefused: a compressed body is refused before it is
// inflated (a 40 KB gzip of 40 MB would pass the 1 MiB limit otherwise),
// on a public route and a signed-in one, and nothing is stored.
func TestCompressedBodyRefused(t *testing.T) {
	e := newEnv(t, engines[0].open)
	a := e.register()
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	_, _ = zw.Write([]byte(`{"name":"`))
	_, _ = zw.Write(bytes.Repeat([]byte("x"), 40<<20))
	_, _ = zw.Write([]byte(`"}`))
	_ = zw.Close()
	var small bytes.Buffer
	zw = gzip.NewWriter(&small)
	_, _ = zw.Write([]byte(`{"name":"光储科技","sectors":["new_energy"],"stage":"idea","city":"银川"}`))
	_ = zw.Close()
	for _, c := range []struct {
		name, path, token, encoding string
		body                        []byte
	}{
		{"bomb to login", "/api/v1/auth/login", "", "gzip", bomb.Bytes()},
		{"bomb to create", "/api/v1/startups", a.Token, "gzip", bomb.Bytes()},
		{"small gzip", "/api/v1/startups", a.Token, "gzip", small.Bytes()},
		{"deflate", "/api/v1/startups", a.Token, "deflate", small.Bytes()},
		{"br", "/api/v1/startups", a.Token, "br", small.Bytes()},
	} {
		r := e.do(req{method: "POST", path: c.path, body: c.body, token: c.token,
			header: map[string]string{"Content-Encoding": c.encoding, "Content-Type": "application/json"}})
		if r.Status != 415 || r.Problem(t).Code != "unsupported_encoding" {
			t.Errorf("%s: status %d %s, want 415 unsupported_encoding", c.name, r.Status, r.Body)
		}
	}
	recs, _, err := e.store.FindProfiles(context.Background(), makerlink.ProfileFilter{Kind: makerlink.KindStartup})
	if err != nil || len(recs) != 0 {
		t.Errorf("%d startups stored (%v)", len(recs), err)
	}
	// identity is no encoding at all.
	e.want(e.do(req{method: "POST", path: "/api/v1/startups", token: a.Token,
		body:   map[string]any{"name": "光储科技", "sectors": []string{"new_energy"}, "stage": "idea", "city": "银川"},
		header: map[string]string{"Content-Encoding": "identity"}}), 201, "")
}
