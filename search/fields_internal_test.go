package search

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	bdoc "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"makerlink"
	"makerlink/search/internal/segbuild"
	"makerlink/seed"
)

// fieldSummary is what the segment builder reads from the fields of one
// name of a document.
type fieldSummary struct {
	Opts   index.FieldIndexingOptions
	Typ    byte
	Length int
	Plain  uint64
	Stored []string
	Terms  map[string]string // term -> frequency and locations
}

func summarize(doc *bdoc.Document) map[string]*fieldSummary {
	out := map[string]*fieldSummary{}
	doc.VisitFields(func(f index.Field) {
		if f.Options().IsIndexed() {
			f.Analyze()
		}
		s := out[f.Name()]
		if s == nil {
			s = &fieldSummary{Opts: f.Options(), Typ: f.EncodedFieldType(), Terms: map[string]string{}}
			out[f.Name()] = s
		}
		s.Length += f.AnalyzedLength()
		s.Plain += f.NumPlainTextBytes()
		if f.Options().IsStored() {
			s.Stored = append(s.Stored, string(f.Value()))
		}
		for term, tf := range f.AnalyzedTokenFrequencies() {
			if string(tf.Term) != term {
				panic(fmt.Sprintf("field %s: term %q under key %q", f.Name(), tf.Term, term))
			}
			var locs []string
			for _, l := range tf.Locations {
				locs = append(locs, fmt.Sprintf("%d:%d-%d%v", l.Position, l.Start, l.End, l.ArrayPositions))
			}
			sort.Strings(locs)
			prev := s.Terms[term]
			s.Terms[term] = fmt.Sprintf("%s|%d %v", prev, tf.Frequency(), locs)
		}
	})
	// several values of one field: frequencies add up
	return out
}

// TestPreanalysedMatchesMapping checks that the documents the index
// analyses itself give the segment builder the same fields, lengths,
// terms, frequencies, positions and stored values as Bleve's mapping and
// analyzers give for the same profile, in every text mode.
func TestPreanalysedMatchesMapping(t *testing.T) {
	meta := func(id, owner string) makerlink.Meta { return makerlink.Meta{ID: id, OwnerID: owner, Version: 1} }
	ps := append(seed.Generate(seed.Options{Seed: 1}).Profiles,
		&makerlink.Startup{Meta: meta("empty", ""), Name: "X"},
		&makerlink.Mentor{Meta: meta("m-empty", "u1"), Name: "  ", Bio: "\u3000"},
		&makerlink.Space{Meta: meta("s-mixed", "u2"), Name: "ＡＢＣ孵化器 Lab 2.0", Description: "the and 的 了 robotics robot", Services: []string{"", "注册 registration"}},
	)
	for _, mode := range []TextMode{TextWords, TextBigrams, TextStockCJK} {
		im := newMapping(mode).(*mapping.IndexMappingImpl)
		plan := planFor(mode)
		for _, p := range ps {
			id := docID(p.Kind(), p.Base().ID)
			d := newDocument(p)
			want := bdoc.NewDocument(id)
			if err := im.MapDocument(want, d); err != nil {
				t.Fatal(err)
			}
			got := d.bleveDocument(id, plan)
			if !got.Indexed() {
				t.Fatalf("%s: document not marked indexed", id)
			}
			ws, gs := summarize(want), summarize(got)
			if reflect.DeepEqual(ws, gs) {
				continue
			}
			for name := range fieldPlanNames(ws, gs) {
				if !reflect.DeepEqual(ws[name], gs[name]) {
					t.Errorf("mode %v, %s, field %s:\n mapping %+v\n    ours %+v", mode, id, name, ws[name], gs[name])
				}
			}
			t.FailNow()
		}
	}
}

func fieldPlanNames(a, b map[string]*fieldSummary) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

// freqsOnly hides a field's segbuild.TermVisitor, so that the segment
// builder reads its counted terms (AnalyzedTokenFrequencies) instead.
type freqsOnly struct{ bdoc.Field }

// TestTermVisitorMatchesFrequencies checks that the terms the
// pre-analysed fields give one by one to the full build's segment builder
// make the segment their counted terms make, which are Bleve's
// (TestPreanalysedMatchesMapping; segbuild's tests compare that path with
// zap's own builder byte for byte).
func TestTermVisitorMatchesFrequencies(t *testing.T) {
	ps := seed.Generate(seed.Options{Seed: 3}).Profiles
	build := func(hide bool) []byte {
		plan := planFor(TextWords)
		b := segbuild.New(schemaOf(plan))
		for i := 0; i < len(ps); i += 100 {
			var docs []index.Document
			for _, p := range ps[i:min(i+100, len(ps))] {
				d := newDocument(p).bleveDocument(docID(p.Kind(), p.Base().ID), plan)
				d.AddIDField()
				d.VisitFields(func(f index.Field) { f.Analyze() })
				if hide {
					for j, f := range d.Fields {
						d.Fields[j] = freqsOnly{f}
					}
				}
				docs = append(docs, d)
			}
			if err := b.AddDocs(docs); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(t.TempDir(), "seg.zap")
		if err := b.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		out, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	visited, counted := build(false), build(true)
	if !bytes.Equal(visited, counted) {
		t.Fatalf("segments differ: %d bytes from visited terms, %d from counted terms", len(visited), len(counted))
	}
}
