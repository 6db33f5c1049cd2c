package search

import (
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The query executor. Bleve runs a query by walking the postings of every
// term with a tree of searchers, allocating and scoring a match per
// posting: for a two-word query over six fields that was ~90% of the
// CPU. The executor runs the same query trees (term, conjunction,
// disjunction and match-all queries, which is what the first pass of
// every query builds) in three steps per index segment:
//
//  1. the hits: the bitmaps of the terms (term tables, postings.go) are
//     intersected and united as the tree says, filters and visibility
//     included, minus the deleted documents: counting the hits costs
//     bitmap operations, not a walk of the postings;
//  2. the facets: counted over those hits from the facet tables (facets.go);
//  3. the scores: every hit is scored exactly as Bleve scores it (BM25 with
//     Bleve's idf, average length, query norm and coordination factor),
//     reading frequencies and norms from the term tables, and kept if it
//     is among the best offset+limit; stored fields are read for those only.
//
// Ranks, scores, counts and facets equal Bleve's (TestExecMatchesBleve);
// query trees with other queries (phrases, fuzzy, Boolean) run on Bleve.

type pop uint8

const (
	pTerm pop = iota
	pConj
	pDisj
	pAll
	pBool  // kids[0] must match, kids[1] (optional) adds to the score
	pFuzzy // expanded per search into the terms within an edit distance
)

// pnode is a node of a compiled query tree, with the state of one search.
type pnode struct {
	op          pop
	field, term string
	boost       float64
	kids        []*pnode
	min         int
	zero        bool // every leaf has boost 0: scores 0 wherever it matches
	fuzz, pre   int  // fuzziness and prefix of a pFuzzy

	// per search
	idf, avg, qw float64
	tabs         []*termTable // per segment
}

// compile turns a Bleve query into a plan, or reports that it has parts
// the executor does not run.
func compile(q query.Query) (*pnode, bool) {
	n, ok := compileNode(q)
	if ok {
		n.markZero()
	}
	return n, ok
}

func (n *pnode) markZero() bool {
	switch n.op {
	case pTerm, pFuzzy:
		n.zero = n.boost == 0
	case pAll:
		n.zero = false
	default:
		n.zero = true
		for _, k := range n.kids {
			if !k.markZero() {
				n.zero = false
			}
		}
	}
	return n.zero
}

func compileNode(q query.Query) (*pnode, bool) {
	switch q := q.(type) {
	case *query.TermQuery:
		if q.Field() == "" {
			return nil, false
		}
		return &pnode{op: pTerm, field: q.Field(), term: q.Term, boost: q.Boost()}, true
	case *query.MatchAllQuery:
		return &pnode{op: pAll, boost: q.Boost()}, true
	case *query.FuzzyQuery:
		if q.Field() == "" || q.Fuzziness < 0 || q.Fuzziness > searcher.MaxFuzziness {
			return nil, false
		}
		return &pnode{op: pFuzzy, field: q.Field(), term: q.Term, boost: q.Boost(), fuzz: q.Fuzziness, pre: q.Prefix}, true
	case *query.ConjunctionQuery:
		n := &pnode{op: pConj}
		for _, c := range q.Conjuncts {
			k, ok := compileNode(c)
			if !ok {
				return nil, false
			}
			n.kids = append(n.kids, k)
		}
		return n, len(n.kids) > 0
	case *query.BooleanQuery:
		// what the relaxed pass builds: must, and should adding to the score
		if q.Must == nil || q.MustNot != nil || q.Filter != nil {
			return nil, false
		}
		must, ok := compileNode(q.Must)
		if !ok {
			return nil, false
		}
		n := &pnode{op: pBool, kids: []*pnode{must}}
		if q.Should != nil {
			d, isDisj := q.Should.(*query.DisjunctionQuery)
			if !isDisj || d.Min != 0 {
				return nil, false
			}
			should, ok := compileNode(d)
			if !ok {
				return nil, false
			}
			n.kids = append(n.kids, should)
		}
		return n, true
	case *query.DisjunctionQuery:
		n := &pnode{op: pDisj, min: int(q.Min)}
		for _, c := range q.Disjuncts {
			k, ok := compileNode(c)
			if !ok {
				return nil, false
			}
			n.kids = append(n.kids, k)
		}
		return n, len(n.kids) > 0 && float64(n.min) == q.Min && n.min <= len(n.kids)
	}
	return nil, false
}

// expand turns the fuzzy queries under n into what Bleve's fuzzy searcher
// runs: a disjunction of the terms of the field within the edit distance,
// each boosted by 1/(distance+1), or the term itself when no other term
// is near.
func (n *pnode) expand(snap *scorch.IndexSnapshot) error {
	for _, k := range n.kids {
		if err := k.expand(snap); err != nil {
			return err
		}
	}
	if n.op != pFuzzy {
		return nil
	}
	n.op = pTerm
	if n.fuzz == 0 {
		return nil
	}
	prefix := n.term
	for i := range n.term {
		if i >= n.pre {
			prefix = n.term[:i]
			break
		}
	}
	fd, _, err := snap.FieldDictFuzzyAutomaton(n.field, n.term, n.fuzz, prefix)
	if err != nil {
		return fmt.Errorf("search: fuzzy terms of %q: %w", n.term, err)
	}
	var kids []*pnode
	e, err := fd.Next()
	for err == nil && e != nil {
		b := n.boost * (1 / float64(e.EditDistance+1))
		kids = append(kids, &pnode{op: pTerm, field: n.field, term: e.Term, boost: b, zero: b == 0})
		e, err = fd.Next()
	}
	if cerr := fd.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("search: fuzzy terms of %q: %w", n.term, err)
	}
	if len(kids) == 0 || (len(kids) == 1 && kids[0].term == n.term) {
		return nil // the term itself
	}
	n.op, n.kids, n.field, n.term = pDisj, kids, "", ""
	return nil
}

