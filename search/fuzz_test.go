package search_test

import (
	"strings"
	"testing"

	"makerlink/analysis"
	"makerlink/search"
)

// FuzzSnippet checks that snippets never panic and never let markup
// through other than <mark>.
func FuzzSnippet(f *testing.F) {
	f.Add("枸杞深加工 <b>bold</b> & goji", "枸杞 goji")
	f.Add("", "x")
	f.Add("ＡＩ startups", "ai")
	f.Fuzz(func(t *testing.T, text, q string) {
		if len(text) > 5000 || len(q) > 200 {
			return
		}
		s := search.Snippet(text, analysis.ParseQuery(q, analysis.ModeWords), 120)
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("unescaped markup in %q", s)
		}
	})
}
