package api_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"makerlink"
	"makerlink/api"
	"makerlink/search"
)

// withSearch gives the API a search index that follows its store.
func withSearch(t *testing.T) func(*api.Config) {
	return func(cfg *api.Config) {
		idx, err := search.Open(t.TempDir(), search.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		sy := search.NewSyncer(idx, cfg.Store, search.SyncOptions{Interval: 20 * time.Millisecond})
		done := make(chan struct{})
		go func() { defer close(done); sy.Run(ctx) }()
		t.Cleanup(func() { cancel(); <-done; idx.Close() })
		cfg.Search = idx
	}
}

type searchReply struct {
	Total  int
	Hits   []makerlink.SearchHit
	Facets map[string]map[string]int
}

func (e *env) search(token, query string) searchReply {
	e.t.Helper()
	var r searchReply
	e.want(e.do(req{method: "GET", path: "/api/v1/search?" + query, token: token}), 200, "").JSON(e.t, &r)
	return r
}

// eventually polls a search until ok or a generous deadline (the index
// follows the store within a poll interval).
func (e *env) eventually(token, query string, ok func(searchReply) bool) searchReply {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := e.search(token, query)
		if ok(r) || time.Now().After(deadline) {
			return r
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSearchAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) makerlink.Store) {
		e := newEnv(t, open, withSearch(t))
		founder := e.register(makerlink.RoleFounder)
		other := e.register(makerlink.RoleFounder)
		investor := e.register(makerlink.RoleInvestor)

		pub := sampleBody(t, makerlink.KindStartup)
		pub["name"] = "塞上光伏储能"
		pub["sectors"] = []string{"new_energy"}
		pubID := e.create(founder.Token, makerlink.KindStartup, pub)
		hidden := sampleBody(t, makerlink.KindStartup)
		hidden["name"] = "隐形储能实验室"
		hidden["sectors"] = []string{"new_energy"}
		hidden["visibility"] = "investors"
		hiddenID := e.create(founder.Token, makerlink.KindStartup, hidden)

		q := "q=" + url.QueryEscape("储能")
		r := e.eventually(investor.Token, q, func(r searchReply) bool { return r.Total == 2 })
		if r.Total != 2 {
			t.Fatalf("investor sees %d hits, want 2: %+v", r.Total, r)
		}
		for _, tc := range []struct {
			name, token string
			want        int
		}{{"anonymous", "", 1}, {"other founder", other.Token, 1}, {"owner", founder.Token, 2}, {"investor", investor.Token, 2}} {
			r := e.search(tc.token, q+"&kind=startup&sector=new_energy")
			if r.Total != tc.want || r.Facets["kind"]["startup"] != tc.want || r.Facets["sector"]["new_energy"] != tc.want {
				t.Errorf("%s: total %d facets %v, want %d", tc.name, r.Total, r.Facets, tc.want)
			}
			for _, h := range r.Hits {
				if h.ID == hiddenID && tc.want == 1 {
					t.Errorf("%s sees the investors-only startup", tc.name)
				}
			}
		}
		r = e.search("", "q="+url.QueryEscape("new energy"))
		if len(r.Hits) != 1 || r.Hits[0].ID != pubID || r.Hits[0].Title != "塞上光伏储能" || r.Hits[0].Kind != makerlink.KindStartup {
			t.Errorf("new energy: %+v", r.Hits)
		}
		for _, f := range []string{"kind", "sector", "stage", "city"} {
			if r.Facets[f] == nil {
				t.Errorf("facet %s missing: %v", f, r.Facets)
			}
		}

		// updates and deletes through the API reach the index
		e.want(e.do(req{method: "DELETE", path: "/api/v1/startups/" + pubID, token: founder.Token}), 204, "")
		r = e.eventually("", q, func(r searchReply) bool { return r.Total == 0 })
		if r.Total != 0 {
			t.Errorf("deleted startup still found: %+v", r)
		}

		var sugg []makerlink.Suggestion
		e.want(e.do(req{method: "GET", path: "/api/v1/search/suggest?q=" + url.QueryEscape("隐形"), token: founder.Token}), 200, "").JSON(t, &sugg)
		if len(sugg) != 1 || sugg[0].ID != hiddenID {
			t.Errorf("owner's suggestions: %+v", sugg)
		}
		e.want(e.do(req{method: "GET", path: "/api/v1/search/suggest?q=" + url.QueryEscape("隐形")}), 200, "").JSON(t, &sugg)
		if len(sugg) != 0 {
			t.Errorf("anonymous suggestions reveal a hidden startup: %+v", sugg)
		}
	})
}

