package segbuild

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"unsafe"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/golang/snappy"
)

// TermVisitor is implemented by fields that give their terms one
// occurrence at a time, in order of position, instead of counted in a
// map (AnalyzedTokenFrequencies): cheaper for a builder that counts them
// itself. pos, start and end are used by fields with term vectors.
type TermVisitor interface {
	VisitTerms(visit func(term string, pos, start, end int))
}

// A Run is a batch of documents analysed into sorted postings per field,
// with their stored values: a part of a segment, which a [Builder] adds
// to it in document order. A Run is built from a small batch (a thousand
// documents or so) so that its term dictionaries stay in the processor's
// caches; runs of different batches can be built concurrently.
type Run struct {
	schema   *Schema
	docs     int
	stored   []byte      // the documents' stored values, as the segment has them
	storedAt []uint32    // where each document's are in stored
	fields   []*runField // by field id; nil for fields no document has
	arena    []byte      // the bytes of the run's terms
}

// runField is one field of a run.
type runField struct {
	opts     index.FieldIndexingOptions
	dv       bool       // some document gave it doc values
	terms    []string   // sorted
	starts   []int32    // postings of terms[i]: starts[i] to starts[i+1]
	docs     []uint32   // document numbers within the run
	freqs    []uint32   // occurrences of the term in the document
	nlocs    []uint32   // locations per posting; nil when there are none
	locs     []location // of the postings with locations, in posting order
	termLocs []int32    // index in locs of the first location of each term
	lens     []uint32   // analysed length per document (the norm zap stores)
}

// NewRun analyses docs, which may only have fields of s, into a Run.
// Their indexed fields must be analysed (Analyze called), and each must
// have an _id field (AddIDField). Fields of one name that occur several
// times in a document are indexed as one, as zap does. The run keeps
// references to the location array positions, not to the documents.
func NewRun(s *Schema, docs []index.Document) (*Run, error) {
	r := &Run{schema: s, docs: len(docs), storedAt: make([]uint32, len(docs)), fields: make([]*runField, len(s.names))}
	if h := &s.stored; h.docs.Load() > 0 {
		r.stored = make([]byte, 0, int(h.bytes.Load()*int64(len(docs))/h.docs.Load()*9/8))
	}
	accs := make([]*fieldAcc, len(s.names))
	var (
		touched []*fieldAcc // fields with locations pending in this document
		id      []byte
		vals    []storedValue
		st      storedEncoder
	)
	for n, doc := range docs {
		if doc.HasComposite() {
			return nil, fmt.Errorf("segbuild: %s: composite fields are not supported", doc.ID())
		}
		if nd, ok := doc.(index.NestedDocument); ok {
			nested := false
			nd.VisitNestedDocuments(func(index.Document) { nested = true })
			if nested {
				return nil, fmt.Errorf("segbuild: %s: nested documents are not supported", doc.ID())
			}
		}
		id, vals = nil, vals[:0]
		var err error
		doc.VisitFields(func(f index.Field) {
			if err != nil {
				return
			}
			switch f.(type) {
			case index.GeoShapeField, index.GeoShapeV2Field, index.SynonymField:
				err = fmt.Errorf("segbuild: %s: field %s: %T is not supported", doc.ID(), f.Name(), f)
				return
			}
			fid, ok := s.ids[f.Name()]
			if !ok {
				err = fmt.Errorf("segbuild: %s: field %s is not in the schema", doc.ID(), f.Name())
				return
			}
			a := accs[fid]
			if a == nil {
				a = newFieldAcc(r, fid, len(docs))
				if fid == 0 {
					a.f.opts = index.IndexField | index.StoreField
				}
				accs[fid] = a
			}
			a.f.opts |= f.Options()
			if f.Options().IncludeDocValues() {
				a.f.dv = true
			}
			if f.Options().IsStored() {
				if fid == 0 {
					if id == nil {
						id = f.Value()
					}
				} else {
					vals = append(vals, storedValue{fid, f.EncodedFieldType(), f.Value(), f.ArrayPositions()})
				}
			}
			if err = a.add(uint32(n), f); err == nil && len(a.pending) > 0 && !slices.Contains(touched, a) {
				touched = append(touched, a)
			}
		})
		if err != nil {
			return nil, err
		}
		if id == nil {
			return nil, fmt.Errorf("segbuild: document %q without an %s field", doc.ID(), idField)
		}
		for _, a := range touched {
			a.placeLocations()
		}
		touched = touched[:0]
		r.storedAt[n] = uint32(len(r.stored))
		r.stored = st.appendDoc(r.stored, id, vals)
	}
	for fid, a := range accs {
		if a != nil {
			r.fields[fid] = a.finish()
		}
	}
	s.stored.docs.Store(int64(len(docs)))
	s.stored.bytes.Store(int64(len(r.stored)))
	return r, nil
}

// Size returns about how many bytes the run holds.
func (r *Run) Size() int {
	n := len(r.stored) + 4*len(r.storedAt) + cap(r.arena)
	for _, f := range r.fields {
		if f != nil {
			n += 16*len(f.terms) + 4*(len(f.starts)+len(f.docs)+len(f.freqs)+len(f.nlocs)+len(f.termLocs)+len(f.lens)) +
				int(unsafe.Sizeof(location{}))*len(f.locs)
		}
	}
	return n
}