// leaves calls f for every node without children.
func (n *pnode) leaves(f func(*pnode) error) error {
	if n.op == pTerm || n.op == pAll {
		return f(n)
	}
	for _, k := range n.kids {
		if err := k.leaves(f); err != nil {
			return err
		}
	}
	return nil
}

// execRuns and bleveRuns count the searches the executor and Bleve ran
// (tests).
var execRuns, bleveRuns atomic.Int64

// execResult is what the executor found: the hits of one page, the total
// and the facet counts (nil when none were asked for).
type execResult struct {
	total  uint64
	hits   []execHit
	counts map[string]int
}

type execHit struct {
	seg   int
	local uint32
	score float64
	id    string
	title string
	snip  string
}

// before orders hits as Bleve's top-N collector sorting by "-_score"
// does: higher score first, then index order.
func (h *execHit) before(o *execHit) bool {
	if h.score != o.score {
		return h.score > o.score
	}
	if h.seg != o.seg {
		return h.seg < o.seg
	}
	return h.local < o.local
}

// execute runs a compiled query on the snapshot of bi; ok is false when bi
// is not a scorch index.
func execute(ctx context.Context, bi bleve.Index, root *pnode, offset, limit int, wantFacets bool) (res *execResult, ok bool, err error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, false, nil
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, false, fmt.Errorf("search: open reader: %w", err)
	}
	defer r.Close()
	snap, isSnap := r.(*scorch.IndexSnapshot)
	if !isSnap {
		return nil, false, nil
	}
	bm25 := false
	if im, ok := bi.Mapping().(*mapping.IndexMappingImpl); ok {
		bm25 = im.ScoringModel == index.BM25Scoring
	}
	segs := snap.Segments()
	res = &execResult{}
	if wantFacets {
		res.counts = map[string]int{}
	}
	docTotal, err := snap.DocCount()
	if err != nil {
		return nil, true, fmt.Errorf("search: count: %w", err)
	}
	if docTotal == 0 {
		return res, true, nil
	}

	if err := root.expand(snap); err != nil {
		return nil, true, err
	}
	// the statistics Bleve scores with, and the tables of the terms
	var sumW float64
	err = root.leaves(func(l *pnode) error {
		if l.op == pAll {
			sumW += l.boost * l.boost
			return nil
		}
		l.tabs = make([]*termTable, len(segs))
		var df uint64
		for i, s := range segs {
			t, err := segTermCache.get(s.Segment(), l.field, l.term, l.boost != 0)
			if err != nil {
				return fmt.Errorf("search: read postings of %s:%s: %w", l.field, l.term, err)
			}
			l.tabs[i] = t
			df += uint64(len(t.docs))
			df -= t.deleted(s.Deleted())
		}
		if bm25 {
			card, err := snap.FieldCardinality(l.field)
			if err != nil {
				return fmt.Errorf("search: field cardinality: %w", err)
			}
			l.avg = math.Ceil(float64(card) / float64(docTotal))
		}
		if l.avg > 0 {
			l.idf = math.Log(1 + (float64(docTotal)-float64(df)+0.5)/(float64(df)+0.5))
		} else {
			l.idf = 1.0 + math.Log(float64(docTotal)/float64(df+1.0))
		}
		w := l.boost * l.idf
		sumW += w * w
		return nil
	})
	if err != nil {
		return nil, true, err
	}
	qnorm := 1.0 / math.Sqrt(sumW)
	root.leaves(func(l *pnode) error {
		if l.op == pAll {
			l.qw = l.boost * qnorm
		} else {
			l.qw = l.boost * l.idf * qnorm
		}
		return nil
	})

	execRuns.Add(1)
	scoreRoot := root
	if root.op == pTerm || root.op == pAll {
		scoreRoot = &pnode{op: pConj, kids: []*pnode{root}} // scores the same
	}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	k := offset + limit
	top := make([]execHit, 0, k+1)
	for si, s := range segs {
		seg := s.Segment()
		count := seg.Count()
		if count == 0 {
			continue
		}
		hits := sc.hitSet(words(count))
		root.match(si, sc, hits, count)
		if d := s.Deleted(); d != nil && !d.IsEmpty() {
			it := d.Iterator()
			for it.HasNext() {
				if x := it.Next(); int(x>>6) < len(hits) {
					hits[x>>6] &^= 1 << (x & 63)
				}
			}
		}
		cands := sc.candidates()
		if len(cands) == 0 {
			continue
		}
		res.total += uint64(len(cands))

		if wantFacets {
			if !countFacets(seg, sc, res.counts) {
				return nil, false, nil // the facet field cannot be read this way
			}
		}
		if k == 0 {
			continue
		}
		if ctx.Err() != nil {
			return nil, true, ctx.Err()
		}
		sc.nv = 0
		scores, matched := scoreRoot.scores(si, sc, true)
		for i, d := range cands {
			if matched[i] == 0 {
				continue // cannot be: cands match the root
			}
			h := execHit{seg: si, local: d, score: scores[i]}
			if len(top) == k && !h.before(&top[0]) {
				continue
			}
			top = pushHit(top, h, k)
		}
	}
	if wantFacets {
		segFacetCache.prune(segs)
	}
	if len(segs) > 0 && segTermCache.pruneSometimes(segs) {
		// new segments: warm the frequent terms of the large ones
		if todo := segTermCache.claimWarm(segs); len(todo) > 0 {
			if wr, err := adv.Reader(); err == nil {
				if ws, ok := wr.(*scorch.IndexSnapshot); ok {
					go segTermCache.warm(ws, todo, bm25)
				} else {
					wr.Close()
				}
			}
		}
	}

	// best first, then the page
	slices.SortFunc(top, func(a, b execHit) int {
		if a.before(&b) {
			return -1
		}
		return 1
	})
	if offset >= len(top) {
		return res, true, nil
	}
	res.hits = top[offset:]
	for i := range res.hits {
		h := &res.hits[i]
		err := segs[h.seg].VisitDocument(uint64(h.local), func(field string, _ byte, value []byte, _ []uint64) bool {
			switch field {
			case "_id":
				h.id = string(value)
			case fTitle:
				h.title = string(value)
			case fSnip:
				h.snip = string(value)
			}
			return true
		})
		if err != nil {
			return nil, true, fmt.Errorf("search: load hit: %w", err)
		}
	}
	return res, true, nil
}

