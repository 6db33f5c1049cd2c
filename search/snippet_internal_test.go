package search

import (
	"testing"
	"unicode/utf8"

	"makerlink/analysis"
)

// TestFoldRune checks the short cuts of foldRune against
// analysis.FoldRune for every rune.
func TestFoldRune(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if got, want := foldRune(r), analysis.FoldRune(r); got != want {
			t.Fatalf("foldRune(%U) = %U, analysis.FoldRune %U", r, got, want)
		}
	}
}
