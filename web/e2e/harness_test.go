// Package e2e_test drives the web app in headless Chromium against a real
// server (the API on a SQLite store with fixture data, plus the web pages)
// and fails on any console error, uncaught exception or failed request the
// page did not expect.
//
// It needs /usr/bin/chromium (or MAKERLINK_CHROMIUM); without it the tests
// skip, except under CI=true, where they fail. Screenshots go to
// artifacts/screenshots/ and the paint timings to artifacts/web-metrics.json.
package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/api"
	"makerlink/events"
	"makerlink/matching"
	"makerlink/realtime"
	"makerlink/search"
	"makerlink/seed"
	"makerlink/store/storetest"
	"makerlink/web"
)

// chromiumPath returns the browser to drive, or skips the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("MAKERLINK_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not found at %s (CI=true): install Debian's chromium (.ci/needs-chromium)", p)
		}
		t.Skipf("chromium not found at %s: install Debian's chromium to run the browser tests", p)
	}
	return p
}

// server is the app under test.
type server struct {
	URL  string
	api  *api.Server
	web  *web.Web
	fx   *fixtures
	demo *seed.Dataset
	// bookings writes bookings directly, for the past times the API refuses.
	bookings makerlink.BookingStore
}

func startServer(t *testing.T) *server {
	t.Helper()
	st := storetest.OpenSQLite(t)
	idx, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	w, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// Live rooms in process, authenticated by session tokens.
	tokens := api.NewTokenCache(st, nil)
	hub := realtime.NewHub(realtime.NewMemory(realtime.BrokerConfig{}), realtime.Config{
		Authenticate: tokens.Authenticate,
		Authorize:    events.ChannelAuthorizer(st, st),
	})
	t.Cleanup(func() { hub.Close() })
	// Matching follows the store's change feed, as in the service.
	match := matching.NewService(matching.ServiceOptions{Store: st, Feedback: st, Interval: 100 * time.Millisecond})
	// Wired as cmd/makerlink serve does: the API mounts the pages after its routes.
	a := api.New(api.Config{Store: st, Search: idx, Matches: match, Pages: w, Hub: hub, Tokens: tokens, PasswordCost: bcrypt.MinCost})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Listener(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.Shutdown(ctx)
		<-done
	})
	s := &server{URL: "http://" + ln.Addr().String(), api: a, web: w, bookings: st}
	// The demo data of the service (seed 1) plus fixtures this suite names.
	s.demo = seed.Generate(seed.Options{Seed: 1})
	hash, err := bcrypt.GenerateFromPassword([]byte(seed.DemoPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Load(context.Background(), st, s.demo, string(hash)); err != nil {
		t.Fatalf("seed: %v", err)
	}
	s.fx = loadFixtures(t, st)
	want := uint64(len(s.demo.Profiles) + 6)

	// The search index follows the store's change feed, as in the service.
	ctx, cancel := context.WithCancel(context.Background())
	syncer := search.NewSyncer(idx, st, search.SyncOptions{Interval: 50 * time.Millisecond})
	synced := make(chan struct{})
	go func() { defer close(synced); _ = syncer.Run(ctx) }()
	matched := make(chan struct{})
	go func() { defer close(matched); _ = match.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-synced; <-matched })
	t0 := time.Now()
	deadline := t0.Add(60 * time.Second)
	for {
		n, err := idx.DocCount()
		if err == nil && n >= want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("search index has %d of %d documents after 60 s (err %v)", n, want, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for {
		_, err := match.Matches(ctx, makerlink.MatchQuery{FromKind: makerlink.KindStartup, FromID: s.fx.Startup.ID,
			ToKind: makerlink.KindInvestor, Viewer: s.fx.Owner})
		if makerlink.ErrorCode(err) != makerlink.EUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("matching not loaded after 60 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("server up with %d profiles indexed and matched in %v", want, time.Since(t0).Round(time.Millisecond))
	return s
}

// has reports whether the server offers an API feature (see web.Features).
func (s *server) has(name string) bool { return s.web.Features(s.api.App())[name] }

// browser is one headless Chromium process shared by all subtests.
type browser struct{ ctx context.Context }

func startBrowser(t *testing.T) *browser {
	t.Helper()
	exec := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exec),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: ctx}
}

// viewport sizes.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{"desktop", 1920, 1080, false}
	laptop  = viewport{"laptop", 1280, 800, false}
	phone   = viewport{"phone", 375, 812, true}
)

// tab is one page in a fresh browser context (own cookies and storage).
// It records every problem the page shows: console errors, uncaught
// exceptions, log errors, failed requests and unexpected HTTP errors.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	vp   viewport

	mu       sync.Mutex
	problems []string
	allowed  []allowRule
	urls     map[network.RequestID]string
}

type allowRule struct {
	path   string
	status int64
}