// pushHit adds h to the min-heap top of at most k hits (top[0] is the
// worst kept).
func pushHit(top []execHit, h execHit, k int) []execHit {
	if len(top) == k {
		top[0] = h
		siftDown(top, 0)
		return top
	}
	top = append(top, h)
	// sift up: the worst hit at the root
	for i := len(top) - 1; i > 0; {
		p := (i - 1) / 2
		if !top[p].before(&top[i]) {
			break
		}
		top[p], top[i] = top[i], top[p]
		i = p
	}
	return top
}

func siftDown(top []execHit, i int) {
	for {
		l := 2*i + 1
		if l >= len(top) {
			return
		}
		w := l // the worse child
		if r := l + 1; r < len(top) && top[l].before(&top[r]) {
			w = r
		}
		if !top[i].before(&top[w]) {
			return
		}
		top[i], top[w] = top[w], top[i]
		i = w
	}
}

// match sets out (a bitset of the count documents of segment si, any
// content on entry) to the documents that match n, deleted ones included.
func (n *pnode) match(si int, sc *scratch, out []uint64, count uint64) {
	switch n.op {
	case pTerm:
		t := n.tabs[si]
		if t.words != nil {
			copy(out, t.words)
			return
		}
		clear(out)
		setDocs(out, t.docs)
	case pBool:
		n.kids[0].match(si, sc, out, count)
	case pAll:
		for i := range out {
			out[i] = ^uint64(0)
		}
		if r := count % 64; r != 0 {
			out[len(out)-1] = 1<<r - 1
		}
	case pConj:
		// the rarest term first, then the others into it
		first := 0
		for i, k := range n.kids {
			if k.op == pTerm && (n.kids[first].op != pTerm || len(k.tabs[si].docs) < len(n.kids[first].tabs[si].docs)) {
				first = i
			}
		}
		n.kids[first].match(si, sc, out, count)
		for i, k := range n.kids {
			if i == first {
				continue
			}
			if k.op == pTerm && k.tabs[si].words != nil {
				if !and(out, k.tabs[si].words) {
					return // empty
				}
				continue
			}
			tmp := sc.push(len(out))
			k.match(si, sc, tmp, count)
			empty := !and(out, tmp)
			sc.pop()
			if empty {
				return
			}
		}
	default: // pDisj
		if n.min <= 1 {
			clear(out)
			for _, k := range n.kids {
				switch {
				case k.op == pTerm && k.tabs[si].words != nil:
					or(out, k.tabs[si].words)
				case k.op == pTerm:
					setDocs(out, k.tabs[si].docs)
				default:
					tmp := sc.push(len(out))
					k.match(si, sc, tmp, count)
					or(out, tmp)
					sc.pop()
				}
			}
			return
		}
		// at least min of the children
		kids := make([][]uint64, len(n.kids))
		for i, k := range n.kids {
			if k.op == pTerm && k.tabs[si].words != nil {
				kids[i] = k.tabs[si].words
				continue
			}
			kids[i] = sc.push(len(out))
			k.match(si, sc, kids[i], count)
		}
		for wi := range out {
			var any uint64
			for _, b := range kids {
				any |= b[wi]
			}
			var w uint64
			for m := any; m != 0; m &= m - 1 {
				bit := m & -m
				c := 0
				for _, b := range kids {
					if b[wi]&bit != 0 {
						c++
					}
				}
				if c >= n.min {
					w |= bit
				}
			}
			out[wi] = w
		}
		for _, k := range n.kids {
			if k.op != pTerm || k.tabs[si].words == nil {
				sc.pop()
			}
		}
	}
}

