package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"makerlink/search"
	"makerlink/seed"
	"makerlink/store/storetest"
)

// startMain runs a server like `makerlink serve` on a free port.
func startMain(t *testing.T, cfg Config) *Main {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	m := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler)}
	if err := m.Open(t.Context()); err != nil {
		_ = m.Close()
		t.Fatalf("open: %v", err)
	}
	return m
}

func call(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestServeDemoAndRestart boots the real server on the embedded default with
// demo data, signs in as a demo founder, creates a startup, finds it through
// search, restarts on the same data and checks nothing was lost and the demo
// data was not loaded twice. It runs on SQLite and on PostgreSQL.
func TestServeDemoAndRestart(t *testing.T) {
	engines := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"sqlite", func(*testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			cfg := Config{DataDir: t.TempDir(), DatabaseURL: e.url(t), Demo: true}
			m := startMain(t, cfg)
			base := "http://" + m.Addr()

			if code, _ := call(t, "GET", base+"/healthz", "", nil); code != 200 {
				t.Fatalf("healthz = %d", code)
			}
			if code, b := call(t, "GET", base+"/readyz", "", nil); code != 200 {
				t.Fatalf("readyz = %d %s", code, b)
			}
			var acct seed.DemoAccount
			for _, a := range seed.Generate(seed.Options{Seed: 1}).Accounts {
				if a.Role == "founder" {
					acct = a
					break
				}
			}
			code, b := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": acct.Email, "password": seed.DemoPassword})
			if code != 200 {
				t.Fatalf("demo login %s = %d %s", acct.Email, code, b)
			}
			var login struct{ Token string }
			_ = json.Unmarshal(b, &login)

			// The founder's demo startup has ranked investors with reasons.
			_, b = call(t, "GET", base+"/api/v1/me", login.Token, nil)
			var me struct {
				Profiles []struct{ Kind, ID string } `json:"profiles"`
			}
			_ = json.Unmarshal(b, &me)
			if len(me.Profiles) == 0 {
				t.Fatalf("demo founder owns no profiles: %s", b)
			}
			code, b = call(t, "GET", base+"/api/v1/startups/"+me.Profiles[0].ID+"/matches?kind=investor&limit=5", login.Token, nil)
			var matches struct {
				Items []struct {
					Score   float64
					Reasons []struct{ Code, ZH, EN string }
				}
			}
			_ = json.Unmarshal(b, &matches)
			if code != 200 || len(matches.Items) == 0 || len(matches.Items[0].Reasons) < 2 || matches.Items[0].Reasons[0].ZH == "" {
				t.Fatalf("matches of the demo startup: %d %s", code, b)
			}

			code, b = call(t, "POST", base+"/api/v1/startups", login.Token, map[string]any{
				"name": "贺兰山葡萄酒数字酒庄", "tagline": "Digital winery on the eastern foot of Helan Mountain",
				"sectors": []string{"modern_agriculture"}, "stage": "seed", "city": "银川", "funding_ask_cny": 3_000_000,
			})
			if code != 201 {
				t.Fatalf("create startup = %d %s", code, b)
			}
			var st struct{ ID string }
			_ = json.Unmarshal(b, &st)

			// The index follows the database: the new startup is searchable within a second or two.
			found := false
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !found; time.Sleep(100 * time.Millisecond) {
				_, b = call(t, "GET", base+"/api/v1/search?q=数字酒庄", "", nil)
				found = strings.Contains(string(b), st.ID)
			}
			if !found {
				t.Fatalf("new startup not found by search: %s", b)
			}
			_, b = call(t, "GET", base+"/api/v1/startups?limit=100", "", nil)
			var page struct{ Items []json.RawMessage }
			_ = json.Unmarshal(b, &page)
			if len(page.Items) != 100 {
				t.Fatalf("demo data: want a full page of startups, got %d", len(page.Items))
			}
			if err := m.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}

			// Restart on the same data: the startup and the demo data are there once.
			m2 := startMain(t, cfg)
			defer m2.Close()
			base = "http://" + m2.Addr()
			if code, b := call(t, "GET", base+"/api/v1/startups/"+st.ID, "", nil); code != 200 || !strings.Contains(string(b), "数字酒庄") {
				t.Fatalf("after restart: %d %s", code, b)
			}
			code, _ = call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": acct.Email, "password": seed.DemoPassword})
			if code != 200 {
				t.Fatalf("demo login after restart = %d", code)
			}
			_, b = call(t, "GET", base+"/api/v1/search?q=数字酒庄", "", nil)
			if !strings.Contains(string(b), st.ID) {
				t.Fatalf("search after restart lost the startup: %s", b)
			}

			// A second server on the same data directory stops at once with
			// a clear error, and the running one keeps its index.
			m3 := &Main{Config: cfg, Logger: slog.New(slog.DiscardHandler)}
			m3.Config.Addr = "127.0.0.1:0"
			err := m3.Open(t.Context())
			_ = m3.Close()
			if !errors.Is(err, search.ErrLocked) {
				t.Fatalf("second server on one data directory: err = %v, want %v", err, search.ErrLocked)
			}
			_, b = call(t, "GET", base+"/api/v1/search?q=数字酒庄", "", nil)
			if !strings.Contains(string(b), st.ID) {
				t.Fatalf("search after a second server tried the directory: %s", b)
			}
		})
	}
}

