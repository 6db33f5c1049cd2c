package analysis

import (
	"encoding/json"
	"slices"
	"testing"

	"makerlink/seed"
)

// TestCutMatchesGse checks that the fast segmenter gives exactly the words
// of gse's Cut(text, false), which the relevance figures were measured
// with, on every Han run of the demo data and on runs made of dictionary
// words glued together (where ties between routes occur).
func TestCutMatchesGse(t *testing.T) {
	var runs []string
	for _, p := range seed.Generate(seed.Options{Seed: 1}).Profiles {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range splitRuns(Normalize(string(b))) {
			if r.Han {
				runs = append(runs, r.Text)
			}
		}
	}
	seg := segmenter()
	var glued string
	for i := range seg.Dict.Tokens {
		if i%97 != 0 {
			continue
		}
		glued += seg.Dict.Tokens[i].Text()
		if len([]rune(glued)) > 20 {
			runs = append(runs, glued)
			glued = ""
		}
	}
	if len(runs) < 1000 {
		t.Fatalf("only %d Han runs to compare", len(runs))
	}
	for _, r := range runs {
		if !hanOnly(r) {
			continue
		}
		want := seg.Cut(r, false)
		if got := words().cut(r); !slices.Equal(got, want) {
			t.Errorf("cut(%q) = %q, gse gives %q", r, got, want)
		}
	}
}

func hanOnly(s string) bool {
	for _, r := range s {
		if !IsHan(r) {
			return false
		}
	}
	return s != ""
}