// setDocs adds the documents docs to the bitset out.
func setDocs(out []uint64, docs []uint32) {
	for _, d := range docs {
		if int(d>>6) >= len(out) {
			return // cannot be: documents are numbered below the count
		}
		out[d>>6] |= 1 << (d & 63)
	}
}

// and sets a to a AND b and reports whether a has any document left.
func and(a, b []uint64) bool {
	b = b[:len(a)]
	var any uint64
	for i := range a {
		a[i] &= b[i]
		any |= a[i]
	}
	return any != 0
}

// andCount returns the number of bits a and b have both; nz lists the
// words of a that are not 0.
func andCount(a, b []uint64, nz []int32) int {
	if 2*len(nz) < len(a) {
		k := 0
		for _, i := range nz {
			k += bits.OnesCount64(a[i] & b[i])
		}
		return k
	}
	b = b[:len(a)]
	var k0, k1, k2, k3 int
	i := 0
	for ; i+4 <= len(a); i += 4 {
		k0 += bits.OnesCount64(a[i] & b[i])
		k1 += bits.OnesCount64(a[i+1] & b[i+1])
		k2 += bits.OnesCount64(a[i+2] & b[i+2])
		k3 += bits.OnesCount64(a[i+3] & b[i+3])
	}
	for ; i < len(a); i++ {
		k0 += bits.OnesCount64(a[i] & b[i])
	}
	return k0 + k1 + k2 + k3
}