func TestCommandErrors(t *testing.T) {
	var out, errb bytes.Buffer
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"fly"}, `unknown command "fly"`},
		{[]string{"admin"}, "usage: makerlink admin create"},
		{[]string{"admin", "create", "--data", t.TempDir()}, "--email is required"},
		{[]string{"admin", "create", "--data", t.TempDir(), "--email", "a@b.cn", "--password", "short"}, "at least 8"},
		{[]string{"loadtest"}, "usage: makerlink loadtest http"},
	}
	for _, tt := range tests {
		err := run(context.Background(), tt.args, &out, &errb)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

func TestAdminCreate(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"admin", "create", "--data", dir, "--email", "Root@Example.CN", "--name", "Root", "--password", "long-enough-pw"}
	if err := run(t.Context(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "created admin root@example.cn") {
		t.Fatalf("output %q", out.String())
	}
	m := startMain(t, Config{DataDir: dir})
	defer m.Close()
	base := "http://" + m.Addr()
	code, b := call(t, "POST", base+"/api/v1/auth/login", "", map[string]string{"email": "root@example.cn", "password": "long-enough-pw"})
	if code != 200 {
		t.Fatalf("admin login = %d %s", code, b)
	}
	var login struct{ Token string }
	_ = json.Unmarshal(b, &login)
	_, b = call(t, "GET", base+"/api/v1/me", login.Token, nil)
	if !strings.Contains(string(b), `"admin"`) {
		t.Fatalf("/me of the new admin lacks the role: %s", b)
	}
	// Registration can never grant admin.
	code, _ = call(t, "POST", base+"/api/v1/auth/register", "", map[string]any{"email": "x@y.cn", "password": "long-enough-pw", "name": "x", "roles": []string{"admin"}})
	if code != 422 {
		t.Fatalf("self-granted admin: status %d, want 422", code)
	}
}

// TestRankCommand runs `makerlink rank` on the small synthetic fixtures of
// package crunchbase: K rows per query, ranks 1..K, and a malformed file
// named with its line in the error.
func TestRankCommand(t *testing.T) {
	dir := "../../matching/crunchbase/testdata/"
	args := []string{"rank", "--startups", dir + "startups.csv", "--investors", dir + "investors.csv",
		"--investments", dir + "investments.csv", "--queries", dir + "queries.csv", "--k", "2"}
	var out bytes.Buffer
	if err := run(t.Context(), args, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "startup_id,investor_id,rank,score" || len(lines) < 3 || (len(lines)-1)%2 != 0 {
		t.Fatalf("want a header and 2 rows per query, got:\n%s", out.String())
	}
	for i, l := range lines[1:] {
		if f := strings.Split(l, ","); len(f) != 4 || f[2] != []string{"1", "2"}[i%2] {
			t.Fatalf("row %q: want rank %d", l, i%2+1)
		}
	}
	args[6] = dir + "bad_date.csv"
	err := run(t.Context(), args, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "bad_date.csv:") {
		t.Fatalf("malformed CSV: got %v, want an error naming the file and line", err)
	}
}

// TestLoggerWritesDurationsAsText checks that operators reading the JSON
// log see "1.5s", not 1500000000, for a duration from any package.
func TestLoggerWritesDurationsAsText(t *testing.T) {
	var buf bytes.Buffer
	newLogger(&buf).Info("built", "took", 1500*time.Millisecond, "profiles", 3)
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("log line %q: %v", buf.String(), err)
	}
	if rec["took"] != "1.5s" || rec["profiles"] != float64(3) {
		t.Errorf("took = %#v, profiles = %#v; want \"1.5s\" and 3", rec["took"], rec["profiles"])
	}
}
