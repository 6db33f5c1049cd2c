// Package segbuild writes analysed documents as one Bleve segment in the
// zap format that Bleve's scorch index reads (zapx v17).
//
// zap builds a segment from a batch of documents in memory (interim
// maps per field and term, a roaring bitmap per term), and grows slower
// per document as the batch grows; a full build therefore wrote many
// small segments and merged them into one, and the merge ran on a single
// core. Here each batch of documents becomes a [Run] (per field a small
// term dictionary, sorted, with its postings as plain arrays), runs of
// different batches are made concurrently, and a [Builder] merges the
// runs' terms as it writes the segment, once, with no merge of segments.
// The fields are declared up front ([Schema]).
//
// What is written is what zap's own builder writes for the same
// documents, byte for byte up to the fields section (whose section table
// zap writes in map order): stored fields, the stored index, and per field
// the postings (frequencies and norms in chunks of DefaultChunkMode,
// locations, a roaring bitmap), the term dictionary (a vellum FST) and the
// doc values. TestMatchesZap checks it against zap on the same documents;
// [Builder.OneHit] adds the single-posting encoding of zap's merge. Geo
// shapes, vectors, synonyms and nested documents are not supported. The
// format is zapx v17's: should Bleve move to another version, the index
// would refuse the segments (the snapshot names the version scorch
// writes) and every search test would fail.
package segbuild

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/vellum"
	zap "github.com/blevesearch/zapx/v17"
	"github.com/golang/snappy"
)

// idField is the document id field, field 0 of every zap segment.
const idField = "_id"

// dvSeparator ends each term of a document's doc values.
const dvSeparator = index.DocValueTermSeparator

// fieldNotUninverted marks a field without doc values (zap's value).
const fieldNotUninverted = math.MaxUint64

// mask31 bounds the document numbers and norms of one-hit terms.
const mask31 = 1<<31 - 1

// legacyChunk is the chunk size of doc values (zap.LegacyChunkMode).
const legacyChunk = 1024

// location is one occurrence of a term kept for term vectors.
type location struct {
	field           int // the id of the field the location names
	pos, start, end uint64
	arrayPos        []uint64
}

// storedValue is a stored value of a document.
type storedValue struct {
	field    int
	typ      byte
	value    []byte
	arrayPos []uint64
}

// A Schema is the fields of a segment: _id, then the given names in
// order, the field ids zap gives them. Runs encode their documents' stored
// values with these ids, so that writing the segment only copies them.
type Schema struct {
	names []string
	ids   map[string]int
	// sizes of the latest run per field (entries, terms), so that the
	// next one allocates its arrays once
	hints  []sizeHint
	stored struct{ docs, bytes atomic.Int64 } // of the latest run
}

type sizeHint struct {
	docs, entries, terms, locs atomic.Int64
}

// NewSchema returns the schema of the fields names (_id is added).
func NewSchema(names ...string) *Schema {
	s := &Schema{names: []string{idField}, ids: map[string]int{idField: 0}}
	rest := slices.Clone(names)
	slices.Sort(rest)
	for _, n := range slices.Compact(rest) {
		if n == idField {
			continue
		}
		s.ids[n] = len(s.names)
		s.names = append(s.names, n)
	}
	s.hints = make([]sizeHint, len(s.names))
	return s
}

// A Builder collects the runs of a segment, in document order, and
// writes the segment. It is not safe for concurrent use; runs are built
// concurrently ([NewRun]).
type Builder struct {
	// OneHit writes a term found once, in one document and without
	// locations, into the term dictionary itself, as zap's merge does
	// (a smaller segment; zap's builder does not, and without OneHit the
	// segment is the one it writes).
	OneHit bool

	schema   *Schema
	runs     []*Run
	docs     int
	fieldsAt uint64 // where the last segment written has its fields section
}

// New returns an empty Builder of a segment with the fields of s.
func New(s *Schema) *Builder { return &Builder{schema: s} }

// Add appends the documents of r to the segment, after those added
// before. r must have been made with the Builder's schema.
func (b *Builder) Add(r *Run) error {
	if r.schema != b.schema {
		return fmt.Errorf("segbuild: a run of another schema")
	}
	b.runs = append(b.runs, r)
	b.docs += r.docs
	return nil
}

// AddDocs appends docs as one run ([NewRun]).
func (b *Builder) AddDocs(docs []index.Document) error {
	r, err := NewRun(b.schema, docs)
	if err != nil {
		return err
	}
	return b.Add(r)
}