// or sets a to a OR b.
func or(a, b []uint64) {
	b = b[:len(a)]
	for i := range a {
		a[i] |= b[i]
	}
}

// scratch holds the buffers of one search, reused between searches: the
// hits of the segment being scored (as a bitset, with the rank of each
// word: the number of hits in the words before it), the candidates (the
// hits as a list), the bitsets of the match step and the score vectors.
type scratch struct {
	hits  []uint64
	rank  []uint32
	nz    []int32 // the words of hits that are not 0
	cands []uint32
	fc    []int      // facet counts
	sets  [][]uint64 // a stack
	nsets int
	fs    [][]float64
	cs    [][]int32
	nv    int
}

var scratchPool = sync.Pool{New: func() any { return &scratch{} }}

// hitSet returns the bitset of the hits for a segment of nw words.
func (sc *scratch) hitSet(nw int) []uint64 {
	if cap(sc.hits) < nw {
		sc.hits, sc.rank = make([]uint64, nw), make([]uint32, nw)
	}
	sc.hits, sc.rank = sc.hits[:nw], sc.rank[:nw]
	return sc.hits
}

// candidates lists the hits of the bitset of hitSet in ascending order
// and sets the rank of its words.
func (sc *scratch) candidates() []uint32 {
	n := 0
	sc.nz = sc.nz[:0]
	for i, w := range sc.hits {
		sc.rank[i] = uint32(n)
		if w != 0 {
			n += bits.OnesCount64(w)
			sc.nz = append(sc.nz, int32(i))
		}
	}
	if cap(sc.cands) < n {
		sc.cands = make([]uint32, 0, n+n/4)
	}
	c := sc.cands[:0]
	for _, i := range sc.nz {
		for w := sc.hits[i]; w != 0; w &= w - 1 {
			c = append(c, uint32(int(i)<<6+bits.TrailingZeros64(w)))
		}
	}
	sc.cands = c
	return c
}

// push returns a bitset of nw words (any content) from the stack.
func (sc *scratch) push(nw int) []uint64 {
	if sc.nsets == len(sc.sets) {
		sc.sets = append(sc.sets, nil)
	}
	b := sc.sets[sc.nsets]
	if cap(b) < nw {
		b = make([]uint64, nw)
		sc.sets[sc.nsets] = b
	}
	sc.nsets++
	return b[:nw]
}

// pop gives back the last bitset of push.
func (sc *scratch) pop() { sc.nsets-- }

