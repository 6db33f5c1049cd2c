package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"makerlink"
	"makerlink/qr"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed i18n/*.json
var i18nFS embed.FS

// Config configures the web app. The zero value is valid.
type Config struct {
	// Logger receives template and asset errors; nil discards them.
	Logger *slog.Logger
}

// Web is the web app: parsed templates, the message catalog and the
// embedded static assets. It is safe for concurrent use.
type Web struct {
	log    *slog.Logger
	cat    *Catalog
	pages  map[string]*template.Template
	assets *assets

	mu       sync.Mutex
	features map[*fiber.App]map[string]bool
}

// New parses the templates, loads the catalog and indexes the static
// assets. It fails only when the embedded files are broken.
func New(cfg Config) (*Web, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cat, err := LoadCatalog()
	if err != nil {
		return nil, err
	}
	a, err := loadAssets(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("web: static assets: %w", err)
	}
	w := &Web{log: log, cat: cat, assets: a, features: map[*fiber.App]map[string]bool{}}
	if err := w.parseTemplates(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Web) parseTemplates() error {
	base, err := template.New("layout.html").Funcs(template.FuncMap{
		"dict":     dict,
		"fieldctx": newFieldCtx,
	}).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return fmt.Errorf("web: layout template: %w", err)
	}
	w.pages = map[string]*template.Template{}
	for _, p := range pages {
		if _, ok := w.pages[p.name]; ok {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return fmt.Errorf("web: clone layout: %w", err)
		}
		if _, err := t.ParseFS(templateFS, "templates/"+p.name+".html"); err != nil {
			return fmt.Errorf("web: template %s: %w", p.name, err)
		}
		w.pages[p.name] = t
	}
	return nil
}

// page is one route of the web app.
type page struct {
	path    string         // Fiber route
	name    string         // template templates/<name>.html and module js/pages/<name>.js
	title   string         // catalog key of the <title>
	kind    makerlink.Kind // for the per-kind pages
	schemas bool           // whether the page needs the profile form schemas
	wide    bool           // full-width layout (boards, calendars, the big screen)
	bare    bool           // no site header (the big screen)
	rubric  bool           // whether the page needs the default pitch rubric
}

// pages lists every page route. Fixed paths come before parameterised ones
// of the same prefix, since Fiber matches routes in registration order.
var pages = func() []page {
	ps := []page{
		{path: "/", name: "home", title: "home.title"},
		{path: "/search", name: "search", title: "search.title"},
		{path: "/signin", name: "signin", title: "signin.title"},
		{path: "/signup", name: "signup", title: "signup.title"},
		{path: "/me", name: "me", title: "me.title", schemas: true},
		{path: "/matches", name: "matches", title: "matches.title"},
		{path: "/intros", name: "intros", title: "intros.title"},
		{path: "/dealflow", name: "dealflow", title: "dealflow.title"},
		{path: "/pipeline", name: "pipeline", title: "pipeline.title", wide: true},
		{path: "/approvals", name: "approvals", title: "approvals.title"},
		{path: "/mentoring", name: "mentoring", title: "mentoring.title"},
		{path: "/usage", name: "usage", title: "usage.title"},
		{path: "/notifications", name: "notifications", title: "notifications.title"},
		{path: "/events", name: "events", title: "events.title"},
		{path: "/events/new", name: "event-new", title: "eventnew.title", rubric: true},
		{path: "/events/:id/console", name: "event-console", title: "console.title", wide: true},
		{path: "/events/:id/judge", name: "event-judge", title: "judge.title"},
		{path: "/events/:id/screen", name: "event-screen", title: "screen.title", wide: true, bare: true},
		{path: "/events/:id", name: "event-audience", title: "audience.title"},
		{path: "", name: "notfound", title: "notfound.title"}, // served by the fallback, see Register
		{path: "/equipment/:id/calendar", name: "calendar", title: "calendar.title", kind: makerlink.KindEquipment, wide: true},
	}
	for _, k := range makerlink.Kinds {
		ps = append(ps,
			page{path: "/" + k.Plural() + "/new", name: "edit", title: "edit.new_title", kind: k, schemas: true},
			page{path: "/" + k.Plural() + "/:id/edit", name: "edit", title: "edit.edit_title", kind: k, schemas: true},
			page{path: "/" + k.Plural() + "/:id", name: "profile", title: "kind." + string(k), kind: k, schemas: true},
		)
	}
	return ps
}()

// Register mounts the pages, the language switch and the static assets on r.
// Page paths never start with /api, /ws, /healthz, /readyz or /metrics.
func (w *Web) Register(r fiber.Router) {
	var notFound fiber.Handler
	for _, p := range pages {
		if p.path == "" {
			notFound = w.pageHandler(p)
			continue
		}
		r.Get(p.path, w.pageHandler(p))
	}
	r.Get("/e/:id", func(c *fiber.Ctx) error {
		return c.Redirect("/events/"+url.PathEscape(c.Params("id")), fiber.StatusFound)
	})
	r.Get("/qr.svg", serveQR)
	r.Get("/lang/:lang", w.switchLang)
	r.Get("/static/:ver/*", w.serveAsset)
	r.Get("/favicon.ico", func(c *fiber.Ctx) error {
		return w.serveAssetPath(c, w.assets.version, "icon.svg")
	})
	// A browser that asks for a page nobody serves gets a page saying so,
	// in its language. The fallback first lets any later route answer
	// (a websocket endpoint mounted after the pages, say), and never
	// touches /api/: API clients keep their JSON errors.
	r.Use(func(c *fiber.Ctx) error {
		err := c.Next()
		var fe *fiber.Error
		if !errors.As(err, &fe) || fe.Code != fiber.StatusNotFound || c.Method() != fiber.MethodGet ||
			strings.HasPrefix(c.Path(), "/api/") || !strings.Contains(c.Get(fiber.HeaderAccept), "text/html") {
			return err
		}
		if herr := notFound(c); herr != nil {
			return herr
		}
		c.Status(fiber.StatusNotFound)
		return nil
	})
}

// serveQR answers GET /qr.svg?text=...: the text (a link, at most
// qr.MaxBytes) as a QR code, for the big screen's join link.
func serveQR(c *fiber.Ctx) error {
	text := c.Query("text")
	if text == "" {
		return makerlink.Errorf(makerlink.EBadRequest, "Give the text to encode as ?text=.")
	}
	code, err := qr.Encode(text)
	if err != nil {
		return makerlink.Errorf(makerlink.EBadRequest, "The text is too long for a QR code here (at most %d bytes).", qr.MaxBytes)
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.Send(code.SVG())
}

// StaticPrefix returns the URL prefix of the current static assets, such as
// "/static/3f9a0c1b2d4e"; it changes whenever any asset changes.
func (w *Web) StaticPrefix() string { return "/static/" + w.assets.version }

// Lang returns the language a request asked for: "en" when the lang cookie
// says so, else "zh".
func Lang(c *fiber.Ctx) string {
	if c.Cookies("lang") == "en" {
		return "en"
	}
	return "zh"
}

// switchLang remembers the chosen language in the lang cookie and returns
// to the page the user came from.
func (w *Web) switchLang(c *fiber.Ctx) error {
	lang := c.Params("lang")
	if lang != "zh" && lang != "en" {
		lang = "zh"
	}
	c.Cookie(&fiber.Cookie{
		Name:     "lang",
		Value:    lang,
		Path:     "/",
		Expires:  time.Now().AddDate(1, 0, 0),
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(SafeNext(c.Query("next")), fiber.StatusSeeOther)
}

// SafeNext returns next when it is a path on this site, else "/". It keeps
// redirects after sign-in or a language switch from leaving the site.
func SafeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

// view is what a page template sees.
type view struct {
	Lang      string // "zh" or "en"
	HTMLLang  string // "zh-CN" or "en"
	Page      string // template name
	Title     string
	Static    string // static prefix
	Next      string // this page's path and query, for the language switch
	OtherLang string
	Kind      makerlink.Kind
	Schema    []Field
	Wide      bool
	Bare      bool
	Q         string   // the q query parameter, for search boxes
	Cities    []string // city names for the city suggestions
	Boot      boot

	cat  *Catalog
	feat map[string]bool
}

// T returns the catalog string for key in the page's language, with
// {name} placeholders replaced by the following name, value pairs.
func (v *view) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// F reports whether the server offers the named API feature.
func (v *view) F(name string) bool { return v.feat[name] }

// Label returns the label of a form field of the page's kind.
func (v *view) Label(f Field) string { return v.cat.FieldLabel(v.Lang, v.Kind, f.Name) }

// Hint returns the help text of a form field, or "".
func (v *view) Hint(f Field) string { return v.cat.FieldHint(v.Lang, v.Kind, f.Name) }

// Option returns the label of one option of a choice field.
func (v *view) Option(f Field, code string) string { return v.cat.T(v.Lang, f.Prefix+code) }

// fieldCtx is what the "field" template sees: one form field of a page.
type fieldCtx struct {
	V         *view
	F         Field
	ID        string // the control's id
	ErrID     string // the id of its error message
	Label     string
	Hint      string
	Described string // aria-describedby: the error and the hint
}

func newFieldCtx(v *view, f Field) fieldCtx {
	fc := fieldCtx{V: v, F: f, ID: "f-" + f.Name, ErrID: "err-" + f.Name, Label: v.Label(f), Hint: v.Hint(f)}
	fc.Described = fc.ErrID
	if fc.Hint != "" {
		fc.Described += " " + fc.ID + "-hint"
	}
	return fc
}

// dict builds a map from alternating keys and values, for passing several
// values to a nested template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// boot is the JSON data block every page carries for its modules.
type boot struct {
	Lang     string                     `json:"lang"`
	Page     string                     `json:"page"`
	Kind     makerlink.Kind             `json:"kind,omitempty"`
	Params   map[string]string          `json:"params"`
	T        map[string]string          `json:"t"`
	Features map[string]bool            `json:"features"`
	Vocab    vocabulary                 `json:"vocab"`
	Schemas  map[makerlink.Kind][]Field `json:"schemas,omitempty"`
	Rubric   []makerlink.RubricItem     `json:"rubric,omitempty"`
	Static   string                     `json:"static"`
}

type vocabulary struct {
	Kinds         []string `json:"kinds"`
	Sectors       []string `json:"sectors"`
	Stages        []string `json:"stages"`
	Cities        []string `json:"cities"`
	InvestorKinds []string `json:"investor_kinds"`
	SpaceKinds    []string `json:"space_kinds"`
	Roles         []string `json:"roles"`
	PassReasons   []string `json:"pass_reasons"`
}

var vocab = func() vocabulary {
	v := vocabulary{InvestorKinds: makerlink.InvestorKinds, SpaceKinds: makerlink.SpaceKinds}
	for _, k := range makerlink.Kinds {
		v.Kinds = append(v.Kinds, string(k))
	}
	for _, s := range makerlink.Sectors {
		v.Sectors = append(v.Sectors, s.Code)
	}
	for _, s := range makerlink.Stages {
		v.Stages = append(v.Stages, s.Code)
	}
	for _, c := range makerlink.Cities {
		v.Cities = append(v.Cities, c.ZH)
	}
	for _, r := range makerlink.SelfServiceRoles {
		v.Roles = append(v.Roles, string(r))
	}
	for _, r := range makerlink.PassReasons {
		v.PassReasons = append(v.PassReasons, r.Code)
	}
	return v
}()

func (w *Web) pageHandler(p page) fiber.Handler {
	return func(c *fiber.Ctx) error {
		lang := Lang(c)
		feat := w.Features(c.App())
		params := map[string]string{}
		for _, name := range c.Route().Params {
			v := c.Params(name)
			if len(v) > 200 {
				v = v[:200]
			}
			params[name] = strings.Clone(v)
		}
		v := &view{
			Lang: lang, HTMLLang: htmlLang(lang), Page: p.name,
			Static: w.StaticPrefix(), Next: string(c.Request().URI().RequestURI()),
			OtherLang: otherLang(lang), Kind: p.kind, Wide: p.wide, Bare: p.bare,
			Q: strings.Clone(c.Query("q")), Cities: vocab.Cities,
			cat: w.cat, feat: feat,
		}
		if p.kind != "" {
			v.Schema = Schemas[p.kind]
			v.Title = w.cat.T(lang, p.title, "kind", w.cat.T(lang, "kind."+string(p.kind)))
		} else {
			v.Title = w.cat.T(lang, p.title)
		}
		v.Boot = boot{
			Lang: lang, Page: p.name, Kind: p.kind, Params: params,
			T: w.cat.Messages(lang), Features: feat, Vocab: vocab, Static: v.Static,
		}
		if p.schemas {
			v.Boot.Schemas = Schemas
		}
		if p.rubric {
			v.Boot.Rubric = makerlink.DefaultRubric
		}
		var buf bytes.Buffer
		if err := w.pages[p.name].ExecuteTemplate(&buf, "layout.html", v); err != nil {
			w.log.Error("web: render page", "page", p.name, "err", err)
			return fmt.Errorf("web: render %s: %w", p.name, err)
		}
		setPageHeaders(c)
		c.Type("html", "utf-8")
		return c.Send(buf.Bytes())
	}
}

func setPageHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set(fiber.HeaderVary, "Cookie")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; script-src 'self'; style-src 'self'; "+
		"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
}

func htmlLang(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "zh-CN"
}

func otherLang(lang string) string {
	if lang == "en" {
		return "zh"
	}
	return "en"
}

// walkFiles lists the regular files under root of fsys, slash-separated and
// relative to root.
func walkFiles(fsys fs.FS, root string) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel := strings.TrimPrefix(p, root+"/")
			out = append(out, path.Clean(rel))
		}
		return nil
	})
	return out, err
}