func (b *browser) newTab(t *testing.T, s *server, vp viewport) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	tb := &tab{t: t, ctx: ctx, base: s.URL, vp: vp, urls: map[network.RequestID]string{}}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		t.Fatalf("new tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.event); err != nil {
		cancel()
		t.Fatalf("listen: %v", err)
	}
	var opts []chromedp.EmulateViewportOption
	if vp.mobile {
		opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
		cancel()
		t.Fatalf("viewport: %v", err)
	}
	t.Cleanup(cancel)
	t.Cleanup(tb.report) // runs before cancel
	return tb
}

// expect lets a response with the status on a URL path (a prefix) pass:
// the page handles it (a 422 shown next to the fields, for example).
func (tb *tab) expect(pathPrefix string, status int64) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.allowed = append(tb.allowed, allowRule{pathPrefix, status})
}

func (tb *tab) event(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			var parts []string
			for _, a := range ev.Args {
				if a.Description != "" {
					parts = append(parts, a.Description)
				} else {
					parts = append(parts, string(a.Value))
				}
			}
			tb.problems = append(tb.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.problems = append(tb.problems, fmt.Sprintf("uncaught exception: %s (%s:%d)", msg, d.URL, d.LineNumber+1))
	case *log.EventEntryAdded:
		if e := ev.Entry; e.Level == "error" && e.Source != "network" {
			tb.problems = append(tb.problems, fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL))
		}
	case *network.EventRequestWillBeSent:
		tb.urls[ev.RequestID] = ev.Request.URL
	case *network.EventResponseReceived:
		r := ev.Response
		if r.Status >= 400 && !tb.allowedLocked(r.URL, r.Status) {
			tb.problems = append(tb.problems, fmt.Sprintf("HTTP %d for %s", r.Status, strings.TrimPrefix(r.URL, tb.base)))
		}
	case *network.EventLoadingFailed:
		if !ev.Canceled && ev.BlockedReason == "" {
			tb.problems = append(tb.problems, fmt.Sprintf("request failed: %s %s", ev.ErrorText, strings.TrimPrefix(tb.urls[ev.RequestID], tb.base)))
		} else if ev.BlockedReason != "" {
			tb.problems = append(tb.problems, fmt.Sprintf("request blocked (%s): %s", ev.BlockedReason, strings.TrimPrefix(tb.urls[ev.RequestID], tb.base)))
		}
	}
}

func (tb *tab) allowedLocked(url string, status int64) bool {
	path := strings.TrimPrefix(url, tb.base)
	for _, a := range tb.allowed {
		if a.status == status && strings.HasPrefix(path, a.path) {
			return true
		}
	}
	return false
}

// report fails the test for each problem the page showed.
func (tb *tab) report() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("[%s] %s", tb.vp.name, p)
	}
	tb.problems = nil
}

// do runs steps with a time limit, failing the test (with a screenshot) on error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.fail(err)
	}
}

func (tb *tab) fail(err error) {
	tb.t.Helper()
	name := "FAIL-" + strings.NewReplacer("/", "_", " ", "_").Replace(tb.t.Name())
	tb.screenshot(name)
	loc, _ := chromedp.Run(tb.ctx, chromedp.Location())
	tb.t.Fatalf("at %s: %v (screenshot %s.jpg)", loc, err, name)
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	for try := 0; err != nil && strings.Contains(err.Error(), "Cannot find context") && try < 20; try++ {
		// The page's context was being replaced: evaluate in the new one.
		time.Sleep(50 * time.Millisecond)
		v, err = chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	}
	if err != nil {
		tb.fail(fmt.Errorf("eval %q: %w", expr, err))
	}
	return v
}

// settledJS is true once the document has loaded and no API call is in
// flight.
const settledJS = `document.readyState === 'complete' && (document.documentElement.dataset.pending || '0') === '0'`

// open navigates to a path of the server and waits until the page settled.
// The wait survives the old document's context going away under it
// (a Poll started right after Navigate sometimes ran in the context being
// replaced: "Cannot find context with specified id").
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.base + path))
	tb.waitJS(settledJS, "the page "+path+" to settle")
}

// waitJS waits until a JavaScript expression is true. Unlike a Poll, it
// survives navigations: errors while a page is replaced are retried.
func (tb *tab) waitJS(js, what string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var lastErr error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		if tb.ctx.Err() != nil {
			break
		}
		lastErr = err
		time.Sleep(30 * time.Millisecond)
	}
	tb.fail(fmt.Errorf("timed out waiting for %s (last error %v)", what, lastErr))
}

// waitText waits until the element's text contains want.
func (tb *tab) waitText(sel, want string) {
	tb.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.textContent.includes(%q); })()`, sel, want)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(tb.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	got, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).textContent||'<none>'`, sel)))
	tb.fail(fmt.Errorf("waiting for %q in %s (text now %q)", want, sel, strings.TrimSpace(got)))
}

