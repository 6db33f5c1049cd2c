package search_test

import (
	"context"
	"reflect"
	"testing"

	"makerlink/search"
	"makerlink/seed"
)

// TestWarmKeepsResults checks that warming the term tables of the
// frequent terms (what the first search meeting a large segment starts in
// the background) changes no result: hits, scores, order, totals and
// facets are those of a search that decoded its own terms.
func TestWarmKeepsResults(t *testing.T) {
	idx := indexAll(t, t.TempDir(), seed.Generate(seed.Options{Seed: 1}).Profiles, 500)
	defer idx.Close()
	if err := idx.Compact(context.Background()); err != nil { // one steady segment
		t.Fatal(err)
	}
	search.SetCacheForTest(idx, false)
	queries := []search.Query{
		{Q: "new energy", Kinds: []string{"startup"}, Cities: []string{"银川"}},
		{Q: "枸杞"},
		{Q: "光伏 储能", Offset: 3, Limit: 7},
		{Q: "yinchuan"},
		{Q: "incubtor"},
		{Q: "angel investor", Facets: []string{}},
		{Kinds: []string{"equipment"}, Cities: []string{"银川"}},
	}
	for _, q := range queries {
		search.ClearTermTablesForTest()
		cold := mustSearch(t, idx, q)
		search.ClearTermTablesForTest()
		if err := search.WarmTermTablesForTest(idx); err != nil {
			t.Fatal(err)
		}
		if n, _ := search.TermTablesForTest(); n == 0 {
			t.Fatal("the warm-up decoded no term table")
		}
		if warm := mustSearch(t, idx, q); !reflect.DeepEqual(cold, warm) {
			t.Errorf("%+v: after the warm-up\n got %+v\nwant %+v", q, warm, cold)
		}
	}
}
