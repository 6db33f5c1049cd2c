package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"makerlink"
	"makerlink/api"
	"makerlink/store/storetest"
)

// engines are the stores every API test runs on. PostgreSQL is skipped
// when the local server is absent, and fails the run under CI=true.
var engines = []struct {
	name string
	open func(testing.TB) makerlink.Store
}{
	{"sqlite", func(tb testing.TB) makerlink.Store { return storetest.OpenSQLite(tb) }},
	{"postgres", func(tb testing.TB) makerlink.Store { return storetest.OpenPostgres(tb) }},
}

// forEachEngine runs fn as a subtest per engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, open func(testing.TB) makerlink.Store)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) { fn(t, e.open) })
	}
}

// clock is a settable clock for Config.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is an API server on a fresh store.
type env struct {
	t     *testing.T
	srv   *api.Server
	store makerlink.Store
	clock *clock
}

// newEnv starts an API on a fresh store of the engine. cfg may adjust the
// config (its Store, Now and PasswordCost are preset).
func newEnv(t *testing.T, open func(testing.TB) makerlink.Store, adjust ...func(*api.Config)) *env {
	t.Helper()
	st := open(t)
	clk := newClock()
	cfg := api.Config{Store: st, Now: clk.Now, PasswordCost: bcrypt.MinCost}
	for _, f := range adjust {
		f(&cfg)
	}
	return &env{t: t, srv: api.New(cfg), store: st, clock: clk}
}

// reply is a response read in full.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it can't.
func (r reply) JSON(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// Map decodes the body as an object.
func (r reply) Map(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// problem is the error body.
type problem struct {
	Type, Title, Code, Detail string
	Status                    int
	Errors                    []makerlink.FieldError
}

// Problem decodes a problem body, checking its media type.
func (r reply) Problem(t *testing.T) problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.Status, r.Body)
	}
	var p problem
	r.JSON(t, &p)
	if p.Status != r.Status || p.Code == "" || p.Title == "" || p.Type == "" || p.Detail == "" {
		t.Fatalf("incomplete problem %s for status %d", r.Body, r.Status)
	}
	return p
}

// req describes a request.
type req struct {
	method, path string
	body         any // string, []byte or a value to encode
	token        string
	header       map[string]string
}

func (e *env) do(r req) reply {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := e.srv.App().Test(hr, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// want fails the test unless the reply has the status (and, for errors,
// the problem code).
func (e *env) want(r reply, status int, code string) reply {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	if code != "" {
		if p := r.Problem(e.t); p.Code != code {
			e.t.Fatalf("code %q, want %q; body %s", p.Code, code, r.Body)
		}
	}
	return r
}

// account is a registered user with its token.
type account struct {
	User  makerlink.User
	Token string
	Email string
}

var emailSeq atomic.Int64

// register creates an account through the API.
func (e *env) register(roles ...makerlink.Role) account {
	e.t.Helper()
	email := fmt.Sprintf("Maker%d@Example.CN", emailSeq.Add(1))
	r := e.want(e.do(req{method: "POST", path: "/api/v1/auth/register", body: map[string]any{
		"email": email, "password": "correct horse 马", "name": "马小明", "roles": roles,
	}}), 201, "")
	var a struct {
		User  makerlink.User
		Token string
	}
	r.JSON(e.t, &a)
	return account{User: a.User, Token: a.Token, Email: strings.ToLower(email)}
}

// admin registers an account and makes it an administrator.
func (e *env) admin() account {
	e.t.Helper()
	a := e.register()
	if err := e.store.AddRole(context.Background(), a.User.ID, makerlink.RoleAdmin); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// sampleBody returns a valid create body for a kind, as a map.
func sampleBody(t *testing.T, k makerlink.Kind) map[string]any {
	t.Helper()
	for _, p := range storetest.SampleProfiles("") {
		if p.Kind() == k {
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"id", "owner_id", "version", "created_at", "updated_at"} {
				delete(m, f)
			}
			return m
		}
	}
	t.Fatalf("no sample for %s", k)
	return nil
}

// create makes a profile through the API and returns its id.
func (e *env) create(token string, k makerlink.Kind, body map[string]any) string {
	e.t.Helper()
	r := e.want(e.do(req{method: "POST", path: "/api/v1/" + k.Plural(), body: body, token: token}), 201, "")
	return r.Map(e.t)["id"].(string)
}

// stored returns the stored document and version of a profile, straight
// from the store.
func (e *env) stored(k makerlink.Kind, id string) (string, int64) {
	e.t.Helper()
	rec, err := e.store.FindProfileRecord(context.Background(), k, id)
	if err != nil {
		e.t.Fatalf("find %s %s: %v", k, id, err)
	}
	return string(rec.Doc), rec.Version
}
