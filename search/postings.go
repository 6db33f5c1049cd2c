package search

import (
	"cmp"
	"container/list"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Term tables: the postings of one term in one field of one index
// segment, decoded once into arrays (segments never change). The query
// executor (exec.go) intersects their bitmaps to find and count the hits
// and reads frequencies and norms from the arrays to score them, instead
// of decoding the compressed postings again in every search. The tables
// of the terms in use stay in a cache bounded by its size in bytes; a
// query whose terms are not in it decodes them first (the "cold" rows of
// the benchmark).

// termTable is the postings of a term in one segment, deleted documents
// included (deletions change per snapshot and are applied per search).
type termTable struct {
	docs []uint32  // local document numbers, ascending
	freq []uint32  // term frequency per document (nil: documents only)
	norm []float32 // Bleve's norm per document (nil: documents only)
	// For a term in at least one document in denseEvery of the segment,
	// the same documents as a bitset of the segment (bit d%64 of word
	// d/64), and per word the number of documents in the words before it:
	// the posting of document d is docs[rank[d/64] + the bits of its word
	// below d].
	words []uint64
	rank  []uint32
	wts   atomic.Pointer[termWeights]
}

// denseEvery: a term in at least one document in denseEvery of a segment
// gets a bitset (it then costs at most 3 bytes more per posting).
const denseEvery = 16

func (t *termTable) bytes() int {
	n := 4*len(t.docs) + 4*len(t.freq) + 4*len(t.norm) + 8*len(t.words) + 4*len(t.rank) + 64
	if t.freq != nil {
		n += 8 * len(t.docs) // weights
	}
	return n
}

// finish builds the bitset of a dense term of a segment of count
// documents.
func (t *termTable) finish(count uint64) {
	if count == 0 || uint64(len(t.docs))*denseEvery < count {
		return
	}
	if len(t.docs) > 0 && uint64(t.docs[len(t.docs)-1]) >= count {
		return // cannot be: documents are numbered below the count
	}
	t.words = make([]uint64, words(count))
	for _, d := range t.docs {
		t.words[d>>6] |= 1 << (d & 63)
	}
	t.rank = make([]uint32, len(t.words))
	var r uint32
	for i, w := range t.words {
		t.rank[i] = r
		r += uint32(bits.OnesCount64(w))
	}
}

// words is the length of a bitset of count documents.
func words(count uint64) int { return int((count + 63) / 64) }

// contains reports whether document d has the term.
func (t *termTable) contains(d uint32) bool {
	if t.words != nil {
		return int(d>>6) < len(t.words) && t.words[d>>6]&(1<<(d&63)) != 0
	}
	_, ok := slices.BinarySearch(t.docs, d)
	return ok
}

// deleted returns how many documents of t are in del.
func (t *termTable) deleted(del *roaring.Bitmap) uint64 {
	if del == nil || len(t.docs) == 0 {
		return 0
	}
	var n uint64
	if del.GetCardinality() < uint64(len(t.docs)) {
		it := del.Iterator()
		for it.HasNext() {
			if d := it.Next(); t.contains(d) {
				n++
			}
		}
		return n
	}
	for _, d := range t.docs {
		if del.Contains(d) {
			n++
		}
	}
	return n
}

// termWeights are the BM25 weights of the postings of a term for one
// average field length.
type termWeights struct {
	avg float64
	w   []float64
}

// weights returns, for every posting of t, Bleve's BM25 term weight
// without idf and boost: tf·k1 / (tf + k1·(1 − b + b·length/avg)). They
// are computed once per average field length (which moves only when the
// index grows or shrinks enough to change its rounded value).
func (t *termTable) weights(avg float64) []float64 {
	if p := t.wts.Load(); p != nil && p.avg == avg {
		return p.w
	}
	w := make([]float64, len(t.freq))
	for j := range w {
		tf := math.Sqrt(float64(t.freq[j]))
		norm := float64(t.norm[j])
		fieldLength := 1 / (norm * norm)
		w[j] = (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/avg)))
	}
	t.wts.Store(&termWeights{avg: avg, w: w})
	return w
}

