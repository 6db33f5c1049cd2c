package search_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"makerlink"
	"makerlink/search"
	"makerlink/seed"
)

// openFixtures opens a new index in a temporary directory holding the
// fixtures.
func openFixtures(tb testing.TB, mode search.TextMode) *search.Index {
	tb.Helper()
	idx, err := search.Open(tb.TempDir(), search.Options{Mode: mode})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { idx.Close() })
	b := idx.NewBatch()
	for _, p := range fixtures() {
		if err := b.Put(p); err != nil {
			tb.Fatal(err)
		}
	}
	if err := b.Commit(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return idx
}

func ids(r *search.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func mustSearch(t *testing.T, idx *search.Index, q search.Query) *search.Result {
	t.Helper()
	r, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}

func TestSearchFindsAcrossLanguages(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	tests := []struct {
		q     string
		first string   // expected top hit ("" = no check)
		has   []string // must be among the hits
		not   []string // must not be among the hits
	}{
		{q: "枸杞", first: "s-goji", has: []string{"i-angel", "m-li", "e-ms"}},
		{q: "杞", has: []string{"s-goji"}},
		{q: "景点", first: "s-tour", not: []string{"s-film"}},
		{q: "经典", first: "s-film", not: []string{"s-tour"}},
		{q: "新能源", has: []string{"s-solar", "s-hydrogen", "i-fund"}},
		{q: "new energy", has: []string{"s-solar", "s-hydrogen", "i-fund"}},
		{q: "new_energy", has: []string{"s-solar", "s-hydrogen", "i-fund"}},
		{q: "孵化器", first: "sp-inc"},
		{q: "incubator", first: "sp-inc"},
		{q: "天使投资", has: []string{"i-angel", "s-goji"}},
		{q: "yinchuan", has: []string{"s-robot", "s-solar"}},
		{q: "nxdx", has: []string{"sp-nxu", "e-sem"}},
		{q: "robtics", first: "s-robot"},
		{q: "宁夏大学", has: []string{"sp-nxu", "m-li", "e-sem"}},
		{q: "学科", first: "m-zhao"}, // 学科 is a word of 材料学科, not of 宁夏大学科技园
		{q: "光伏 储能", first: "s-solar"},
		// counties as people write them, without 县/区: 中宁县 is in s-goji's
		// description; 宁东 (s-solar) shares only a character
		{q: "中宁", first: "s-goji", not: []string{"s-solar"}},
		{q: "中宁县", first: "s-goji", not: []string{"s-solar"}},
	}
	for _, tt := range tests {
		r := mustSearch(t, idx, search.Query{Q: tt.q})
		got := ids(r)
		if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
			t.Errorf("%q: got %v, want %s first", tt.q, got, tt.first)
		}
		for _, id := range tt.has {
			if !slices.Contains(got, id) {
				t.Errorf("%q: got %v, want %s among them", tt.q, got, id)
			}
		}
		for _, id := range tt.not {
			if slices.Contains(got, id) {
				t.Errorf("%q: got %v, must not contain %s", tt.q, got, id)
			}
		}
	}
}

func TestSearchVisibility(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	investor := &makerlink.User{ID: "u-inv", Roles: []makerlink.Role{makerlink.RoleInvestor}}
	owner := &makerlink.User{ID: ownerA, Roles: []makerlink.Role{makerlink.RoleFounder}}
	other := &makerlink.User{ID: ownerB, Roles: []makerlink.Role{makerlink.RoleFounder}}
	admin := &makerlink.User{ID: "u-admin", Roles: []makerlink.Role{makerlink.RoleAdmin}}
	tests := []struct {
		name   string
		viewer *makerlink.User
		sees   bool
	}{
		{"anonymous", nil, false},
		{"other founder", other, false},
		{"owner", owner, true},
		{"investor", investor, true},
		{"admin", admin, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, q := range []search.Query{
				{Q: "固态锂电池", Viewer: tt.viewer},
				{Q: "隐形", Viewer: tt.viewer},
				{Kinds: []string{"startup"}, Stages: []string{"seed"}, Viewer: tt.viewer},
			} {
				r := mustSearch(t, idx, q)
				if got := slices.Contains(ids(r), "s-stealth"); got != tt.sees {
					t.Errorf("%+v: sees stealth startup = %v, want %v", q, got, tt.sees)
				}
			}
			// counts and facets never reveal it either
			r := mustSearch(t, idx, search.Query{Kinds: []string{"startup"}, Viewer: tt.viewer})
			want := 15
			if !tt.sees {
				want = 14
			}
			if int(r.Total) != want || r.Facets["kind"]["startup"] != want {
				t.Errorf("total %d, facet %d, want %d", r.Total, r.Facets["kind"]["startup"], want)
			}
		})
	}
}