func TestSearchAPIBadQueries(t *testing.T) {
	e := newEnv(t, engines[0].open, withSearch(t))
	bad := []string{
		"",
		"q=",
		"q=" + strings.Repeat("a", 201),
		"q=" + url.QueryEscape(strings.Repeat("宁", 300)),
		"q=%01abc",
		"q=%FF",
		"q=x&facets=price",
		"q=x&kind=unicorn",
		"q=x&sector=space",
		"q=x&limit=0",
		"q=x&limit=1000",
		"q=x&limit=ten",
		"q=x&offset=-1",
		"q=x&offset=99999999",
	}
	for _, q := range bad {
		r := e.do(req{method: "GET", path: "/api/v1/search?" + q})
		if r.Status != 400 {
			t.Errorf("%.60s: status %d, want 400: %s", q, r.Status, r.Body)
			continue
		}
		if p := r.Problem(t); p.Code != makerlink.EBadRequest {
			t.Errorf("%.60s: code %s", q, p.Code)
		}
	}
	for _, q := range []string{`*:*`, `"unbalanced`, `((((`, `a:b OR c:d`, `\`, `'; DROP TABLE profiles; --`} {
		r := e.search("", "q="+url.QueryEscape(q))
		if r.Total != 0 || r.Hits == nil {
			t.Errorf("%q: %+v, want an empty result", q, r)
		}
	}
	for _, q := range []string{"", "q=" + strings.Repeat("a", 1000)} {
		r := e.do(req{method: "GET", path: "/api/v1/search/suggest?" + q})
		if r.Status != 200 && r.Status != 400 {
			t.Errorf("suggest %.40s: status %d", q, r.Status)
		}
	}
	// facets= (empty) means none
	r := e.search("", "kind=startup&facets=")
	if len(r.Facets["kind"]) != 0 {
		t.Errorf("facets= counted %v", r.Facets)
	}
}

// TestSearchAPIHugeQuery sends 10,000-character queries to a listening
// server: they are refused with a 4xx (431 when the URL exceeds the
// server's header buffer), never a 500 or a hang.
func TestSearchAPIHugeQuery(t *testing.T) {
	e := newEnv(t, engines[0].open, withSearch(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.Listener(ln)
	t.Cleanup(func() { e.srv.Shutdown(context.Background()) })
	client := &http.Client{Timeout: 10 * time.Second}
	for _, q := range []string{strings.Repeat("a", 10000), strings.Repeat("宁", 10000), strings.Repeat("\"", 10000)} {
		for _, path := range []string{"/api/v1/search?q=", "/api/v1/search/suggest?q="} {
			resp, err := client.Get("http://" + ln.Addr().String() + path + url.QueryEscape(q))
			if err != nil {
				t.Fatalf("GET %s (%d chars): %v", path, len(q), err)
			}
			resp.Body.Close()
			if resp.StatusCode < 400 || resp.StatusCode > 499 {
				t.Errorf("GET %s with %d bytes: status %d, want 4xx", path, len(q), resp.StatusCode)
			}
		}
	}
}

func TestSearchAPIWithoutIndex(t *testing.T) {
	e := newEnv(t, engines[0].open)
	e.want(e.do(req{method: "GET", path: "/api/v1/search?q=x"}), 503, makerlink.EUnavailable)
	e.want(e.do(req{method: "GET", path: "/api/v1/search/suggest?q=x"}), 503, makerlink.EUnavailable)
}
