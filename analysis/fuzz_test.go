package analysis_test

import (
	"testing"
	"unicode/utf8"

	"makerlink/analysis"
)

// FuzzAnalysis checks that no text makes the analysis panic or produce
// terms that are not valid UTF-8 or out of the text's bounds.
func FuzzAnalysis(f *testing.F) {
	for _, s := range []string{"宁夏大学科技园", "ＡＩ startup 3D打印", "*:*", `"unbalanced`, "\x00\xff", "a\u0301b", "𠀀𠀁", "incubtor yinchaun", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2000 {
			return
		}
		n := analysis.Normalize(s)
		for _, mode := range []analysis.Mode{analysis.ModeWords, analysis.ModeBigrams} {
			for _, tok := range analysis.Analyze(s, mode) {
				if !utf8.ValidString(tok.Term) || tok.Term == "" || tok.Start < 0 || tok.End > len(n) || tok.Start >= tok.End {
					t.Fatalf("bad token %+v of %q", tok, s)
				}
			}
			analysis.ParseQuery(s, mode)
		}
		analysis.Tokens(s)
		analysis.PinyinTerms(s)
	})
}