// storedEncoder encodes a document's stored values as zap does: the
// length of the id, then per value its field, type, offset, length and
// array positions (meta); the id followed by the values, compressed.
type storedEncoder struct {
	meta, data, compressed []byte
}

// appendDoc appends the stored record of a document to dst: the lengths
// of its meta and of the id with the compressed values, then both.
func (e *storedEncoder) appendDoc(dst, id []byte, vals []storedValue) []byte {
	// by field id, in the order given within a field
	slices.SortStableFunc(vals, func(x, y storedValue) int { return x.field - y.field })
	e.meta = binary.AppendUvarint(e.meta[:0], uint64(len(id)))
	e.data = e.data[:0]
	for _, v := range vals {
		e.meta = appendUvarints(e.meta, uint64(v.field), uint64(v.typ), uint64(len(e.data)), uint64(len(v.value)), uint64(len(v.arrayPos)))
		e.meta = appendUvarints(e.meta, v.arrayPos...)
		e.data = append(e.data, v.value...)
	}
	e.compressed = snappy.Encode(e.compressed[:cap(e.compressed)], e.data)
	dst = binary.AppendUvarint(dst, uint64(len(e.meta)))
	dst = binary.AppendUvarint(dst, uint64(len(id)+len(e.compressed)))
	dst = append(dst, e.meta...)
	dst = append(dst, id...)
	return append(dst, e.compressed...)
}

// intern returns a copy of term in the run's arena: a term may be part of
// a larger string (the document's text), which the run should not keep.
func (r *Run) intern(term string) string {
	if len(r.arena)+len(term) > cap(r.arena) {
		r.arena = make([]byte, 0, max(1<<16, len(term)))
	}
	at := len(r.arena)
	r.arena = append(r.arena, term...)
	return unsafe.String(unsafe.SliceData(r.arena[at:]), len(term))
}

// fieldAcc collects the postings of one field of a run in document order.
type fieldAcc struct {
	run     *Run
	id      int // the field's id
	f       *runField
	dict    map[string]int32 // term -> term number
	terms   []string
	last    []int32 // per term: its latest entry
	entries []entry
	pending []pendingLoc // this document's locations, in order
	locs    []location   // of the entries, grouped per entry
}

// newFieldAcc returns the accumulator of field fid of r, a run of docs
// documents, sized after the latest run's field.
func newFieldAcc(r *Run, fid, docs int) *fieldAcc {
	a := &fieldAcc{run: r, id: fid, f: &runField{}}
	h := &r.schema.hints[fid]
	if hd := h.docs.Load(); hd > 0 {
		scale := func(n int64) int { return int(n*int64(docs)/hd + n/8) }
		a.entries = make([]entry, 0, scale(h.entries.Load()))
		a.terms = make([]string, 0, scale(h.terms.Load()))
		a.last = make([]int32, 0, cap(a.terms))
		a.locs = make([]location, 0, scale(h.locs.Load()))
	}
	a.dict = make(map[string]int32, cap(a.terms))
	a.f.lens = make([]uint32, 0, docs)
	return a
}

// entry is a posting being collected.
type entry struct {
	term       int32
	doc        uint32
	freq, nloc uint32
	loc        int32 // first of its locations in locs
}

type pendingLoc struct {
	entry int32
	loc   location
}

// add adds the terms of f, a field of document n; locations wait in
// pending until the document's end.
func (a *fieldAcc) add(n uint32, f index.Field) error {
	for len(a.f.lens) <= int(n) {
		a.f.lens = append(a.f.lens, 0)
	}
	a.f.lens[n] += uint32(f.AnalyzedLength())
	vectors, counted := f.Options().IncludeTermVectors(), !f.Options().SkipFreqNorm()
	if tv, ok := f.(TermVisitor); ok {
		tv.VisitTerms(func(term string, pos, start, end int) {
			e := a.entry(term, n)
			if counted {
				a.entries[e].freq++
			}
			if vectors {
				a.pending = append(a.pending, pendingLoc{e, location{a.id, uint64(pos), uint64(start), uint64(end), nil}})
			}
		})
	} else {
		for key, tf := range f.AnalyzedTokenFrequencies() {
			e := a.entry(key, n)
			a.entries[e].freq += uint32(tf.Frequency())
			for _, l := range tf.Locations {
				lf := a.id
				if l.Field != "" {
					id, ok := a.run.schema.ids[l.Field]
					if !ok {
						return fmt.Errorf("segbuild: a location of a term of %s names field %s, which is not in the schema", f.Name(), l.Field)
					}
					lf = id
				}
				var ap []uint64
				if len(l.ArrayPositions) > 0 {
					ap = l.ArrayPositions
				}
				a.pending = append(a.pending, pendingLoc{e, location{lf, uint64(l.Position), uint64(l.Start), uint64(l.End), ap}})
			}
		}
	}
	return nil
}