func TestSearchFiltersAndFacets(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	r := mustSearch(t, idx, search.Query{Q: "银川", Kinds: []string{"startups"}, Sectors: []string{"new_energy"}})
	if got := ids(r); !slices.Equal(got, []string{"s-hydrogen", "s-solar"}) && !slices.Equal(got, []string{"s-solar", "s-hydrogen"}) {
		t.Errorf("filtered hits = %v", got)
	}
	r = mustSearch(t, idx, search.Query{Q: "宁夏", Cities: []string{"Yinchuan"}})
	for _, h := range r.Hits {
		if h.ID == "sp-acc" {
			t.Errorf("city filter let through %s", h.ID)
		}
	}
	if r.Facets["city"]["银川"] != int(r.Total) {
		t.Errorf("city facet %v, total %d", r.Facets["city"], r.Total)
	}
	// a county typed as the city filters by its city
	for _, c := range []string{"中宁县", "中宁", "中卫"} {
		if got := ids(mustSearch(t, idx, search.Query{Q: "枸杞", Cities: []string{c}})); !slices.Contains(got, "s-goji") {
			t.Errorf("city %s: hits %v lack s-goji (中卫)", c, got)
		}
	}
	r = mustSearch(t, idx, search.Query{Kinds: []string{"equipment"}})
	if r.Total != 5 || r.Facets["kind"]["equipment"] != 5 || len(r.Facets["kind"]) != 1 {
		t.Errorf("equipment browse: total %d facets %v", r.Total, r.Facets)
	}
	for _, name := range search.FacetNames {
		if r.Facets[name] == nil {
			t.Errorf("facet %s missing", name)
		}
	}
	// paging
	all := mustSearch(t, idx, search.Query{Q: "银川", Limit: 100})
	p2 := mustSearch(t, idx, search.Query{Q: "银川", Limit: 3, Offset: 3})
	if all.Total != p2.Total || !slices.Equal(ids(all)[3:6], ids(p2)) {
		t.Errorf("page 2 = %v, want %v", ids(p2), ids(all)[3:6])
	}
	// facets on request only
	r = mustSearch(t, idx, search.Query{Q: "银川", Facets: []string{"sector"}})
	if len(r.Facets["sector"]) == 0 || len(r.Facets["kind"]) != 0 {
		t.Errorf("facets = %v", r.Facets)
	}
}

func TestSearchSnippetAndTitle(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	r := mustSearch(t, idx, search.Query{Q: "碳化硅"})
	if len(r.Hits) == 0 {
		t.Fatal("no hits")
	}
	h := r.Hits[0]
	if h.Title != "石嘴山碳化硅新材料" || h.Kind != makerlink.KindStartup || !strings.Contains(h.Snippet, "<mark>碳化硅</mark>") {
		t.Errorf("hit = %+v", h)
	}
	r = mustSearch(t, idx, search.Query{Q: "robots <b>"})
	if len(r.Hits) == 0 || !strings.Contains(r.Hits[0].Snippet, "<mark>robot") {
		t.Errorf("hits = %+v", r.Hits)
	}
}

func TestSearchBadQueries(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	bad := []search.Query{
		{Q: ""},
		{Q: "   "},
		{Q: strings.Repeat("宁", 10000)},
		{Q: "ok\x00"},
		{Q: "bad\xff"},
		{Q: "x", Facets: []string{"price"}},
		{Q: "x", Kinds: []string{"unicorn"}},
		{Q: "x", Sectors: []string{"space_mining"}},
		{Q: "x", Stages: []string{"ipo"}},
		{Q: "x", Offset: -1},
		{Q: "x", Offset: 1 << 40},
		{Q: "x", Limit: -5},
	}
	for _, q := range bad {
		_, err := idx.Search(context.Background(), q)
		var e *makerlink.Error
		if !errors.As(err, &e) || e.Code != makerlink.EBadRequest {
			t.Errorf("Search(%.40q...): err = %v, want bad_request", q.Q, err)
		}
	}
	empty := []string{"*:*", `"unbalanced`, `"`, "((((", "+-&|!(){}[]^~*?:\\/", "AND OR NOT", "…，。"}
	for _, s := range empty {
		done := make(chan struct{})
		go func() {
			defer close(done)
			r, err := idx.Search(context.Background(), search.Query{Q: s})
			if err != nil {
				t.Errorf("Search(%q): %v", s, err)
				return
			}
			if s == `"unbalanced` {
				return
			}
			if r.Total != 0 || len(r.Hits) != 0 || r.Hits == nil {
				t.Errorf("Search(%q) = %d hits, want an empty result", s, r.Total)
			}
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("Search(%q) hangs", s)
		}
	}
	// a limit above the maximum is lowered, not refused
	r := mustSearch(t, idx, search.Query{Q: "银川", Limit: 1000})
	if len(r.Hits) > search.MaxLimit {
		t.Errorf("%d hits", len(r.Hits))
	}
}

