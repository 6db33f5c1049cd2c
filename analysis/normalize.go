package analysis

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Normalize folds s for matching: full-width ASCII letters, digits and
// punctuation become ASCII, the ideographic space and control characters
// become spaces, invalid UTF-8 is dropped, and letters are lowercased.
func Normalize(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			b = append(b, byte(fold(rune(c))))
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r == utf8.RuneError && n <= 1 {
			continue
		}
		b = utf8.AppendRune(b, fold(r))
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// FoldRune maps one rune as [Normalize] does (control characters become
// spaces). It maps runes one to one, so offsets in runes carry over.
func FoldRune(r rune) rune { return fold(r) }

// fold maps one rune as [Normalize] does.
func fold(r rune) rune {
	if r >= cjkFirst && r <= cjkLast { // most of the text: unchanged
		return r
	}
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		return ' '
	case unicode.IsControl(r):
		return ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// IsHan reports whether r is a Chinese character.
func IsHan(r rune) bool {
	switch {
	case r >= cjkFirst && r <= cjkLast:
		return true
	case r < 0x2E80: // below the first Han block
		return false
	}
	return unicode.Is(unicode.Han, r)
}

// IsWordRune reports whether r belongs to a non-Han word (a letter of any
// script but Han, or a digit).
func IsWordRune(r rune) bool { return isWordRune(r) }

// isWordRune reports whether r belongs to a non-Han word: letters (any
// script but Han) and digits.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) && !IsHan(r)
}

// run is a maximal stretch of Han characters or of one non-Han word in a
// normalized string. Start and End are byte offsets.
type run struct {
	Text       string
	Start, End int
	Han        bool
}

// splitRuns cuts normalized text into Han runs and non-Han words; anything
// else (spaces, punctuation, symbols) separates them.
func splitRuns(s string) []run {
	out := make([]run, 0, len(s)/12+2)
	start, han := -1, false
	flush := func(end int) {
		if start >= 0 {
			out = append(out, run{Text: s[start:end], Start: start, End: end, Han: han})
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case IsHan(r):
			if start >= 0 && !han {
				flush(i)
			}
			if start < 0 {
				start, han = i, true
			}
		case isWordRune(r):
			if start >= 0 && han {
				flush(i)
			}
			if start < 0 {
				start, han = i, false
			}
		default:
			flush(i)
		}
	}
	flush(len(s))
	return out
}