// waitURL waits until the location's path starts with prefix and the page
// settled, and returns the path and query.
func (tb *tab) waitURL(prefix string) string {
	tb.t.Helper()
	tb.waitJS(fmt.Sprintf(`location.pathname.startsWith(%q) && document.readyState === 'complete' && (document.documentElement.dataset.pending || '0') === '0'`, prefix),
		"location "+prefix)
	loc, _ := chromedp.Run(tb.ctx, chromedp.Location())
	return strings.TrimPrefix(loc, tb.base)
}

// screenshot saves the whole page as artifacts/screenshots/<name>.jpg
// (PNG when MAKERLINK_E2E_PNG=1: larger and slower, but lossless).
func (tb *tab) screenshot(name string) string {
	dir := artifactDir("screenshots")
	quality, ext := 85, ".jpg"
	if os.Getenv("MAKERLINK_E2E_PNG") == "1" {
		quality, ext = 100, ".png"
	}
	buf, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(quality))
	if err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	p := filepath.Join(dir, name+ext)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
	}
	return p
}

// snapshot saves only the visible viewport (smaller, for docs/).
func (tb *tab) snapshot(name string) {
	buf, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Logf("snapshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(artifactDir("screenshots"), name+".png"), buf, 0o644); err != nil {
		tb.t.Logf("snapshot %s: %v", name, err)
	}
}

// artifactDir returns (and creates) artifacts/<sub> at the repository root.
func artifactDir(sub string) string {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "artifacts", sub))
	_ = os.MkdirAll(dir, 0o755)
	return dir
}

// unlabelledJS lists the visible form controls without an accessible label.
const unlabelledJS = `Array.from(document.querySelectorAll('input, select, textarea'))
  .filter((e) => e.type !== 'hidden' && e.type !== 'submit' && e.type !== 'button')
  .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
  .map((e) => e.outerHTML.slice(0, 120))`

// lowContrastJS lists visible text whose contrast with its background is
// below WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
// Disabled controls are exempt, as WCAG allows.
const lowContrastJS = `(() => {
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const parse = (s) => { const m = /rgba?\(([^)]+)\)/.exec(s); if (!m) return null; const p = m[1].split(',').map(parseFloat); return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 }; };
  const bgOf = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c.rgb; } return [255, 255, 255]; };
  const bad = [];
  const seen = new Set();
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) {
    const n = w.currentNode;
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('[hidden], .vh, [aria-hidden="true"], button:disabled, option, script, style')) continue;
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (cs.visibility === 'hidden' || r.width === 0 || r.height === 0 || parseFloat(cs.opacity) < 0.1) continue;
    const fg = parse(cs.color).rgb;
    const bg = bgOf(el);
    const a = lum(fg), b = lum(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(cs.fontSize);
    const need = size >= 24 || (parseInt(cs.fontWeight, 10) >= 700 && size >= 18.66) ? 3 : 4.5;
    if (ratio < need) bad.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + n.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
  }
  return bad;
})()`

// paintJS reads the first (contentful) paint and the load timings in ms,
// waiting up to two seconds for the paint entries to be recorded.
const paintJS = `new Promise((resolve) => {
  const t0 = performance.now();
  const read = () => {
    const p = performance.getEntriesByType('paint');
    const fcp = p.find((e) => e.name === 'first-contentful-paint');
    const fp = p.find((e) => e.name === 'first-paint');
    if (!fcp && performance.now() - t0 < 2000) { requestAnimationFrame(read); return; }
    const n = performance.getEntriesByType('navigation')[0] || {};
    resolve({ fp: fp ? fp.startTime : -1, fcp: fcp ? fcp.startTime : -1, dcl: n.domContentLoadedEventEnd || -1, load: n.loadEventEnd || -1,
      bytes: performance.getEntriesByType('resource').filter((r) => /\.(js|css)$/.test(r.name)).reduce((s, r) => s + (r.decodedBodySize || 0), 0) });
  };
  read();
})`

type paint struct {
	FP    float64 `json:"fp"`
	FCP   float64 `json:"fcp"`
	DCL   float64 `json:"dcl"`
	Load  float64 `json:"load"`
	Bytes int     `json:"bytes"`
}

// metrics collects per-page timings for artifacts/web-metrics.json.
type metrics struct {
	mu    sync.Mutex
	Pages map[string]paint `json:"pages"`
}

func (m *metrics) add(name string, p paint) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Pages == nil {
		m.Pages = map[string]paint{}
	}
	m.Pages[name] = p
}

func (m *metrics) write(t *testing.T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, _ := json.MarshalIndent(m, "", "  ")
	p := filepath.Join(artifactDir(""), "web-metrics.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Logf("write metrics: %v", err)
	}
}

// apiCall calls the API from Go (not through the page), as another client would.
func apiCall(s *server, method, path, token string, body any, hdr map[string]string) (int, map[string]any, error) {
	var rd *strings.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	} else {
		rd = strings.NewReader("")
	}
	req, err := http.NewRequest(method, s.URL+"/api/v1"+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil && !errors.Is(err, context.Canceled) && resp.StatusCode != 204 {
		return resp.StatusCode, nil, nil
	}
	return resp.StatusCode, out, nil
}