func TestSuggest(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	tests := []struct {
		q    string
		want string
	}{
		{"宁夏大", "sp-nxu"},
		{"科技园", "sp-nxu"},
		{"nxdx", "sp-nxu"},
		{"ningxiada", "sp-nxu"},
		{"Helan", "s-wine"},
		{"wine", "s-wine"},
		{"yinchuan rob", "s-robot"},
		{"枸", "s-goji"},
		{"sdz", ""},
	}
	for _, tt := range tests {
		got, err := idx.Suggest(context.Background(), tt.q, nil)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", tt.q, err)
		}
		if len(got) > search.MaxSuggestions {
			t.Errorf("Suggest(%q): %d suggestions", tt.q, len(got))
		}
		var gotIDs []string
		for _, s := range got {
			gotIDs = append(gotIDs, s.ID)
			if s.Title == "" || s.Kind == "" {
				t.Errorf("Suggest(%q): incomplete %+v", tt.q, s)
			}
		}
		if tt.want == "" {
			if len(got) != 0 {
				t.Errorf("Suggest(%q) = %v, want none", tt.q, gotIDs)
			}
			continue
		}
		if !slices.Contains(gotIDs, tt.want) {
			t.Errorf("Suggest(%q) = %v, want %s", tt.q, gotIDs, tt.want)
		}
	}
	// investors-only names are not suggested to the public
	if got, _ := idx.Suggest(context.Background(), "隐形", nil); len(got) != 0 {
		t.Errorf("hidden startup suggested: %+v", got)
	}
	if got, _ := idx.Suggest(context.Background(), "隐形", &makerlink.User{ID: ownerA}); len(got) != 1 {
		t.Errorf("owner does not get own startup: %+v", got)
	}
	if got, err := idx.Suggest(context.Background(), strings.Repeat("a", 10000), nil); err == nil || len(got) != 0 {
		t.Errorf("long suggest: %v %v", got, err)
	}
}

func TestIndexUpdateAndDelete(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	s := fixtures()[0].(*makerlink.Startup)
	s.Name = "枸杞原浆工坊"
	if err := idx.Index(s); err != nil {
		t.Fatal(err)
	}
	r := mustSearch(t, idx, search.Query{Q: "原浆工坊"})
	if got := ids(r); len(got) == 0 || got[0] != s.ID {
		t.Errorf("after update: %v", got)
	}
	if err := idx.Delete(makerlink.KindStartup, s.ID); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, idx, search.Query{Q: "原浆工坊"}); slices.Contains(ids(r), s.ID) {
		t.Errorf("deleted profile still found")
	}
}

// TestFacetCountsMatchFilters: the count a facet shows next to a query is
// what a click on it gets. The looser queries (typos, half of the words)
// that run when a query finds few documents must decide on the unfiltered
// total, or a facet of 4 opens 9 results, most of them off-topic.
func TestFacetCountsMatchFilters(t *testing.T) {
	idx, err := search.Open(t.TempDir(), search.Options{Mode: search.TextWords})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	b := idx.NewBatch()
	for _, p := range seed.Generate(seed.Options{Seed: 1}).Profiles {
		if err := b.Put(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, q := range []string{"新能源", "枸杞", "粗体", "储能 电池", "宁夏大学", "solar", "检测"} {
		all := mustSearch(t, idx, search.Query{Q: q})
		for facet, counts := range all.Facets {
			for v, n := range counts {
				f := search.Query{Q: q, Limit: 1}
				switch facet {
				case "kind":
					f.Kinds = []string{v}
				case "sector":
					f.Sectors = []string{v}
				case "stage":
					f.Stages = []string{v}
				case "city":
					f.Cities = []string{v}
				default:
					continue
				}
				checked++
				if got := mustSearch(t, idx, f).Total; got != uint64(n) {
					t.Errorf("%q: facet %s=%s shows %d, the filter finds %d (unfiltered total %d)", q, facet, v, n, got, all.Total)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d facet values checked", checked)
	}
}
