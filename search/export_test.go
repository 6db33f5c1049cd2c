package search

import (
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// SetCacheForTest turns the result cache of x on or off (benchmarks
// measure both).
func SetCacheForTest(x *Index, on bool) {
	if on {
		x.cache = newResultCache(cacheSize)
	} else {
		x.cache = nil
	}
}

// SegmentCountForTest returns the number of segments of x.
func SegmentCountForTest(x *Index) int { return x.segmentCount() }

// SetBleveFacetsForTest makes x count facets with Bleve's facet builder
// instead of its own tables.
func SetBleveFacetsForTest(x *Index, on bool) { x.bleveFacets = on }

// SetBleveExecForTest makes x run every query with Bleve's searchers
// instead of its own executor.
func SetBleveExecForTest(x *Index, on bool) { x.bleveExec = on }

// ClearTermTablesForTest drops the decoded term tables of every index
// (benchmarks of the cold cost).
func ClearTermTablesForTest() { segTermCache.clear() }

// ExecRunsForTest returns the number of searches the executor ran.
func ExecRunsForTest() int64 { return execRuns.Load() }

// BleveRunsForTest returns the number of searches run by Bleve.
func BleveRunsForTest() int64 { return bleveRuns.Load() }

// SetFacetBitmapsForTest makes facets be counted with bitmaps always (on)
// or never (off), or as in production (restore).
func SetFacetBitmapsForTest(on bool, restore bool) {
	switch {
	case restore:
		facetBitmapsAbove, facetBitmapsDensity = 0, 24
	case on:
		facetBitmapsAbove, facetBitmapsDensity = 0, 1<<30
	default:
		facetBitmapsAbove = 1 << 62
	}
}

// TermTablesForTest returns the number and size in bytes of the decoded
// term tables held.
func TermTablesForTest() (n, bytes int) {
	segTermCache.mu.Lock()
	defer segTermCache.mu.Unlock()
	return segTermCache.ll.Len(), segTermCache.size
}

// WarmTermTablesForTest decodes the tables of the frequent terms of every
// segment of x, as the first search meeting them does in the background,
// and waits for it (the first search then does not).
func WarmTermTablesForTest(x *Index) error {
	bi, release, err := x.current()
	if err != nil {
		return err
	}
	defer release()
	adv, err := bi.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		r.Close()
		return nil
	}
	segTermCache.claimWarm(snap.Segments()) // no warm-up in the background
	var segs []segment.Segment
	for _, s := range snap.Segments() {
		segs = append(segs, s.Segment())
	}
	bm25 := false
	if im, ok := bi.Mapping().(*mapping.IndexMappingImpl); ok {
		bm25 = im.ScoringModel == index.BM25Scoring
	}
	segTermCache.warm(snap, segs, bm25)
	return nil
}

// ReloadSuggestionsForTest fills the suggestions of x again from its
// stored fields, as opening the index does, and returns the number of
// keys and their approximate size in bytes.
func ReloadSuggestionsForTest(x *Index) (keys, bytes int, err error) {
	bi, _, release, err := x.currentGen()
	if err != nil {
		return 0, 0, err
	}
	s, err := loadSuggester(bi)
	release()
	if err != nil {
		return 0, 0, err
	}
	x.mu.Lock()
	x.sug = s
	x.mu.Unlock()
	return len(s.keys) + len(s.delta), s.bytes(), nil
}

// SetBuildMemoryForTest sets the bytes of runs a full build holds before
// it writes a part, and returns a function that restores it.
func SetBuildMemoryForTest(n int) (restore func()) {
	old := buildMemory
	buildMemory = n
	return func() { buildMemory = old }
}
