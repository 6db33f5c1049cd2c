package search

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	blevea "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"makerlink/analysis"
	"makerlink/search/internal/segbuild"
)

// Pre-analysed documents. Bleve indexes a Go value by walking it with
// reflection (the mapping), then analyses every field in its analysis
// queue: our analyzer's terms become a token stream, then a map of term
// frequencies. The index builds that map straight from our analyzer's
// terms instead, when the document is built (on every core for large
// batches), and hands Bleve fields that are already analysed. What gets
// indexed is exactly what the mapping gives (TestPreanalysedMatchesMapping);
// the mapping stays the description of the index (query analysis, Bleve's
// own searchers).

// fieldSpec is how one field of the mapping is indexed.
type fieldSpec struct {
	name     string
	opts     index.FieldIndexingOptions
	analyzer string          // the mapping's analyzer name
	bleve    blevea.Analyzer // used when analysis.TokensFor does not know it
}

// fieldPlan is the fields of the document mapping of a text mode, by name.
type fieldPlan map[string]*fieldSpec

var fieldPlans sync.Map // TextMode -> fieldPlan

// planFor returns the field plan of mode, derived from its mapping.
func planFor(mode TextMode) fieldPlan {
	if p, ok := fieldPlans.Load(mode); ok {
		return p.(fieldPlan)
	}
	im := newMapping(mode).(*mapping.IndexMappingImpl)
	plan := fieldPlan{}
	for name, dm := range im.DefaultMapping.Properties {
		if len(dm.Fields) != 1 {
			continue
		}
		fm := dm.Fields[0]
		an := fm.Analyzer
		if an == "" {
			an = im.DefaultAnalyzer
		}
		spec := &fieldSpec{name: name, opts: fm.Options(), analyzer: an}
		if _, ok := analysis.TokensFor(an, ""); !ok && an != keywordAnalyzer {
			spec.bleve = im.AnalyzerNamed(an)
			if spec.bleve == nil {
				panic(fmt.Sprintf("search: no analyzer %q for field %s", an, name))
			}
		}
		plan[name] = spec
	}
	p, _ := fieldPlans.LoadOrStore(mode, plan)
	return p.(fieldPlan)
}

// keywordAnalyzer is Bleve's keyword analyzer: the whole value is one
// term.
const keywordAnalyzer = keyword.Name

// preField is a field analysed before Bleve sees it: Analyze does
// nothing. It gives its terms one by one to the full build's segment
// builder (segbuild.TermVisitor), and counted in a map, made when first
// asked for, to Bleve's own (live batches). Like any Bleve field, it is
// not safe for concurrent use.
type preField struct {
	name  string
	opts  index.FieldIndexingOptions
	value []byte // stored fields only
	plain uint64 // bytes of text the field was made from
	toks  []analysis.Token
	freqs index.TokenFrequencies
}

var (
	_ bdoc.Field           = (*preField)(nil)
	_ segbuild.TermVisitor = (*preField)(nil)
)

func (f *preField) Name() string                        { return f.name }
func (f *preField) ArrayPositions() []uint64            { return nil }
func (f *preField) Options() index.FieldIndexingOptions { return f.opts }
func (f *preField) Analyze()                            {}
func (f *preField) Value() []byte                       { return f.value }
func (f *preField) NumPlainTextBytes() uint64           { return f.plain }
func (f *preField) EncodedFieldType() byte              { return 't' }
func (f *preField) AnalyzedLength() int                 { return len(f.toks) }

// AnalyzedTokenFrequencies counts the terms as Bleve does.
func (f *preField) AnalyzedTokenFrequencies() index.TokenFrequencies {
	if f.freqs == nil && f.opts.IsIndexed() {
		f.freqs = frequencies(f.toks, f.opts)
	}
	return f.freqs
}

// VisitTerms implements segbuild.TermVisitor.
func (f *preField) VisitTerms(visit func(term string, pos, start, end int)) {
	for i := range f.toks {
		t := &f.toks[i]
		visit(t.Term, t.Pos, t.Start, t.End)
	}
}

func (f *preField) Size() int {
	n := int(unsafe.Sizeof(*f)) + len(f.name) + len(f.value) + len(f.toks)*int(unsafe.Sizeof(analysis.Token{}))
	if f.freqs != nil {
		n += f.freqs.Size()
	}
	return n
}

// termBytes returns the bytes of s without copying them: Bleve only reads
// a term's bytes (the segment builder uses the map keys).
func termBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// addText adds one text field to doc, analysed as spec says.
func (plan fieldPlan) addText(doc *bdoc.Document, name, text string) {
	plan.addValues(doc, name, text)
}

// addValues adds a field of one or more values to doc. Several values
// make one field whose terms and length are those of the values together
// (what Bleve makes of a field that is an array, without term vectors).
func (plan fieldPlan) addValues(doc *bdoc.Document, name string, values ...string) {
	spec := plan[name]
	if spec == nil {
		panic("search: field " + name + " is not in the mapping")
	}
	if spec.bleve != nil {
		for i, v := range values {
			var ap []uint64
			if len(values) > 1 {
				ap = []uint64{uint64(i)}
			}
			doc.AddField(bdoc.NewTextFieldCustom(name, ap, []byte(v), spec.opts, spec.bleve))
		}
		return
	}
	f := &preField{name: name, opts: spec.opts}
	for _, v := range values {
		f.plain += uint64(len(v))
	}
	if spec.opts.IsStored() {
		if len(values) != 1 {
			panic("search: stored field " + name + " with several values")
		}
		f.value = []byte(values[0])
	}
	if spec.opts.IsIndexed() {
		var toks []analysis.Token
		for _, v := range values {
			if spec.analyzer == keywordAnalyzer {
				toks = append(toks, analysis.Token{Term: v, Pos: 1, Start: 0, End: len(v)})
				continue
			}
			t, _ := analysis.TokensFor(spec.analyzer, v)
			if toks == nil {
				toks = t
			} else {
				toks = append(toks, t...)
			}
		}
		f.toks = toks
	}
	doc.AddField(f)
}