// entry returns the entry of term in document n, adding it if needed.
func (a *fieldAcc) entry(term string, n uint32) int32 {
	t, ok := a.dict[term]
	if !ok {
		term = a.run.intern(term)
		t = int32(len(a.terms))
		a.dict[term] = t
		a.terms = append(a.terms, term)
		a.last = append(a.last, -1)
	}
	e := a.last[t]
	if e < 0 || a.entries[e].doc != n {
		e = int32(len(a.entries))
		a.entries = append(a.entries, entry{term: t, doc: n})
		a.last[t] = e
	}
	return e
}

// placeLocations moves the document's pending locations to locs, grouped
// per entry in the order they came.
func (a *fieldAcc) placeLocations() {
	slices.SortStableFunc(a.pending, func(x, y pendingLoc) int { return int(x.entry - y.entry) })
	for i, p := range a.pending {
		e := &a.entries[p.entry]
		if i == 0 || a.pending[i-1].entry != p.entry {
			e.loc = int32(len(a.locs))
		}
		e.nloc++
		a.locs = append(a.locs, p.loc)
	}
	a.pending = a.pending[:0]
}

// finish sorts the terms and lays the postings out per term.
func (a *fieldAcc) finish() *runField {
	f := a.f
	h := &a.run.schema.hints[a.id]
	h.docs.Store(int64(a.run.docs))
	h.entries.Store(int64(len(a.entries)))
	h.terms.Store(int64(len(a.terms)))
	h.locs.Store(int64(len(a.locs)))
	order := make([]int32, len(a.terms))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int { return strings.Compare(a.terms[x], a.terms[y]) })
	rank := make([]int32, len(a.terms))
	f.terms = make([]string, len(a.terms))
	for r, t := range order {
		rank[t] = int32(r)
		f.terms[r] = a.terms[t]
	}
	// counting sort of the entries by the rank of their term; within a
	// term they stay in document order
	f.starts = make([]int32, len(a.terms)+1)
	for _, e := range a.entries {
		f.starts[rank[e.term]+1]++
	}
	for i := 1; i < len(f.starts); i++ {
		f.starts[i] += f.starts[i-1]
	}
	at := slices.Clone(f.starts[:len(a.terms)])
	slot := make([]int32, len(a.entries))
	for i, e := range a.entries {
		r := rank[e.term]
		slot[i] = at[r]
		at[r]++
	}
	f.docs = make([]uint32, len(a.entries))
	f.freqs = make([]uint32, len(a.entries))
	withLocs := len(a.locs) > 0
	if withLocs {
		f.nlocs = make([]uint32, len(a.entries))
	}
	for i, e := range a.entries {
		s := slot[i]
		f.docs[s], f.freqs[s] = e.doc, e.freq
		if withLocs {
			f.nlocs[s] = e.nloc
		}
	}
	if withLocs {
		// locations in posting order
		inv := make([]int32, len(a.entries)) // posting -> entry
		for i := range a.entries {
			inv[slot[i]] = int32(i)
		}
		f.locs = make([]location, 0, len(a.locs))
		f.termLocs = make([]int32, len(f.terms))
		t := 0
		for s, i := range inv {
			for t < len(f.terms) && f.starts[t] <= int32(s) {
				f.termLocs[t] = int32(len(f.locs))
				t++
			}
			e := a.entries[i]
			f.locs = append(f.locs, a.locs[e.loc:e.loc+int32(e.nloc)]...)
		}
	}
	return f
}

// termMerge merges the sorted terms of a field's runs.
type termMerge struct {
	parts []*runField
	heap  []cursor
}

// cursor is the next term of a run.
type cursor struct {
	run, term int
	text      string
}

func newTermMerge(parts []*runField) *termMerge {
	m := &termMerge{parts: parts}
	for r, rf := range parts {
		if rf != nil && len(rf.terms) > 0 {
			m.heap = append(m.heap, cursor{r, 0, rf.terms[0]})
		}
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m
}

func (m *termMerge) less(i, j int) bool {
	a, b := &m.heap[i], &m.heap[j]
	if a.text != b.text {
		return a.text < b.text
	}
	return a.run < b.run
}

func (m *termMerge) down(i int) {
	for {
		c := 2*i + 1
		if c >= len(m.heap) {
			return
		}
		if c+1 < len(m.heap) && m.less(c+1, c) {
			c++
		}
		if !m.less(c, i) {
			return
		}
		m.heap[i], m.heap[c] = m.heap[c], m.heap[i]
		i = c
	}
}

// next returns the smallest term left and sets *parts to the runs that
// have it, in run order.
func (m *termMerge) next(parts *[]part) (string, bool) {
	*parts = (*parts)[:0]
	if len(m.heap) == 0 {
		return "", false
	}
	text := m.heap[0].text
	for len(m.heap) > 0 && m.heap[0].text == text {
		c := &m.heap[0]
		*parts = append(*parts, part{c.run, c.term})
		rf := m.parts[c.run]
		if c.term+1 < len(rf.terms) {
			c.term++
			c.text = rf.terms[c.term]
		} else {
			last := len(m.heap) - 1
			m.heap[0] = m.heap[last]
			m.heap = m.heap[:last]
		}
		m.down(0)
	}
	return text, true
}