// WriteFile writes the documents added as a zap segment file at path,
// which Bleve's zap plugin opens (zap.ZapPlugin.Open) and merges.
func (b *Builder) WriteFile(path string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("segbuild: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("segbuild: %w", cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	aw := newAsyncWriter(f, 1<<20, 4)
	werr := b.write(aw)
	if err := aw.Close(); err != nil {
		return fmt.Errorf("segbuild: %w", err)
	}
	return werr
}

// segField is a field of the segment being written, with its parts in
// the runs.
type segField struct {
	name  string
	opts  index.FieldIndexingOptions
	dv    bool
	parts []*runField // by run; nil where a run lacks the field
}

// write writes the segment to out.
func (b *Builder) write(out io.Writer) error {
	if b.docs == 0 {
		return fmt.Errorf("segbuild: no documents")
	}
	fields := make([]*segField, len(b.schema.names))
	for i, name := range b.schema.names {
		f := &segField{name: name, parts: make([]*runField, len(b.runs))}
		if i == 0 {
			f.opts = index.IndexField | index.StoreField
		}
		for ri, r := range b.runs {
			if rf := r.fields[i]; rf != nil {
				f.opts |= rf.opts
				f.dv = f.dv || rf.dv
				f.parts[ri] = rf
			}
		}
		fields[i] = f
	}
	bases := make([]uint32, len(b.runs)) // first document number of each run
	for i := 1; i < len(b.runs); i++ {
		bases[i] = bases[i-1] + uint32(b.runs[i-1].docs)
	}

	w := &writer{out: out}
	storedIndex := b.writeStored(w)
	addrs := make([]uint64, len(fields))
	for i, f := range fields {
		addr, err := f.write(w, b.docs, bases, b.OneHit)
		if err != nil {
			return err
		}
		addrs[i] = addr
	}
	b.fieldsAt = w.count()
	sectionsIndex := writeFields(w, fields, addrs)
	w.footer(uint64(b.docs), storedIndex, sectionsIndex)
	if w.err != nil {
		return fmt.Errorf("segbuild: %w", w.err)
	}
	return nil
}

// writer writes a segment, counting its bytes and their checksum. The
// first error sticks.
type writer struct {
	out io.Writer
	n   uint64
	crc uint32
	err error
	tmp [binary.MaxVarintLen64]byte
}

func (w *writer) count() uint64 { return w.n }

func (w *writer) write(p []byte) {
	if w.err != nil {
		return
	}
	_, w.err = w.out.Write(p)
	w.n += uint64(len(p))
	w.crc = crc32.Update(w.crc, crc32.IEEETable, p)
}

func (w *writer) uvarint(v uint64) {
	n := binary.PutUvarint(w.tmp[:], v)
	w.write(w.tmp[:n])
}

func (w *writer) uint64BE(v uint64) {
	binary.BigEndian.PutUint64(w.tmp[:8], v)
	w.write(w.tmp[:8])
}

func (w *writer) uint32BE(v uint32) {
	binary.BigEndian.PutUint32(w.tmp[:4], v)
	w.write(w.tmp[:4])
}

// footer writes zap's footer: no writer id (its length 0), the number of
// documents, the offsets of the stored index and the fields index, the
// chunk mode, the version and the checksum of everything before it.
func (w *writer) footer(docs, storedIndex, sectionsIndex uint64) {
	w.uint32BE(0)
	w.uint64BE(docs)
	w.uint64BE(storedIndex)
	w.uint64BE(sectionsIndex)
	w.uint32BE(zap.DefaultChunkMode)
	w.uint32BE(zap.Version)
	w.uint32BE(w.crc)
}

func appendUvarints(dst []byte, vs ...uint64) []byte {
	for _, v := range vs {
		dst = binary.AppendUvarint(dst, v)
	}
	return dst
}

// writeStored writes the stored fields of every document (the runs
// encoded them) and the stored index, and returns the index's offset.
func (b *Builder) writeStored(w *writer) uint64 {
	offsets := make([]uint64, 0, b.docs)
	for _, r := range b.runs {
		at := w.count()
		for _, o := range r.storedAt {
			offsets = append(offsets, at+uint64(o))
		}
		w.write(r.stored)
	}
	at := w.count()
	for _, o := range offsets {
		w.uint64BE(o)
	}
	w.uvarint(0) // no nested documents
	return at
}

// vellumOpts are the options zap builds its term dictionaries with.
var vellumOpts = &vellum.BuilderOpts{Encoder: 1, RegistryTableSize: 0, RegistryMRUSize: 1}

// part is a run's postings of one term.
type part struct {
	run  int
	term int
}

// write writes the field's postings, term dictionary and doc values, and
// returns the address of the field's section. The runs' sorted terms are
// merged; a term's postings are those of its runs, in run order.
func (f *segField) write(w *writer, docs int, bases []uint32, oneHit bool) (uint64, error) {
	var dvTerms [][]byte // per document, when the field has doc values
	if f.dv {
		dvTerms = make([][]byte, docs)
	}
	var fst bytes.Buffer
	vb, err := vellum.New(&fst, vellumOpts)
	if err != nil {
		return 0, fmt.Errorf("segbuild: field %s: %w", f.name, err)
	}
	var (
		tf, loc chunks
		bm      = roaring.New()
		rb      []byte
		gdocs   []uint32
		parts   []part
		m       = newTermMerge(f.parts)
	)
	for {
		text, ok := m.next(&parts)
		if !ok {
			break
		}
		card := 0
		for _, p := range parts {
			rf := f.parts[p.run]
			card += int(rf.starts[p.term+1] - rf.starts[p.term])
		}
		chunk := chunkSize(uint64(card), uint64(docs))
		tf.reset(chunk, uint64(docs))
		loc.reset(chunk, uint64(docs))
		gdocs = gdocs[:0]
		var freq1, norm1 uint64 // of the last posting
		for _, p := range parts {
			rf := f.parts[p.run]
			from, to := int(rf.starts[p.term]), int(rf.starts[p.term+1])
			li := 0
			if rf.nlocs != nil {
				li = int(rf.termLocs[p.term])
			}
			for i := from; i < to; i++ {
				local := rf.docs[i]
				d := bases[p.run] + local
				doc := uint64(d)
				gdocs = append(gdocs, d)
				nl := 0
				if rf.nlocs != nil {
					nl = int(rf.nlocs[i])
				}
				hasLocs := uint64(0)
				if nl > 0 {
					hasLocs = 1
				}
				freq1, norm1 = uint64(rf.freqs[i]), uint64(rf.lens[local])
				if freq1 > 0 {
					tf.add(doc, freq1<<1|hasLocs, norm1)
				} else {
					tf.add(doc, hasLocs)
				}
				if nl > 0 {
					ls := rf.locs[li : li+nl]
					li += nl
					size := 0
					for _, l := range ls {
						lf := uint64(l.field)
						size += uvarintLen(lf) + uvarintLen(l.pos) + uvarintLen(l.start) + uvarintLen(l.end) + uvarintLen(uint64(len(l.arrayPos)))
						for _, a := range l.arrayPos {
							size += uvarintLen(a)
						}
					}
					loc.add(doc, uint64(size))
					for _, l := range ls {
						loc.add(doc, uint64(l.field), l.pos, l.start, l.end, uint64(len(l.arrayPos)))
						loc.add(doc, l.arrayPos...)
					}
				}
				if dvTerms != nil {
					dvTerms[d] = append(append(dvTerms[d], text...), dvSeparator)
				}
			}
		}
		tf.close()
		loc.close()
		if oneHit && card == 1 && len(loc.final) == 0 && freq1 == 1 && uint64(gdocs[0]) <= mask31 {
			if err := vb.Insert([]byte(text), zap.FSTValEncode1Hit(uint64(gdocs[0]), norm1)); err != nil {
				return 0, fmt.Errorf("segbuild: field %s: term %q: %w", f.name, text, err)
			}
			continue
		}
		tfAt, locAt := tf.write(w), loc.write(w)
		at := w.count()
		w.uvarint(tfAt)
		w.uvarint(locAt)
		bm.Clear()
		bm.AddMany(gdocs)
		if rb, err = bm.ToBytes(); err != nil {
			return 0, fmt.Errorf("segbuild: field %s: %w", f.name, err)
		}
		w.uvarint(uint64(len(rb)))
		w.write(rb)
		if err := vb.Insert([]byte(text), at); err != nil {
			return 0, fmt.Errorf("segbuild: field %s: term %q: %w", f.name, text, err)
		}
	}
	if err := vb.Close(); err != nil {
		return 0, fmt.Errorf("segbuild: field %s: %w", f.name, err)
	}
	dictAt := w.count()
	w.uvarint(uint64(fst.Len()))
	w.write(fst.Bytes())

	dvStart, dvEnd := uint64(fieldNotUninverted), uint64(fieldNotUninverted)
	if dvTerms != nil {
		size := uint64(legacyChunk)
		if f.opts.SkipDVChunking() {
			size = 1
		}
		dv := newContentChunks(size, uint64(docs), !f.opts.SkipDVCompression())
		for d, ts := range dvTerms {
			if len(ts) > 0 {
				dv.add(uint64(d), ts)
			}
		}
		dv.close()
		dvStart = w.count()
		dv.write(w)
		dvEnd = w.count()
	}
	at := w.count()
	w.uvarint(dvStart)
	w.uvarint(dvEnd)
	w.uvarint(dictAt)
	return at, nil
}

// chunkSize is zap's chunk size of a postings list of card documents in
// a segment of docs documents (DefaultChunkMode, 1026): as few chunks of
// at most 1024 postings as can be, dividing the document numbers evenly.
func chunkSize(card, docs uint64) uint64 {
	return max(docs/(card/1024+1), 1)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// chunks encodes integers by chunk of document numbers, as zap's
// chunkedIntCoder does.
type chunks struct {
	size  uint64
	lens  []uint64
	cur   uint64
	buf   []byte // the chunk being filled
	final []byte
}

func (c *chunks) reset(size, docs uint64) {
	n := int((docs-1)/size + 1)
	c.size, c.cur = size, 0
	c.lens = slices.Grow(c.lens[:0], n)[:n]
	clear(c.lens)
	c.buf, c.final = c.buf[:0], c.final[:0]
}

func (c *chunks) add(doc uint64, vs ...uint64) {
	if ch := doc / c.size; ch != c.cur {
		c.close()
		c.buf = c.buf[:0]
		c.cur = ch
	}
	c.buf = appendUvarints(c.buf, vs...)
}

func (c *chunks) close() {
	c.lens[c.cur] = uint64(len(c.buf))
	c.final = append(c.final, c.buf...)
}

// write writes the chunks (their count, end offsets and bytes) and
// returns where they start, or 0 when there is nothing to write.
func (c *chunks) write(w *writer) uint64 {
	if len(c.final) == 0 {
		return 0
	}
	at := w.count()
	w.uvarint(uint64(len(c.lens)))
	var end uint64
	for _, l := range c.lens {
		end += l
		w.uvarint(end)
	}
	w.write(c.final)
	return at
}

// contentChunks encodes doc values by chunk of document numbers, as
// zap's chunkedContentCoder does: per chunk the documents' end offsets,
// then the snappy-compressed values.
type contentChunks struct {
	size     uint64
	compress bool
	lens     []uint64
	cur      uint64
	meta     []uint64 // document, end offset pairs of the chunk
	buf      []byte
	final    []byte
	tmp      []byte
}

func newContentChunks(size, docs uint64, compress bool) *contentChunks {
	return &contentChunks{size: size, compress: compress, lens: make([]uint64, (docs-1)/size+1)}
}

func (c *contentChunks) add(doc uint64, val []byte) {
	if ch := doc / c.size; ch != c.cur {
		c.close()
		c.buf, c.meta = c.buf[:0], c.meta[:0]
		c.cur = ch
	}
	c.buf = append(c.buf, val...)
	c.meta = append(c.meta, doc, uint64(len(c.buf)))
}

func (c *contentChunks) close() {
	start := len(c.final)
	if c.size != 1 {
		c.final = binary.AppendUvarint(c.final, uint64(len(c.meta)/2))
		c.final = appendUvarints(c.final, c.meta...)
	}
	data := c.buf
	if c.compress {
		c.tmp = snappy.Encode(c.tmp[:cap(c.tmp)], c.buf)
		data = c.tmp
	}
	c.final = append(c.final, data...)
	c.lens[c.cur] = uint64(len(c.final) - start)
}

func (c *contentChunks) write(w *writer) {
	w.write(c.final)
	start := w.count()
	var end uint64
	for _, l := range c.lens {
		end += l
		w.uvarint(end)
	}
	w.uint64BE(w.count() - start)
	w.uint64BE(uint64(len(c.lens)))
}

// sectionTypes are the sections zap lists for every field (those it
// registers without the vectors build tag); only the inverted index has
// data here.
var sectionTypes = []uint16{zap.SectionInvertedTextIndex, zap.SectionSynonymIndex, zap.SectionGeoShapeV2Index}

// writeFields writes the fields section (names, options and section
// addresses) and returns its index's offset.
func writeFields(w *writer, fields []*segField, addrs []uint64) uint64 {
	starts := make([]uint64, len(fields))
	for i, f := range fields {
		starts[i] = w.count()
		w.uvarint(uint64(len(f.name)))
		w.write([]byte(f.name))
		w.uvarint(uint64(f.opts))
		w.uvarint(uint64(len(sectionTypes)))
		for _, st := range sectionTypes {
			binary.BigEndian.PutUint16(w.tmp[:2], st)
			w.write(w.tmp[:2])
			addr := uint64(0)
			if st == zap.SectionInvertedTextIndex {
				addr = addrs[i]
			}
			w.uint64BE(addr)
		}
	}
	at := w.count()
	w.uvarint(uint64(len(fields)))
	for _, s := range starts {
		w.uint64BE(s)
	}
	return at
}