type termKey struct {
	seg         segment.Segment
	field, term string
	scored      bool // with frequencies and norms
}

// termCache is an LRU cache of term tables bounded by their size.
type termCache struct {
	mu    sync.Mutex
	max   int // bytes
	size  int
	ll    *list.List // of *termEntry, front: most recently used
	m     map[termKey]*list.Element
	loads int // tables decoded (tests)
	live  []segment.Segment
	// the segments whose frequent terms were warmed (or are being)
	warmed map[segment.Segment]bool
}

type termEntry struct {
	key  termKey
	once sync.Once
	tbl  *termTable
	err  error
	size int
}

// termCacheBytes bounds the memory of the term tables.
const termCacheBytes = 96 << 20

var segTermCache = newTermCache(termCacheBytes)

func newTermCache(max int) *termCache {
	return &termCache{max: max, ll: list.New(), m: map[termKey]*list.Element{}, warmed: map[segment.Segment]bool{}}
}

// get returns the table of a term in seg, decoding it on first use.
func (c *termCache) get(seg segment.Segment, field, term string, scored bool) (*termTable, error) {
	k := termKey{seg, field, term, scored}
	c.mu.Lock()
	el, ok := c.m[k]
	if ok {
		c.ll.MoveToFront(el)
	} else {
		el = c.ll.PushFront(&termEntry{key: k})
		c.m[k] = el
	}
	e := el.Value.(*termEntry)
	c.mu.Unlock()
	e.once.Do(func() {
		e.tbl, e.err = readTermTable(seg, field, term, scored)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.loads++
		if e.err != nil {
			c.remove(e)
			return
		}
		if cur, ok := c.m[k]; !ok || cur.Value != e {
			return // dropped meanwhile
		}
		e.size = e.tbl.bytes()
		c.size += e.size
		for c.size > c.max && c.ll.Len() > 1 {
			c.remove(c.ll.Back().Value.(*termEntry))
		}
	})
	return e.tbl, e.err
}

// remove drops e; the caller holds c.mu.
func (c *termCache) remove(e *termEntry) {
	if el, ok := c.m[e.key]; ok && el.Value == e {
		c.ll.Remove(el)
		delete(c.m, e.key)
		c.size -= e.size
	}
}

