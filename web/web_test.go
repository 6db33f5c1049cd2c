package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/net/html"

	"makerlink/api"
	"makerlink/qr"
	"makerlink/store/storetest"
	"makerlink/web"
)

func newApp(t *testing.T) (*fiber.App, *web.Web) {
	t.Helper()
	w, err := web.New(web.Config{})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	app := fiber.New()
	w.Register(app)
	return app, w
}

func get(t *testing.T, app *fiber.App, target string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", target, err)
	}
	return resp, b
}

// pagePaths lists a URL of every page route.
var pagePaths = []string{
	"/", "/search", "/search?q=%E9%93%B6%E5%B7%9D&kind=startup", "/signin", "/signup", "/me",
	"/matches", "/intros", "/dealflow", "/pipeline", "/approvals", "/mentoring", "/usage", "/notifications",
	"/events", "/events/new", "/events/e1", "/events/e1/console", "/events/e1/judge", "/events/e1/screen",
	"/equipment/q1/calendar",
	"/startups/new", "/startups/s1", "/startups/s1/edit",
	"/investors/new", "/investors/i1", "/investors/i1/edit",
	"/mentors/new", "/mentors/m1", "/mentors/m1/edit",
	"/equipment/new", "/equipment/q1", "/equipment/q1/edit",
	"/spaces/new", "/spaces/p1", "/spaces/p1/edit",
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return strings.TrimSpace(b.String())
}

// unlabelled returns a description of every form control of doc that has no
// label: a <label for=id>, an enclosing <label>, aria-label or
// aria-labelledby.
func unlabelled(doc *html.Node) []string {
	labelFor := map[string]bool{}
	walk(doc, func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "label" {
			if f, ok := attr(n, "for"); ok {
				labelFor[f] = true
			}
		}
	})
	var bad []string
	var visit func(n *html.Node, inLabel bool)
	visit = func(n *html.Node, inLabel bool) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "label":
				inLabel = true
			case "input", "select", "textarea":
				typ, _ := attr(n, "type")
				id, _ := attr(n, "id")
				_, aria := attr(n, "aria-label")
				_, ariaBy := attr(n, "aria-labelledby")
				if typ != "hidden" && typ != "submit" && typ != "button" && !inLabel && !aria && !ariaBy && (id == "" || !labelFor[id]) {
					name, _ := attr(n, "name")
					bad = append(bad, n.Data+" id="+id+" name="+name)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, inLabel)
		}
	}
	visit(doc, false)
	return bad
}

func TestPagesRenderInBothLanguages(t *testing.T) {
	app, _ := newApp(t)
	cat, err := web.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	keyLike := regexp.MustCompile(`\b[a-z_]+\.[a-z_]+(\.[a-z_]+)?\b`)
	for _, lang := range []struct{ cookie, htmlLang string }{{"", "zh-CN"}, {"en", "en"}} {
		for _, p := range pagePaths {
			t.Run(lang.htmlLang+p, func(t *testing.T) {
				hdr := map[string]string{}
				if lang.cookie != "" {
					hdr["Cookie"] = "lang=" + lang.cookie
				}
				resp, body := get(t, app, p, hdr)
				if resp.StatusCode != 200 {
					t.Fatalf("status %d", resp.StatusCode)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q", ct)
				}
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
					t.Errorf("Content-Security-Policy %q", csp)
				}
				doc, err := html.Parse(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("parse: %v", err)
				}
				var htmlLang, title, bootJSON string
				walk(doc, func(n *html.Node) {
					if n.Type != html.ElementNode {
						return
					}
					switch n.Data {
					case "html":
						htmlLang, _ = attr(n, "lang")
					case "title":
						title = text(n)
					case "script":
						if id, _ := attr(n, "id"); id == "ml-boot" {
							bootJSON = text(n)
						}
					}
				})
				if htmlLang != lang.htmlLang {
					t.Errorf(`<html lang=%q>, want %q`, htmlLang, lang.htmlLang)
				}
				appName := cat.T(strings.SplitN(lang.htmlLang, "-", 2)[0], "app.name")
				if !strings.HasSuffix(title, appName) {
					t.Errorf("title %q does not end with %q", title, appName)
				}
				var boot struct {
					Lang string            `json:"lang"`
					T    map[string]string `json:"t"`
				}
				if err := json.Unmarshal([]byte(bootJSON), &boot); err != nil {
					t.Fatalf("page data block: %v", err)
				}
				if wantLang := strings.SplitN(lang.htmlLang, "-", 2)[0]; boot.Lang != wantLang || len(boot.T) == 0 {
					t.Errorf("page data: lang %q with %d messages, want %q", boot.Lang, len(boot.T), wantLang)
				}
				if bad := unlabelled(doc); len(bad) > 0 {
					t.Errorf("form controls without a label: %v", bad)
				}
				// A message key shown instead of its message means a missing entry.
				var visible strings.Builder
				walk(doc, func(n *html.Node) {
					if n.Type == html.TextNode && (n.Parent == nil || n.Parent.Data != "script") {
						visible.WriteString(n.Data + "\n")
					}
					if n.Type == html.ElementNode {
						for _, a := range n.Attr {
							if a.Key == "aria-label" || a.Key == "placeholder" || a.Key == "title" {
								visible.WriteString(a.Val + "\n")
							}
						}
					}
				})
				for _, m := range keyLike.FindAllString(visible.String(), -1) {
					if cat.Has("zh", m) {
						t.Errorf("page shows the message key %q", m)
					}
				}
			})
		}
	}
}

