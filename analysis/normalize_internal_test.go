package analysis

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestFastPathsMatchTables checks the shortcuts of fold, IsHan and
// isWordRune against the Unicode tables for every rune.
func TestFastPathsMatchTables(t *testing.T) {
	slowFold := func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			return ' '
		case unicode.IsControl(r):
			return ' '
		}
		return unicode.ToLower(r)
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := fold(r), slowFold(r); got != want {
			t.Fatalf("fold(%U) = %U, want %U", r, got, want)
		}
		han := unicode.Is(unicode.Han, r)
		if got := IsHan(r); got != han {
			t.Fatalf("IsHan(%U) = %v, want %v", r, got, han)
		}
		word := (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) && !han
		if got := isWordRune(r); got != word {
			t.Fatalf("isWordRune(%U) = %v, want %v", r, got, word)
		}
	}
	for _, s := range []string{"", "ABC def", "宁夏 NingXia\n大学", "ＡＢＣ１２３", "\xff\xfe bad", "a\x00b\x7fc", "İstanbul ΣΑΣ"} {
		var want []rune
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			if r == utf8.RuneError && n <= 1 {
				continue
			}
			want = append(want, slowFold(r))
		}
		if got := Normalize(s); got != string(want) {
			t.Errorf("Normalize(%q) = %q, want %q", s, got, string(want))
		}
	}
}