// prune drops the tables of segments that are not in live (merged away)
// once the cache holds tables of clearly more segments than that.
func (c *termCache) prune(live []*scorch.SegmentSnapshot) {
	keep := make(map[segment.Segment]bool, len(live))
	for _, s := range live {
		keep[s.Segment()] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for seg := range c.warmed {
		if !keep[seg] {
			delete(c.warmed, seg)
		}
	}
	for el := c.ll.Back(); el != nil; {
		prev := el.Prev()
		if e := el.Value.(*termEntry); !keep[e.key.seg] && e.size > 0 {
			c.remove(e)
		}
		el = prev
	}
}

// pruneSometimes prunes the cache when the live segments differ from
// those of the last call, and reports whether they did.
func (c *termCache) pruneSometimes(live []*scorch.SegmentSnapshot) bool {
	c.mu.Lock()
	same := len(live) == len(c.live)
	for i := 0; same && i < len(live); i++ {
		same = live[i].Segment() == c.live[i]
	}
	if !same {
		c.live = c.live[:0]
		for _, s := range live {
			c.live = append(c.live, s.Segment())
		}
	}
	c.mu.Unlock()
	if !same {
		c.prune(live)
	}
	return !same
}

// clear drops every table (benchmarks of the cold cost).
func (c *termCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	clear(c.m)
	c.size = 0
}

// Warming. A query whose terms have no tables yet decodes their postings
// first (the "cold" cost: ~10 ms for a two-word query on 100,000
// profiles, most of it in the postings of frequent terms; rare terms are
// cheap). When a search first meets a large segment (after the index was
// opened, built, rebuilt or merged), the tables of the segment's most
// frequent terms and its facet table are decoded in the background,
// within a memory and a time budget.
const (
	warmMinDocs  = 10000            // smaller segments are cheap cold
	warmMinShare = 200              // terms in at least 1 in warmMinShare documents of the segment
	warmBytes    = 24 << 20         // of tables per segment
	warmTime     = 10 * time.Second // per segment set
)

// warmFields are the fields whose terms are warmed, with whether searches
// score them (the filters do not).
var warmFields = []struct {
	field  string
	scored bool
}{
	{fVis, false}, {fFacet, false},
	{fName, true}, {fLabels, true}, {fHead, true}, {fText, true}, {fLatinN, true}, {fPinyinO, true},
}

// claimWarm returns the segments of live large enough to warm that were
// not warmed yet, and marks them warmed.
func (c *termCache) claimWarm(live []*scorch.SegmentSnapshot) []segment.Segment {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []segment.Segment
	for _, s := range live {
		if seg := s.Segment(); seg.Count() >= warmMinDocs && !c.warmed[seg] {
			c.warmed[seg] = true
			out = append(out, seg)
		}
	}
	return out
}

// warm decodes the tables of the most frequent terms of the segments segs
// of snap, and closes snap when done. Bm25 says whether the index scores
// with BM25 (the weights of the tables are then computed too).
func (c *termCache) warm(snap *scorch.IndexSnapshot, segs []segment.Segment, bm25 bool) {
	defer snap.Close()
	deadline := time.Now().Add(warmTime)
	docTotal, err := snap.DocCount()
	if err != nil || docTotal == 0 {
		return
	}
	type cand struct {
		field, term string
		scored      bool
		n           uint64
	}
	for _, seg := range segs {
		segFacetCache.get(seg)
		min := max(1, seg.Count()/warmMinShare)
		var cands []cand
		for _, f := range warmFields {
			d, err := seg.Dictionary(f.field)
			if err != nil {
				continue
			}
			it := d.AutomatonIterator(nil, nil, nil)
			for e, err := it.Next(); err == nil && e != nil; e, err = it.Next() {
				if e.Count >= min {
					cands = append(cands, cand{f.field, e.Term, f.scored, e.Count})
				}
			}
		}
		slices.SortFunc(cands, func(a, b cand) int { return cmp.Compare(b.n, a.n) })
		size := 0
		for _, k := range cands {
			if size >= warmBytes || time.Now().After(deadline) {
				break
			}
			t, err := c.get(seg, k.field, k.term, k.scored)
			if err != nil {
				continue
			}
			if bm25 && k.scored && t.freq != nil {
				if card, err := snap.FieldCardinality(k.field); err == nil {
					t.weights(math.Ceil(float64(card) / float64(docTotal)))
				}
			}
			size += t.bytes()
		}
	}
}

// readTermTable decodes the postings of term in field of seg.
func readTermTable(seg segment.Segment, field, term string, scored bool) (*termTable, error) {
	t := &termTable{}
	dict, err := seg.Dictionary(field)
	if err != nil {
		return nil, err
	}
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return nil, err
	}
	n := int(pl.Count())
	t.docs = make([]uint32, 0, n)
	if scored {
		t.freq = make([]uint32, 0, n)
		t.norm = make([]float32, 0, n)
	}
	it := pl.Iterator(scored, scored, false, nil)
	if !scored {
		// the documents only: take the postings bitmap as it is
		if o, ok := it.(interface {
			ActualBitmap() *roaring.Bitmap
			DocNum1Hit() (uint64, bool)
		}); ok {
			if d, one := o.DocNum1Hit(); one {
				t.docs = append(t.docs, uint32(d))
			} else if bm := o.ActualBitmap(); bm != nil {
				t.docs = bm.ToArray()
			}
			t.finish(seg.Count())
			return t, nil
		}
	}
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			break
		}
		t.docs = append(t.docs, uint32(p.Number()))
		if scored {
			t.freq = append(t.freq, uint32(p.Frequency()))
			t.norm = append(t.norm, float32(p.Norm()))
		}
	}
	t.finish(seg.Count())
	return t, nil
}