func TestCatalogComplete(t *testing.T) {
	cat, err := web.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := cat.Keys("zh"), cat.Keys("en")
	sort.Strings(zh)
	sort.Strings(en)
	for _, k := range zh {
		if !cat.Has("en", k) {
			t.Errorf("en lacks %q", k)
		}
	}
	for _, k := range en {
		if !cat.Has("zh", k) {
			t.Errorf("zh lacks %q", k)
		}
	}
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, k := range zh {
		z, e := cat.Messages("zh")[k], cat.Messages("en")[k]
		if strings.TrimSpace(z) == "" || strings.TrimSpace(e) == "" {
			t.Errorf("%q is empty in a language", k)
		}
		pz, pe := ph.FindAllString(z, -1), ph.FindAllString(e, -1)
		sort.Strings(pz)
		sort.Strings(pe)
		if !slices.Equal(pz, pe) {
			t.Errorf("%q: placeholders differ: zh %v, en %v", k, pz, pe)
		}
	}
}

// TestCatalogHasEveryKeyUsed checks every literal key the templates (.T
// "key") and modules (t('key'), tOr('key')) use.
func TestCatalogHasEveryKeyUsed(t *testing.T) {
	cat, err := web.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	patterns := map[string]*regexp.Regexp{
		".html": regexp.MustCompile(`\.T "([^"]+)"`),
		".js":   regexp.MustCompile(`\bt\('([^'{]+)'\s*[,)]`),
	}
	n := 0
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		re := patterns[filepath.Ext(p)]
		if re == nil || strings.Contains(p, "e2e") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !cat.Has("zh", m[1]) {
				t.Errorf("%s uses %q, which the catalog lacks", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("found only %d message uses; are the patterns right?", n)
	}
}

func TestEveryFieldHasALabel(t *testing.T) {
	cat, err := web.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for k, fields := range web.Schemas {
		for _, f := range fields {
			for _, lang := range web.Languages {
				if l := cat.FieldLabel(lang, k, f.Name); l == "field."+f.Name {
					t.Errorf("%s %s: no %s label", k, f.Name, lang)
				}
			}
			for _, o := range f.Options {
				if !cat.Has("zh", f.Prefix+o) {
					t.Errorf("%s %s: no label for option %q", k, f.Name, f.Prefix+o)
				}
			}
		}
	}
}

// TestAssetBudget keeps the JavaScript and CSS the browser downloads for a
// page under 150 KB uncompressed (its module, the layout module, what they
// import, and the stylesheet), and the whole app's, which a visitor of
// every page would end up with in the cache, under 250 KB.
func TestAssetBudget(t *testing.T) {
	_, w := newApp(t)
	sizes := w.AssetSizes()
	const budget, appBudget = 150 * 1000, 250 * 1000
	total := 0
	for name, size := range sizes {
		if strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".css") {
			total += size
		}
	}
	t.Logf("all JS and CSS together: %d bytes (budget %d)", total, appBudget)
	if total > appBudget {
		t.Errorf("JS+CSS total %d bytes, over the %d-byte budget", total, appBudget)
	}
	imp := regexp.MustCompile(`(?m)^import [^;]*? from '(\.[^']+)'`)
	var closure func(name string, seen map[string]bool)
	closure = func(name string, seen map[string]bool) {
		if seen[name] {
			return
		}
		seen[name] = true
		b, err := os.ReadFile(filepath.Join("static", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, m := range imp.FindAllStringSubmatch(string(b), -1) {
			closure(filepath.ToSlash(filepath.Join(filepath.Dir(name), m[1])), seen)
		}
	}
	pages, _ := filepath.Glob("static/js/pages/*.js")
	for _, p := range pages {
		seen := map[string]bool{"app.css": true}
		closure("js/layout.js", seen)
		closure(strings.TrimPrefix(filepath.ToSlash(p), "static/"), seen)
		n := 0
		for f := range seen {
			n += sizes[f]
		}
		t.Logf("page %-16s %2d files %6d bytes", strings.TrimSuffix(filepath.Base(p), ".js"), len(seen), n)
		if n > budget {
			t.Errorf("page %s loads %d bytes of JS+CSS, over %d", p, n, budget)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	app, _ := newApp(t)
	resp, _ := get(t, app, "/lang/en?next=%2Fsearch%3Fq%3Dx", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "/search?q=x" {
		t.Errorf("Location %q", loc)
	}
	var lang *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "lang" {
			lang = c
		}
	}
	if lang == nil || lang.Value != "en" || lang.Path != "/" || lang.Expires.IsZero() {
		t.Fatalf("lang cookie %+v", lang)
	}
	_, body := get(t, app, "/search?q=x", map[string]string{"Cookie": "lang=en"})
	if !bytes.Contains(body, []byte(`<html lang="en">`)) {
		t.Errorf("page after switch is not English")
	}
	// The switch back link points at the current page.
	if !bytes.Contains(body, []byte(`href="/lang/zh?next=%2fsearch%3fq%3dx"`)) {
		t.Errorf("no link back to Chinese for this page in %s", body[:min(len(body), 3000)])
	}
	// An unknown language falls back to Chinese.
	resp, _ = get(t, app, "/lang/fr", nil)
	for _, c := range resp.Cookies() {
		if c.Name == "lang" && c.Value != "zh" {
			t.Errorf("lang cookie %q for /lang/fr", c.Value)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/search?q=1", "/search?q=1"},
		{"/me", "/me"},
		{"", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"me", "/"},
		{"/a\r\nSet-Cookie: x=1", "/"},
	} {
		if got := web.SafeNext(tc.in); got != tc.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	app, w := newApp(t)
	prefix := w.StaticPrefix()
	resp, body := get(t, app, prefix+"/js/core.js", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control %q", cc)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	etag := resp.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	resp, _ = get(t, app, prefix+"/js/core.js", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d", resp.StatusCode)
	}
	resp, gz := get(t, app, prefix+"/app.css", map[string]string{"Accept-Encoding": "gzip, br"})
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	} else {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		plain, _ := io.ReadAll(zr)
		_, css := get(t, app, prefix+"/app.css", nil)
		if !bytes.Equal(plain, css) || len(css) == 0 || len(body) == 0 {
			t.Errorf("gzip body differs from plain body")
		}
	}
	resp, _ = get(t, app, "/static/0000/app.css", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("old version: status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, p := range []string{prefix + "/nope.js", prefix + "/../web.go", prefix + "/js/../../web.go", "/static/x/%2e%2e/web.go"} {
		if resp, _ := get(t, app, p, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", p, resp.StatusCode)
		}
	}
	if resp, _ := get(t, app, "/favicon.ico", nil); resp.StatusCode != 200 {
		t.Errorf("favicon: status %d", resp.StatusCode)
	}
}

// TestPagesReferenceExistingAssets checks that every script and stylesheet
// a page links to is served.
func TestPagesReferenceExistingAssets(t *testing.T) {
	app, _ := newApp(t)
	seen := map[string]bool{}
	for _, p := range pagePaths {
		_, body := get(t, app, p, nil)
		doc, _ := html.Parse(bytes.NewReader(body))
		walk(doc, func(n *html.Node) {
			if n.Type != html.ElementNode {
				return
			}
			for _, k := range []string{"src", "href"} {
				if v, ok := attr(n, k); ok && strings.HasPrefix(v, "/static/") && !seen[v] {
					seen[v] = true
					if resp, _ := get(t, app, v, nil); resp.StatusCode != 200 {
						t.Errorf("%s links %s: status %d", p, v, resp.StatusCode)
					}
				}
			}
		})
	}
	// Modules import each other by relative paths: check those too.
	imp := regexp.MustCompile(`from '(\.[^']+)'`)
	for name := range func() map[string]int { _, w := newApp(t); return w.AssetSizes() }() {
		if !strings.HasSuffix(name, ".js") {
			continue
		}
		b, err := os.ReadFile(filepath.Join("static", name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range imp.FindAllStringSubmatch(string(b), -1) {
			target := filepath.Join("static", filepath.Dir(name), m[1])
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s imports %s, which does not exist", name, m[1])
			}
		}
	}
}

func TestRoutesStayOutOfReservedPaths(t *testing.T) {
	app, _ := newApp(t)
	for _, r := range app.GetRoutes(true) {
		for _, reserved := range []string{"/api", "/ws", "/healthz", "/readyz", "/metrics"} {
			if r.Path == reserved || strings.HasPrefix(r.Path, reserved+"/") {
				t.Errorf("route %s %s is under the reserved %s", r.Method, r.Path, reserved)
			}
		}
	}
}

func TestFeatures(t *testing.T) {
	w, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ok := func(c *fiber.Ctx) error { return nil }
	app := fiber.New()
	v1 := app.Group("/api/v1")
	v1.Get("/search", ok)
	v1.Get("/startups/:id/matches", ok)
	v1.All("/*", ok) // a catch-all does not make every feature exist
	w.Register(app)
	f := w.Features(app)
	for name, want := range map[string]bool{"search": true, "suggest": false, "matches": true, "intros": false, "events": false} {
		if f[name] != want {
			t.Errorf("feature %s = %v, want %v", name, f[name], want)
		}
	}
	// Pages link only to features the server has.
	_, body := get(t, app, "/", nil)
	if !bytes.Contains(body, []byte(`href="/matches"`)) {
		t.Error("home page lacks the matches link though the route exists")
	}
	if bytes.Contains(body, []byte(`href="/pipeline"`)) {
		t.Error("home page links the pipeline though the server has none")
	}
}

func TestNotFoundPage(t *testing.T) {
	w, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	w.Register(app)
	app.Get("/late", func(c *fiber.Ctx) error { return c.SendString("late route") }) // mounted after the pages
	html := map[string]string{"Accept": "text/html,application/xhtml+xml"}
	for _, tc := range []struct {
		path    string
		hdr     map[string]string
		status  int
		isPage  bool
		contain string
	}{
		{"/no/such/page", html, 404, true, `<html lang="zh-CN">`},
		{"/no/such/page", map[string]string{"Accept": "text/html", "Cookie": "lang=en"}, 404, true, "We cannot find that page"},
		{"/late", html, 200, false, "late route"},
		{"/api/v1/nope", html, 404, false, ""},
		{"/no/such/page", map[string]string{"Accept": "application/json"}, 404, false, ""},
	} {
		resp, body := get(t, app, tc.path, tc.hdr)
		isPage := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")
		if resp.StatusCode != tc.status || isPage != tc.isPage || !bytes.Contains(body, []byte(tc.contain)) {
			t.Errorf("GET %s %v: status %d, page %v, body %.200q", tc.path, tc.hdr, resp.StatusCode, isPage, body)
		}
	}
}

// The big screen's QR code: the link as SVG; no text or one too long for
// a code is a 400 problem, through the API's error handling as served.
func TestQRCode(t *testing.T) {
	w, err := web.New(web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	app := api.New(api.Config{Store: storetest.OpenSQLite(t), Pages: w}).App()
	resp, body := get(t, app, "/qr.svg?text="+url.QueryEscape("https://makerlink.example/e/abc"), nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(body, []byte("<svg ")) {
		t.Fatalf("qr.svg: %d %s %.60s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for _, target := range []string{"/qr.svg", "/qr.svg?text=", "/qr.svg?text=" + strings.Repeat("x", qr.MaxBytes+1)} {
		resp, body := get(t, app, target, nil)
		if resp.StatusCode != 400 || !strings.Contains(string(body), `"code":"bad_request"`) {
			t.Errorf("%.40s: %d %s, want a 400 bad_request problem", target, resp.StatusCode, body)
		}
	}
}