// vec returns zeroed score and match vectors of length n.
func (sc *scratch) vec(n int) ([]float64, []int32) {
	if sc.nv == len(sc.fs) {
		sc.fs = append(sc.fs, nil)
		sc.cs = append(sc.cs, nil)
	}
	f, c := sc.fs[sc.nv], sc.cs[sc.nv]
	if cap(f) < n {
		f, c = make([]float64, n), make([]int32, n)
	} else {
		f, c = f[:n], c[:n]
		clear(f)
		clear(c)
	}
	sc.fs[sc.nv], sc.cs[sc.nv] = f, c
	sc.nv++
	return f, c
}

// scores returns the score of every candidate (sc.cands: the hits of the
// root in segment si) under the conjunction or disjunction n, as Bleve
// computes it, and whether it matches n (1) or not (0). Known says that
// every candidate matches n (the root and the conjunctions under it), so
// filters there need no look-up. The sums run over the children in
// order, as Bleve's scorers add them.
func (n *pnode) scores(si int, sc *scratch, known bool) ([]float64, []int32) {
	if n.op == pBool {
		// Bleve's Boolean searcher: the must score plus the should score
		// where should matches
		s, c := (&pnode{op: pConj, kids: n.kids[:1]}).scores(si, sc, known)
		if len(n.kids) > 1 {
			ks, kc := n.kids[1].scores(si, sc, false)
			for i, m := range kc {
				if m != 0 && c[i] != 0 {
					s[i] += ks[i]
				}
			}
		}
		return s, c
	}
	s, c := sc.vec(len(sc.cands))
	kidsKnown := known && n.op == pConj
	for _, k := range n.kids {
		switch {
		case kidsKnown && k.zero:
			// filters every candidate passes: they score nothing
		case k.op == pTerm:
			k.accumulate(si, sc, s, c)
		case k.op == pAll:
			v := 1.0
			if k.qw != 1.0 {
				v *= k.qw
			}
			for i := range s {
				s[i] += v
				c[i]++
			}
		default:
			ks, kc := k.scores(si, sc, kidsKnown)
			for i, m := range kc {
				if m != 0 {
					s[i] += ks[i]
					c[i]++
				}
			}
		}
	}
	if n.op == pConj {
		all := int32(len(n.kids))
		for i := range c {
			if known || c[i] == all {
				c[i] = 1
			} else {
				c[i] = 0
			}
		}
		return s, c
	}
	need, total := int32(max(1, n.min)), float64(len(n.kids))
	for i := range c {
		if c[i] >= need {
			s[i] = s[i] * (float64(c[i]) / total) // Bleve's coordination factor
			c[i] = 1
		} else {
			c[i] = 0
		}
	}
	return s, c
}

// accumulate adds the score of the term leaf l to s and counts a match in
// c for the candidates (sc.cands) that contain the term.
func (l *pnode) accumulate(si int, sc *scratch, s []float64, c []int32) {
	t := l.tabs[si]
	if len(t.docs) == 0 {
		return
	}
	cands := sc.cands
	// BM25 weights computed ahead (other models: per posting)
	var w []float64
	if l.boost != 0 && t.freq != nil && l.avg > 0 {
		w = t.weights(l.avg)
	}
	idf, qw := l.idf, l.qw
	add := func(i, j int) {
		if w == nil {
			s[i] += l.termScore(t, j)
		} else if v := idf * w[j]; qw != 1.0 {
			s[i] += v * qw
		} else {
			s[i] += v
		}
		c[i]++
	}
	switch {
	case t.words != nil && 4*len(cands) < len(t.words):
		// a dense term, few candidates: look each one up in the bitset
		for i, d := range cands {
			tw := t.words[d>>6]
			if bit := uint64(1) << (d & 63); tw&bit != 0 {
				add(i, int(t.rank[d>>6])+bits.OnesCount64(tw&(bit-1)))
			}
		}
	case t.words != nil:
		// a dense term: the words both have documents in
		hits, rank := sc.hits, sc.rank
		tws := t.words[:len(hits)]
		for wi, hw := range hits {
			tw := tws[wi]
			for m := hw & tw; m != 0; m &= m - 1 {
				below := m&-m - 1
				add(int(rank[wi])+bits.OnesCount64(hw&below), int(t.rank[wi])+bits.OnesCount64(tw&below))
			}
		}
	case len(t.docs) <= 4*len(cands):
		// walk the postings, look the candidates up in the hits
		hits, rank := sc.hits, sc.rank
		for j, d := range t.docs {
			if int(d>>6) >= len(hits) {
				break
			}
			hw := hits[d>>6]
			if bit := uint64(1) << (d & 63); hw&bit != 0 {
				add(int(rank[d>>6])+bits.OnesCount64(hw&(bit-1)), j)
			}
		}
	default:
		// far more postings than candidates: leap through the postings
		cur := 0
		for i, d := range cands {
			if cur = seek(t.docs, cur, d); cur == len(t.docs) {
				return
			}
			if t.docs[cur] == d {
				add(i, cur)
			}
		}
	}
}

