package search_test

import (
	"context"
	"maps"
	"testing"

	"makerlink"
	"makerlink/search"
)

// TestFacetCountsMatchBleve checks that the facet counts read from the
// segment tables equal those of Bleve's facet builder, on an index of
// many segments with updated and deleted documents, for viewers who see
// different documents.
func TestFacetCountsMatchBleve(t *testing.T) {
	idx, viewers := churnedIndex(t)
	queries := []search.Query{
		{Q: "银川"},
		{Q: "枸杞"},
		{Q: "new energy", Kinds: []string{"startup"}},
		{Q: "yinchuan"},
		{Q: "incubtor"},
		{Kinds: []string{"equipment"}, Cities: []string{"银川"}},
		{Kinds: []string{"startup"}},
		{Q: "光伏 储能", Facets: []string{"sector", "city"}},
	}
	// the executor counts small hit sets per hit and large ones with a
	// bitmap per facet value: both ways
	for _, bitmaps := range []bool{false, true} {
		search.SetFacetBitmapsForTest(bitmaps, false)
		compareFacets(t, idx, viewers, queries)
	}
	search.SetFacetBitmapsForTest(false, true)
}

func compareFacets(t *testing.T, idx *search.Index, viewers map[string]*makerlink.User, queries []search.Query) {
	t.Helper()
	for vname, v := range viewers {
		for _, q := range queries {
			q.Viewer = v
			search.SetBleveFacetsForTest(idx, true)
			want, err := idx.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			search.SetBleveFacetsForTest(idx, false)
			got, err := idx.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != want.Total {
				t.Errorf("%s %+v: total %d, Bleve %d", vname, q, got.Total, want.Total)
			}
			for name, w := range want.Facets {
				if !maps.Equal(got.Facets[name], w) {
					t.Errorf("%s %q: facet %s = %v, Bleve %v", vname, q.Q, name, got.Facets[name], w)
				}
			}
		}
	}
}

// TestSearchCache checks that a cached result never outlives a change to
// the index and is not shared between viewers who see different things.
func TestSearchCache(t *testing.T) {
	idx := openFixtures(t, search.TextWords)
	ctx := context.Background()
	q := search.Query{Q: "枸杞"}
	first := mustSearch(t, idx, q)
	again := mustSearch(t, idx, q)
	if again.Total != first.Total || len(again.Hits) != len(first.Hits) {
		t.Fatalf("repeat: %d hits, first %d", again.Total, first.Total)
	}
	again.Hits[0].Title = "changed by the caller"
	again.Facets["kind"]["x"] = 1
	if r := mustSearch(t, idx, q); r.Hits[0].Title == "changed by the caller" || r.Facets["kind"]["x"] == 1 {
		t.Error("a caller's change to a result reached the cache")
	}
	// a new profile is found at once, though the query was cached
	p := &makerlink.Startup{Meta: meta("s-goji2", ownerB), Name: "枸杞新秀", Tagline: "枸杞", City: "中卫", Visibility: "public"}
	if err := idx.Index(p); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, idx, q); r.Total != first.Total+1 {
		t.Errorf("after an insert: total %d, want %d", r.Total, first.Total+1)
	}
	if err := idx.Delete(makerlink.KindStartup, "s-goji2"); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, idx, q); r.Total != first.Total {
		t.Errorf("after a delete: total %d, want %d", r.Total, first.Total)
	}
	// an investors-only startup: its owner sees it, anonymous users do not,
	// whatever was cached before
	hidden := &makerlink.Startup{Meta: meta("s-hidden2", ownerB), Name: "隐身枸杞", Tagline: "枸杞", City: "中卫", Visibility: makerlink.VisibilityInvestors}
	if err := idx.Index(hidden); err != nil {
		t.Fatal(err)
	}
	owner := &makerlink.User{ID: ownerB, Roles: []makerlink.Role{makerlink.RoleFounder}}
	other := &makerlink.User{ID: ownerA, Roles: []makerlink.Role{makerlink.RoleFounder}}
	for i := 0; i < 2; i++ { // the second round comes from the cache
		for _, c := range []struct {
			name   string
			viewer *makerlink.User
			sees   bool
		}{{"owner", owner, true}, {"anonymous", nil, false}, {"other founder", other, false}} {
			r, err := idx.Search(ctx, search.Query{Q: "枸杞", Viewer: c.viewer, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, h := range r.Hits {
				found = found || h.ID == "s-hidden2"
			}
			if found != c.sees {
				t.Errorf("round %d, %s: sees hidden startup = %v", i, c.name, found)
			}
		}
	}
}
