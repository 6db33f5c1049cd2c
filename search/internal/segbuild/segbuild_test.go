package segbuild

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/registry"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zap "github.com/blevesearch/zapx/v17"
)

// testDocs returns n documents that use what the search index uses:
// keyword fields with doc values given as several values, text with and
// without term vectors, stored-only fields, a field given twice, array
// positions, empty fields, fields only some documents have, and terms
// common enough to span several chunks.
func testDocs(t testing.TB, n int) []index.Document {
	an, err := registry.NewCache().AnalyzerNamed(standard.Name)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega 宁夏 银川 新能源 孵化器")
	phrase := func(k int) string {
		ws := make([]string, k)
		for i := range ws {
			// a skewed choice: the first words occur in most documents
			ws[i] = words[min(int(r.ExpFloat64()*4), len(words)-1)]
		}
		ws = append(ws, fmt.Sprintf("u%d", r.IntN(5*n))) // rare terms
		return strings.Join(ws, " ")
	}
	const (
		kw     = index.IndexField | index.DocValues
		text   = index.IndexField
		vec    = index.IndexField | index.IncludeTermVectors
		stored = index.StoreField
	)
	docs := make([]index.Document, n)
	for i := range docs {
		d := bdoc.NewDocument(fmt.Sprintf("doc-%05d", i))
		for j := range 1 + r.IntN(3) {
			d.AddField(bdoc.NewTextFieldCustom("fc", nil, []byte(fmt.Sprintf("kind:%d", (i+j)%5)), kw, nil))
		}
		d.AddField(bdoc.NewTextFieldCustom("title", nil, []byte(phrase(3)), stored, nil))
		d.AddField(bdoc.NewTextFieldCustom("name", nil, []byte(phrase(2+r.IntN(4))), vec, an))
		d.AddField(bdoc.NewTextFieldCustom("text", nil, []byte(phrase(r.IntN(30))), text, an))
		if i%3 == 0 { // twice, as array values
			d.AddField(bdoc.NewTextFieldCustom("head", []uint64{0}, []byte(phrase(4)), vec|stored, an))
			d.AddField(bdoc.NewTextFieldCustom("head", []uint64{1}, []byte(phrase(4)), vec|stored, an))
		}
		if i%7 == 0 {
			d.AddField(bdoc.NewTextFieldCustom("rare", nil, []byte("x"), kw|stored, nil))
		}
		d.AddField(bdoc.NewTextFieldCustom("owner", nil, []byte(fmt.Sprintf("u%d", i%97)), text|stored, nil))
		d.AddField(bdoc.NewTextFieldCustom("empty", nil, nil, text, an))
		d.AddIDField()
		d.VisitFields(func(f index.Field) {
			if f.Options().IsIndexed() {
				f.Analyze()
			}
		})
		docs[i] = d
	}
	return docs
}

// testSchema is the fields of testDocs.
var testSchema = NewSchema("fc", "title", "name", "text", "head", "rare", "owner", "empty")