// addParts adds a text field whose value is text, the parts of common
// and own joined by " \n " (and maybe more white space), analysed part
// by part: our analyzers never make a term across white space, so the
// terms and their number are those of text, and the terms of common
// parts, which repeat across documents (labels), come from a memo. Only
// positions and offsets differ, which fields without term vectors do not
// keep; other fields are analysed whole.
func (plan fieldPlan) addParts(doc *bdoc.Document, name, text string, common, own []string) {
	spec := plan[name]
	if spec == nil {
		panic("search: field " + name + " is not in the mapping")
	}
	if spec.bleve != nil || spec.analyzer == keywordAnalyzer || spec.opts.IncludeTermVectors() || spec.opts.IsStored() || !spec.opts.IsIndexed() {
		plan.addValues(doc, name, text)
		return
	}
	parts := make([][]analysis.Token, 0, len(common)+len(own))
	n := 0
	for _, part := range common {
		parts = append(parts, partTokens(spec.analyzer, part))
		n += len(parts[len(parts)-1])
	}
	for _, part := range own {
		t, _ := analysis.TokensFor(spec.analyzer, part)
		parts = append(parts, t)
		n += len(t)
	}
	toks := make([]analysis.Token, 0, n)
	for _, t := range parts {
		toks = append(toks, t...)
	}
	doc.AddField(&preField{name: name, opts: spec.opts, plain: uint64(len(text)), toks: toks})
}

// partMemo holds the terms of common parts by analyzer and text (shared:
// never change them).
var partMemo = struct {
	sync.RWMutex
	m map[string]map[string][]analysis.Token
	n int
}{m: map[string]map[string][]analysis.Token{}}

// partMemoMax bounds partMemo (it starts again empty when full).
const partMemoMax = 1 << 12

func partTokens(analyzer, part string) []analysis.Token {
	partMemo.RLock()
	t, ok := partMemo.m[analyzer][part]
	partMemo.RUnlock()
	if ok {
		return t
	}
	t, _ = analysis.TokensFor(analyzer, part)
	partMemo.Lock()
	if partMemo.n >= partMemoMax {
		clear(partMemo.m)
		partMemo.n = 0
	}
	if partMemo.m[analyzer] == nil {
		partMemo.m[analyzer] = map[string][]analysis.Token{}
	}
	partMemo.m[analyzer][strings.Clone(part)] = t
	partMemo.n++
	partMemo.Unlock()
	return t
}

// frequencies counts terms as Bleve's analysis.TokenFrequency does, with
// a few allocations per field rather than one per term.
func frequencies(toks []analysis.Token, opts index.FieldIndexingOptions) index.TokenFrequencies {
	rv := make(index.TokenFrequencies, len(toks))
	slab := make([]index.TokenFreq, len(toks))
	var locs []index.TokenLocation
	vectors := opts.IncludeTermVectors()
	if vectors {
		locs = make([]index.TokenLocation, len(toks))
	}
	used := 0
	for i := range toks {
		t := &toks[i]
		tf := rv[t.Term]
		if tf == nil {
			tf = &slab[used]
			used++
			tf.Term = termBytes(t.Term)
			rv[t.Term] = tf
		}
		if vectors {
			locs[i] = index.TokenLocation{Start: t.Start, End: t.End, Position: t.Pos}
			tf.Locations = append(tf.Locations, &locs[i])
		}
		if !opts.SkipFreqNorm() {
			tf.SetFrequency(tf.Frequency() + 1)
		}
	}
	return rv
}

// bleveDocument returns the index document of d with every field
// analysed, in the order of the fields of [document].
func (d *document) bleveDocument(id string, plan fieldPlan) *bdoc.Document {
	doc := bdoc.NewDocument(id)
	doc.Fields = make([]bdoc.Field, 0, 16)
	plan.addText(doc, fOwner, d.Owner)
	plan.addText(doc, fVis, d.Vis)
	if len(d.Facet) > 0 {
		plan.addValues(doc, fFacet, d.Facet...)
	}
	plan.addText(doc, fTitle, d.Title)
	plan.addText(doc, fSnip, d.Snip)
	plan.addText(doc, fName, d.Name)
	plan.addParts(doc, fLabels, d.Labels, d.labelParts, nil)
	plan.addText(doc, fHead, d.Head)
	plan.addText(doc, fText, d.Text)
	plan.addText(doc, fPinyinO, d.PinyinO)
	plan.addParts(doc, fLatin, d.Latin, d.labelParts, d.latinParts)
	plan.addText(doc, fLatinN, d.LatinN)
	plan.addText(doc, fSugKeys, d.SugKeys)
	doc.SetIndexed()
	return doc
}