// termScore is Bleve's score of the j-th posting of t for the leaf l
// (TermQueryScorer.Score).
func (l *pnode) termScore(t *termTable, j int) float64 {
	if l.boost == 0 || t.freq == nil {
		return 0
	}
	var s float64
	tf := math.Sqrt(float64(t.freq[j]))
	norm := float64(t.norm[j])
	if l.avg > 0 {
		fieldLength := 1 / (norm * norm)
		s = l.idf * (tf * search.BM25_k1) /
			(tf + search.BM25_k1*(1-search.BM25_b+(search.BM25_b*fieldLength/l.avg)))
	} else {
		s = tf * norm * l.idf
	}
	if l.qw != 1.0 {
		s *= l.qw
	}
	return s
}

// seek returns the first position at or after i in docs whose document
// is at least d (len(docs) when none is).
func seek(docs []uint32, i int, d uint32) int {
	// the next few first: hits are often close together
	for end := min(i+8, len(docs)); i < end; i++ {
		if docs[i] >= d {
			return i
		}
	}
	if i >= len(docs) || docs[i] >= d {
		return i
	}
	// docs[i] < d: gallop, then search between the last two probes
	lo, step := i, 8
	hi := lo + step
	for hi < len(docs) && docs[hi] < d {
		lo = hi
		step *= 2
		hi = lo + step
	}
	hi = min(hi, len(docs))
	// docs[lo] < d and (hi == len(docs) or docs[hi] >= d)
	j, _ := slices.BinarySearch(docs[lo+1:hi], d)
	return lo + 1 + j
}

// Facets of many hits are counted by intersecting the hits with a bitset
// per facet value rather than by looking up the values of every hit: when
// the words of the hits that have any (nz) times the facet values cost
// less than the hits, a hit costing as much as facetBitmapsDensity words
// (from facetBitmapsAbove hits).
var (
	facetBitmapsAbove   = 0
	facetBitmapsDensity = 24
)

// countFacets adds the facet values of the hits of seg (sc.cands, also
// as the bitset sc.hits) to counts; false when the segment's facets
// cannot be read.
func countFacets(seg segment.Segment, sc *scratch, counts map[string]int) bool {
	t := segFacetCache.get(seg)
	if t == nil {
		return false
	}
	hits, nz, docs := sc.hits, sc.nz, sc.cands
	if cap(sc.fc) < len(t.terms) {
		sc.fc = make([]int, len(t.terms))
	}
	c := sc.fc[:len(t.terms)]
	clear(c)
	if nt := len(t.terms); len(docs) >= facetBitmapsAbove && facetBitmapsDensity*len(docs) >= nt*len(nz) {
		for i, bm := range t.bitsets() {
			if len(bm) < len(hits) {
				return false // cannot be: the table has every document of the segment
			}
			c[i] = andCount(hits, bm, nz)
		}
		for i, k := range c {
			if k > 0 {
				counts[t.terms[i]] += k
			}
		}
		return true
	}
	for _, d := range docs {
		if int(d)+1 >= len(t.start) {
			return false
		}
		for _, code := range t.codes[t.start[d]:t.start[d+1]] {
			c[code]++
		}
	}
	for i, k := range c {
		if k > 0 {
			counts[t.terms[i]] += k
		}
	}
	return true
}