// persist writes sb to a file in dir and returns its bytes.
func persist(t testing.TB, sb *zap.SegmentBase, dir, name string) []byte {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := sb.Persist(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fieldEntry is a field of a fields section, its section addresses as a
// set (zap writes them in map order).
type fieldEntry struct {
	name, opts string
	sections   []string
}

// readFields parses the fields section of a segment file from at: n
// field entries, then the fields index.
func readFields(t *testing.T, b []byte, at uint64, n int) []fieldEntry {
	t.Helper()
	rd := bytes.NewReader(b[at:])
	uv := func() uint64 {
		v, err := binary.ReadUvarint(rd)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	var out []fieldEntry
	for range n {
		name := make([]byte, uv())
		rd.Read(name)
		e := fieldEntry{name: string(name), opts: fmt.Sprint(uv())}
		for range uv() {
			var typ uint16
			var addr uint64
			binary.Read(rd, binary.BigEndian, &typ)
			binary.Read(rd, binary.BigEndian, &addr)
			e.sections = append(e.sections, fmt.Sprintf("%d@%d", typ, addr))
		}
		slices.Sort(e.sections)
		out = append(out, e)
	}
	return out
}

// TestMatchesZap builds the same documents with zap and with a Builder,
// in one run or in runs of several sizes, through TokenFrequencies or
// TermVisitor: the files are identical up to the fields section, the
// fields sections say the same, and zap reads the Builder's segment
// back.
func TestMatchesZap(t *testing.T) {
	for _, n := range []int{1, 5, 1500, 4000} {
		// zap adds the frequencies of a field's later values into its
		// first value's (TokenFrequencies.MergeAll): its own documents
		zs, _, err := (&zap.ZapPlugin{}).New(testDocs(t, n))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		want := persist(t, zs.(*zap.SegmentBase), dir, "zap.zap")
		for _, run := range []int{n, 7, 1000} {
			for _, visit := range []bool{false, true} {
				if run > n {
					continue
				}
				t.Run(fmt.Sprintf("%d/run%d/visit=%v", n, run, visit), func(t *testing.T) {
					docs := testDocs(t, n)
					if visit {
						docs = withTermVisitors(t, docs)
					}
					b := New(testSchema)
					for i := 0; i < n; i += run {
						if err := b.AddDocs(docs[i:min(i+run, n)]); err != nil {
							t.Fatal(err)
						}
					}
					path := filepath.Join(t.TempDir(), "ours.zap")
					if err := b.WriteFile(path); err != nil {
						t.Fatal(err)
					}
					got, err := os.ReadFile(path)
					if err != nil {
						t.Fatal(err)
					}
					compareWithZap(t, got, want, b.fieldsAt)
					readBack(t, path, docs)
				})
			}
		}
	}
}

// compareWithZap compares a Builder's segment file with zap's: equal up
// to the fields section at at, the same fields there, the same fields
// index and footer but for the checksum, which must be right.
func compareWithZap(t *testing.T, got, want []byte, at uint64) {
	t.Helper()
	if len(got) != len(want) {
		i := firstDiff(got, want)
		t.Fatalf("segment of %d bytes, zap's has %d; first difference at %d (fields at %d)", len(got), len(want), i, at)
	}
	if i := firstDiff(got[:at], want[:at]); i >= 0 {
		t.Fatalf("bytes differ from zap's at offset %d of %d before the fields section", i, at)
	}
	nf := countFields(t, got, at)
	if g, w := readFields(t, got, at, nf), readFields(t, want, at, nf); !slices.EqualFunc(g, w, func(x, y fieldEntry) bool {
		return x.name == y.name && x.opts == y.opts && slices.Equal(x.sections, y.sections)
	}) {
		t.Fatalf("fields section\n got %v\nwant %v", g, w)
	}
	end := len(got) - footerLen(t, got, want, at, nf)
	if i := firstDiff(got[end:len(got)-4], want[end:len(want)-4]); i >= 0 {
		t.Fatalf("footers differ at byte %d", i)
	}
	if sum := crc32.ChecksumIEEE(got[:len(got)-4]); sum != binary.BigEndian.Uint32(got[len(got)-4:]) {
		t.Fatalf("checksum %x, want %x", binary.BigEndian.Uint32(got[len(got)-4:]), sum)
	}
}

// countFields returns the number of fields of a segment file, from the
// fields index after the entries at at.
func countFields(t *testing.T, b []byte, at uint64) int {
	t.Helper()
	// the footer holds the fields index's offset: 4+4+4 bytes before the
	// checksum, chunk mode and version, then 8
	idx := binary.BigEndian.Uint64(b[len(b)-4-4-4-8:])
	n, _ := binary.Uvarint(b[idx:])
	return int(n)
}

// tokField is a field that gives its terms through TermVisitor, as the
// search index's pre-analysed fields do.
type tokField struct {
	*bdoc.TextField
	toks []tokOcc
}

type tokOcc struct {
	term            string
	pos, start, end int
}

func (f *tokField) VisitTerms(visit func(term string, pos, start, end int)) {
	for _, o := range f.toks {
		visit(o.term, o.pos, o.start, o.end)
	}
}

// withTermVisitors replaces the analysed text fields without array
// positions of docs by tokFields with the same terms.
func withTermVisitors(t *testing.T, docs []index.Document) []index.Document {
	an, err := registry.NewCache().AnalyzerNamed(standard.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		bd := d.(*bdoc.Document)
		for i, f := range bd.Fields {
			tf, ok := f.(*bdoc.TextField)
			if !ok || len(tf.ArrayPositions()) > 0 || !tf.Options().IsIndexed() || tf.Name() == "_id" || tf.Name() == "fc" {
				continue
			}
			var toks []tokOcc
			for _, tk := range an.Analyze(tf.Value()) {
				toks = append(toks, tokOcc{string(tk.Term), tk.Position, tk.Start, tk.End})
			}
			bd.Fields[i] = &tokField{TextField: tf, toks: toks}
		}
	}
	return docs
}

// footerLen returns the bytes after the fields entries: the fields
// index and the footer (the same length in both files).
func footerLen(t *testing.T, got, want []byte, at uint64, n int) int {
	t.Helper()
	rd := bytes.NewReader(got[at:])
	for range n {
		l, _ := binary.ReadUvarint(rd)
		rd.Seek(int64(l), 1)
		binary.ReadUvarint(rd)
		k, _ := binary.ReadUvarint(rd)
		rd.Seek(int64(k)*10, 1)
	}
	return rd.Len()
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// readBack opens the file with zap and checks what a search reads:
// documents, stored ids, postings with frequencies, norms and locations,
// doc values.
func readBack(t *testing.T, path string, docs []index.Document) {
	t.Helper()
	s, err := (&zap.ZapPlugin{}).Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sb := s.(*zap.Segment)
	if sb.Count() != uint64(len(docs)) {
		t.Fatalf("Count = %d, want %d", sb.Count(), len(docs))
	}
	for n, d := range docs {
		id, err := sb.DocID(uint64(n))
		if err != nil || string(id) != d.ID() {
			t.Fatalf("DocID(%d) = %q, %v; want %q", n, id, err, d.ID())
		}
	}
	dict, err := sb.Dictionary("name")
	if err != nil {
		t.Fatal(err)
	}
	pl, err := dict.PostingsList([]byte("alpha"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	it := pl.Iterator(true, true, true, nil)
	var seen int
	for {
		p, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if p == nil {
			break
		}
		seen++
		var want uint64
		var length int
		docs[p.Number()].VisitFields(func(f index.Field) {
			if f.Name() == "name" {
				want = uint64(f.AnalyzedTokenFrequencies()["alpha"].Frequency())
				length += f.AnalyzedLength()
			}
		})
		if p.Frequency() != want || len(p.Locations()) != int(want) {
			t.Fatalf("doc %d: freq %d, %d locations; want %d", p.Number(), p.Frequency(), len(p.Locations()), want)
		}
		if p.Norm() <= 0 || length == 0 {
			t.Fatalf("doc %d: norm %v, length %d", p.Number(), p.Norm(), length)
		}
	}
	if seen == 0 && len(docs) > 100 {
		t.Fatal("no postings of a common term")
	}
	var dv []string
	_, err = sb.VisitDocValues(0, []string{"fc"}, func(field string, term []byte) {
		dv = append(dv, string(term))
	}, nil)
	if err != nil || len(dv) == 0 {
		t.Fatalf("doc values of doc 0: %v, %v", dv, err)
	}
	var _ segment.Segment = sb
}

// compositeDoc is a document with a composite field.
type compositeDoc struct{ *bdoc.Document }

func (compositeDoc) HasComposite() bool { return true }

// TestRefused: what a Builder cannot write is refused with a clear error,
// before anything is written.
func TestRefused(t *testing.T) {
	withID := func(d *bdoc.Document) *bdoc.Document {
		d.AddIDField()
		d.VisitFields(func(f index.Field) { f.Analyze() })
		return d
	}
	noID := bdoc.NewDocument("x").AddField(bdoc.NewTextFieldCustom("owner", nil, []byte("u1"), index.IndexField|index.StoreField, nil))
	unknown := withID(bdoc.NewDocument("y").AddField(bdoc.NewTextFieldCustom("nope", nil, []byte("v"), index.IndexField, nil)))
	for _, tt := range []struct {
		name string
		doc  index.Document
		want string
	}{
		{"without _id", noID, "without an _id field"},
		{"field not in the schema", unknown, "field nope is not in the schema"},
		{"composite field", compositeDoc{withID(bdoc.NewDocument("z"))}, "composite fields are not supported"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewRun(testSchema, []index.Document{tt.doc}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewRun: %v, want an error with %q", err, tt.want)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "empty.zap")
	if err := New(testSchema).WriteFile(path); err == nil {
		t.Error("WriteFile of no documents: no error")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a failed WriteFile left %s (%v)", path, err)
	}
	other, _ := NewRun(NewSchema("owner"), []index.Document{withID(bdoc.NewDocument("w"))})
	if err := New(testSchema).Add(other); err == nil {
		t.Error("Add of a run of another schema: no error")
	}
}

// BenchmarkSegment builds one segment of 20,000 test documents with zap's
// builder and with a Builder (runs of 1,250, on one goroutine), and writes
// it: microseconds per document.
//
//	go test -run '^$' -bench Segment ./search/internal/segbuild/
func BenchmarkSegment(b *testing.B) {
	const n, run = 20000, 1250
	b.Run("zap", func(b *testing.B) {
		b.StopTimer()
		for range b.N {
			docs := testDocs(b, n)
			b.StartTimer()
			sb, _, err := (&zap.ZapPlugin{}).New(docs)
			if err != nil {
				b.Fatal(err)
			}
			if err := sb.(*zap.SegmentBase).Persist(filepath.Join(b.TempDir(), "zap.zap")); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/doc")
	})
	b.Run("segbuild", func(b *testing.B) {
		b.StopTimer()
		for range b.N {
			docs := testDocs(b, n)
			b.StartTimer()
			bl := New(testSchema)
			for i := 0; i < n; i += run {
				if err := bl.AddDocs(docs[i:min(i+run, n)]); err != nil {
					b.Fatal(err)
				}
			}
			if err := bl.WriteFile(filepath.Join(b.TempDir(), "ours.zap")); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/doc")
	})
}

// TestOneHit: with OneHit, terms found once go into the dictionary itself,
// and zap reads from the smaller segment every term's postings (documents,
// frequencies, norms, locations) as it reads them from its own builder's.
func TestOneHit(t *testing.T) {
	const n = 1500
	dir := t.TempDir()
	zs, _, err := (&zap.ZapPlugin{}).New(testDocs(t, n))
	if err != nil {
		t.Fatal(err)
	}
	want := persist(t, zs.(*zap.SegmentBase), dir, "zap.zap")
	b := New(testSchema)
	b.OneHit = true
	docs := testDocs(t, n)
	for i := 0; i < n; i += 500 {
		if err := b.AddDocs(docs[i : i+500]); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.WriteFile(filepath.Join(dir, "ours.zap")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "ours.zap"))
	if len(got) >= len(want) {
		t.Errorf("segment of %d bytes with OneHit, zap's builder writes %d", len(got), len(want))
	}
	if d := dumpPostings(t, filepath.Join(dir, "ours.zap")); d != dumpPostings(t, filepath.Join(dir, "zap.zap")) {
		t.Error("postings read back differ from those of zap's builder")
	}
}

// dumpPostings returns every field's terms and postings as zap reads them.
func dumpPostings(t *testing.T, path string) string {
	t.Helper()
	s, err := (&zap.ZapPlugin{}).Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out strings.Builder
	for _, field := range s.Fields() {
		d, err := s.Dictionary(field)
		if err != nil {
			t.Fatal(err)
		}
		it := d.AutomatonIterator(nil, nil, nil)
		ones := 0
		for e, err := it.Next(); err == nil && e != nil; e, err = it.Next() {
			pl, err := d.PostingsList([]byte(e.Term), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&out, "%s:%s:", field, e.Term)
			pi := pl.Iterator(true, true, true, nil)
			for p, err := pi.Next(); err == nil && p != nil; p, err = pi.Next() {
				fmt.Fprintf(&out, " %d/%d/%v", p.Number(), p.Frequency(), p.Norm())
				for _, l := range p.Locations() {
					fmt.Fprintf(&out, "[%s %d %d-%d %v]", l.Field(), l.Pos(), l.Start(), l.End(), l.ArrayPositions())
				}
			}
			out.WriteByte('\n')
			ones++
		}
		if ones == 0 && field == "name" {
			t.Fatalf("no terms read in %s of %s", field, path)
		}
	}
	return out.String()
}
