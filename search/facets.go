package search

import (
	"context"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facet counting without Bleve's facet builder. Bleve counts a facet by
// reading the doc values of every hit, which decompresses the doc value
// chunks of the facet field again in every search: for a broad query that
// was most of its cost. Here the facet values of each index segment are
// read once, into a small in-memory table (segments never change; new
// documents arrive in new segments), and a search counts the facet values
// of its hits from the tables of the segments they are in. The hits are
// the documents that match the whole query, filters and visibility
// included, so the counts obey the same rules as the hits.

// segFacets holds the facet values of the documents of one segment:
// codes[start[d]:start[d+1]] index terms for local document d.
type segFacets struct {
	terms []string
	start []uint32
	codes []uint16

	bmOnce sync.Once
	bms    [][]uint64 // the documents of each term as bitsets, built on first use
}

// bitsets returns the documents of each facet term of the segment as
// bitsets of the segment (bit d%64 of word d/64).
func (t *segFacets) bitsets() [][]uint64 {
	t.bmOnce.Do(func() {
		nw := words(uint64(max(0, len(t.start)-1)))
		t.bms = make([][]uint64, len(t.terms))
		for i := range t.bms {
			t.bms[i] = make([]uint64, nw)
		}
		for d := 0; d+1 < len(t.start); d++ {
			for _, c := range t.codes[t.start[d]:t.start[d+1]] {
				t.bms[c][d>>6] |= 1 << (d & 63)
			}
		}
	})
	return t.bms
}

// facetTables caches the segFacets of the segments in use.
type facetTables struct {
	mu sync.Mutex
	m  map[segment.Segment]*facetTableEntry
}

type facetTableEntry struct {
	once sync.Once
	tbl  *segFacets
}

var segFacetCache = &facetTables{m: map[segment.Segment]*facetTableEntry{}}

// get returns the table of seg, reading it on first use.
func (c *facetTables) get(seg segment.Segment) *segFacets {
	c.mu.Lock()
	e, ok := c.m[seg]
	if !ok {
		e = &facetTableEntry{}
		c.m[seg] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.tbl = readSegFacets(seg) })
	return e.tbl
}

// prune forgets the tables of segments not in live (merged away or
// closed) once there are clearly more tables than live segments.
func (c *facetTables) prune(live []*scorch.SegmentSnapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) <= 2*len(live)+16 {
		return
	}
	keep := make(map[segment.Segment]bool, len(live))
	for _, s := range live {
		keep[s.Segment()] = true
	}
	for seg := range c.m {
		if !keep[seg] {
			delete(c.m, seg)
		}
	}
}

// readSegFacets reads the facet field of every document of seg, or
// returns nil when the segment cannot be read that way.
func readSegFacets(seg segment.Segment) *segFacets {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil
	}
	n := seg.Count()
	t := &segFacets{start: make([]uint32, 0, n+1)}
	ids := map[string]uint16{}
	fields := []string{fFacet}
	var state segment.DocVisitState
	var err error
	visit := func(field string, term []byte) {
		id, ok := ids[string(term)]
		if !ok {
			if len(t.terms) >= 1<<16-1 {
				return
			}
			id = uint16(len(t.terms))
			ids[string(term)] = id
			t.terms = append(t.terms, string(term))
		}
		t.codes = append(t.codes, id)
	}
	for d := uint64(0); d < n; d++ {
		t.start = append(t.start, uint32(len(t.codes)))
		if state, err = dv.VisitDocValues(d, fields, visit, state); err != nil {
			return nil
		}
	}
	t.start = append(t.start, uint32(len(t.codes)))
	return t
}

// facetCounter counts the facet values of the hits of one search.
type facetCounter struct {
	counts map[string]int
	ok     bool // false: the index could not be read this way
}

// handlerMaker returns a Bleve document match handler that counts the
// facet values of every hit and passes it on to the top-N collector.
func (fc *facetCounter) handlerMaker() search.MakeDocumentMatchHandler {
	return func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		inner, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil || inner == nil {
			return inner, loadID, err
		}
		snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
		if !ok {
			return inner, loadID, nil
		}
		segs := snap.Segments()
		offsets := make([]uint64, len(segs))
		var running uint64
		for i, s := range segs {
			offsets[i] = running
			running += uint64(s.FullSize())
		}
		tables := make([]*segFacets, len(segs))
		counts := make([][]int, len(segs))
		fc.ok = true
		cur := -1
		return func(d *search.DocumentMatch) error {
			if d != nil && fc.ok {
				num := d.IndexInternalID.Value()
				if cur < 0 || num < offsets[cur] || (cur+1 < len(offsets) && num >= offsets[cur+1]) {
					cur = sort.Search(len(offsets), func(i int) bool { return offsets[i] > num }) - 1
					if cur < 0 {
						fc.ok = false
						return inner(d)
					}
					if tables[cur] == nil {
						if tables[cur] = segFacetCache.get(segs[cur].Segment()); tables[cur] == nil {
							fc.ok = false
							return inner(d)
						}
						counts[cur] = make([]int, len(tables[cur].terms))
					}
				}
				t, local := tables[cur], num-offsets[cur]
				if local+1 >= uint64(len(t.start)) {
					fc.ok = false
					return inner(d)
				}
				for _, c := range t.codes[t.start[local]:t.start[local+1]] {
					counts[cur][c]++
				}
			}
			if d == nil && fc.ok {
				// the end of the hits: add up the segments
				fc.counts = map[string]int{}
				for i, t := range tables {
					if t == nil {
						continue
					}
					for c, k := range counts[i] {
						if k > 0 {
							fc.counts[t.terms[c]] += k
						}
					}
				}
				segFacetCache.prune(segs)
			}
			return inner(d)
		}, loadID, nil
	}
}

// withFacetCounter returns a context under which a Bleve search counts
// facets into fc.
func withFacetCounter(ctx context.Context, fc *facetCounter) context.Context {
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, fc.handlerMaker())
}
