package search_test

import (
	"maps"
	"math"
	"testing"
	"time"

	"makerlink/search"
)

// TestExecMatchesBleve checks that the query executor finds, counts,
// facets, scores and orders the hits exactly as Bleve's searchers do, on
// an index of many segments with updated and deleted documents, for
// viewers who see different documents, over the relevance set's queries
// with and without filters and on later pages.
func TestExecMatchesBleve(t *testing.T) {
	idx, viewers := churnedIndex(t)
	t.Logf("%d segments", search.SegmentCountForTest(idx))
	var queries []search.Query
	for _, rq := range relevanceSet {
		queries = append(queries, search.Query{Q: rq.q})
	}
	queries = append(queries,
		search.Query{Q: "new energy", Kinds: []string{"startup"}, Cities: []string{"银川"}},
		search.Query{Q: "枸杞", Kinds: []string{"startup", "investor"}, Limit: 5, Offset: 5},
		search.Query{Q: "银川", Sectors: []string{"new_energy", "biotech"}, Facets: []string{"sector"}},
		search.Query{Q: "yinchuan", Limit: 100},
		search.Query{Q: "光伏 储能", Offset: 3, Limit: 7},
		search.Query{Kinds: []string{"equipment"}, Cities: []string{"银川"}},
		search.Query{Kinds: []string{"startup"}, Offset: 20},
		search.Query{Q: "angel investor", Facets: []string{}},
		// few documents have every word: the relaxed second pass
		search.Query{Q: "枸杞 无人机 机器人"},
		search.Query{Q: "hydrogen wolfberry"},
		search.Query{Q: "贺兰山 光伏 石墨烯 wine", Kinds: []string{"startup"}},
	)
	ran, fellBack := 0, 0
	for vname, v := range viewers {
		for _, q := range queries {
			q.Viewer = v
			// Bleve's average field length counts the distinct terms of
			// every segment, so it moves when the merger (running in the
			// background) merges segments: compare on a steady index, i.e.
			// when Bleve answers the same before and after the executor
			var want, got *search.Result
			executed := false
			for try := 0; ; try++ {
				search.SetBleveExecForTest(idx, true)
				want = mustSearch(t, idx, q)
				search.SetBleveExecForTest(idx, false)
				runs, bruns := search.ExecRunsForTest(), search.BleveRunsForTest()
				got = mustSearch(t, idx, q)
				executed = search.ExecRunsForTest() > runs
				if b := search.BleveRunsForTest() - bruns; b > 0 && try == 0 {
					fellBack++
					t.Logf("%s %+v: %d pass(es) ran on Bleve", vname, q, b)
				}
				search.SetBleveExecForTest(idx, true)
				again := mustSearch(t, idx, q)
				if sameScores(want, again) || try == 20 {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if executed {
				ran++
			}
			name := vname + " " + q.Q
			if got.Total != want.Total {
				t.Errorf("%s %+v: total %d, Bleve %d", vname, q, got.Total, want.Total)
			}
			for f, w := range want.Facets {
				if !maps.Equal(got.Facets[f], w) {
					t.Errorf("%s: facet %s = %v, Bleve %v", name, f, got.Facets[f], w)
				}
			}
			if len(got.Hits) != len(want.Hits) {
				t.Errorf("%s: %d hits, Bleve %d", name, len(got.Hits), len(want.Hits))
				continue
			}
			for i := range want.Hits {
				g, w := got.Hits[i], want.Hits[i]
				if math.Abs(g.Score-w.Score) > 1e-9*math.Max(1, math.Abs(w.Score)) {
					t.Errorf("%s: hit %d scores %v, Bleve %v", name, i, g.Score, w.Score)
				}
				// equal scores may come in either order only when they differ
				// in the last bits of the sum
				if g.ID != w.ID && !(math.Abs(g.Score-w.Score) <= 1e-9) {
					t.Errorf("%s: hit %d is %s/%s, Bleve %s/%s", name, i, g.Kind, g.ID, w.Kind, w.ID)
				}
				if g.ID == w.ID && (g.Title != w.Title || g.Snippet != w.Snippet) {
					t.Errorf("%s: hit %d title/snippet %q/%q, Bleve %q/%q", name, i, g.Title, g.Snippet, w.Title, w.Snippet)
				}
			}
		}
	}
	search.SetBleveExecForTest(idx, false)
	// most queries run on the executor (phrases of unknown words, typos
	// and relaxed second passes run on Bleve)
	if total := len(viewers) * len(queries); ran < total*3/4 {
		t.Errorf("the executor ran %d of %d searches", ran, total)
	}
	t.Logf("the executor ran %d of %d searches, %d had a pass on Bleve", ran, len(viewers)*len(queries), fellBack)
}

func sameScores(a, b *search.Result) bool {
	if a.Total != b.Total || len(a.Hits) != len(b.Hits) {
		return false
	}
	for i := range a.Hits {
		if a.Hits[i].ID != b.Hits[i].ID || a.Hits[i].Score != b.Hits[i].Score {
			return false
		}
	}
	return true
}
