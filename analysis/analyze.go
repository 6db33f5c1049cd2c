package analysis

import (
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

// Mode chooses how Han text becomes index terms. Both modes also emit every
// Han character as a one-character term.
type Mode int

const (
	// ModeWords emits gse words and, inside words longer than two
	// characters, the dictionary words of two and three characters they
	// contain (search-engine mode).
	ModeWords Mode = iota
	// ModeBigrams emits overlapping character bigrams.
	ModeBigrams
	// ModeWordsOnly is ModeWords without the characters inside words:
	// a character is a term only where the segmenter leaves it alone
	// (and it is not a function word such as 的). It gives long text
	// about 40% of the terms of ModeWords.
	ModeWordsOnly
)

// DefaultMode is the mode of [AnalyzerText], chosen by measured relevance
// (see docs/benchmarks.md, "Search").
const DefaultMode = ModeWords

// TokenType tells what a [Token] is.
type TokenType int

// Token types.
const (
	TypeLatin   TokenType = iota // a stemmed non-Han word
	TypeWord                     // a Han word of two or more characters
	TypeUnigram                  // one Han character
	TypeBigram                   // two adjacent Han characters (ModeBigrams)
)

// Token is one term of analysed text. Pos counts from 1; Han words and
// bigrams share the position of their first character, so a phrase of
// unigrams matches adjacent characters. Start and End are byte offsets in
// the normalized text.
type Token struct {
	Term       string
	Pos        int
	Start, End int
	Type       TokenType
}

// Analyze normalizes s and returns its index terms in the given mode.
func Analyze(s string, mode Mode) []Token {
	s = Normalize(s)
	out := make([]Token, 0, len(s)/2+4)
	pos := 1
	for _, r := range splitRuns(s) {
		if !r.Han {
			if t, ok := latinTerm(r.Text); ok {
				out = append(out, Token{Term: t, Pos: pos, Start: r.Start, End: r.End, Type: TypeLatin})
				pos++
			}
			continue
		}
		out = appendHan(out, r, pos, mode)
		pos += utf8.RuneCountInString(r.Text)
	}
	return out
}

// appendHan appends the terms of one Han run that starts at position pos.
func appendHan(out []Token, r run, pos int, mode Mode) []Token {
	// byte offset of each rune, plus the end
	offs := make([]int, 0, len(r.Text)/3+1)
	for i := range r.Text {
		offs = append(offs, r.Start+i)
	}
	n := len(offs)
	offs = append(offs, r.End)
	if mode != ModeWordsOnly {
		for i := 0; i < n; i++ {
			out = append(out, Token{Term: r.Text[offs[i]-r.Start : offs[i+1]-r.Start], Pos: pos + i, Start: offs[i], End: offs[i+1], Type: TypeUnigram})
		}
	}
	sub := func(i, j int) string { return r.Text[offs[i]-r.Start : offs[j]-r.Start] }
	switch mode {
	case ModeBigrams:
		for i := 0; i+1 < n; i++ {
			out = append(out, Token{Term: sub(i, i+2), Pos: pos + i, Start: offs[i], End: offs[i+2], Type: TypeBigram})
		}
	default:
		i := 0
		for _, w := range cut(r.Text) {
			k := utf8.RuneCountInString(w)
			switch {
			case k >= 2:
				out = append(out, Token{Term: w, Pos: pos + i, Start: offs[i], End: offs[i+k], Type: TypeWord})
			case mode == ModeWordsOnly && !zhStopWords[w]:
				out = append(out, Token{Term: w, Pos: pos + i, Start: offs[i], End: offs[i+k], Type: TypeUnigram})
			}
			for _, g := range []int{2, 3} {
				if k <= g {
					continue
				}
				for j := 0; j+g <= k; j++ {
					if t := sub(i+j, i+j+g); inDict(t) {
						out = append(out, Token{Term: t, Pos: pos + i + j, Start: offs[i+j], End: offs[i+j+g], Type: TypeWord})
					}
				}
			}
			i += k
		}
	}
	return out
}

// latinTerm returns the index term of a non-Han word: stop words are
// dropped, letters are Porter-stemmed, words with digits kept as they are.
func latinTerm(w string) (string, bool) {
	if stopWords[w] {
		return "", false
	}
	return Stem(w), true
}

// Stem returns the Porter stem of a lowercase word. Words with digits or
// non-ASCII letters are returned unchanged.
func Stem(w string) string {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c < 'a' || c > 'z' {
			return w
		}
	}
	if len(w) <= 2 {
		return w
	}
	return porterstemmer.StemString(w)
}

// stopWords are English words too common to help a search.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"by": true, "for": true, "from": true, "in": true, "is": true, "it": true, "of": true,
	"on": true, "or": true, "that": true, "the": true, "to": true, "was": true,
	"were": true, "with": true, "we": true, "our": true, "this": true, "its": true,
}

// Tokens returns the terms of s for statistics such as TF-IDF: Chinese
// words as gse segments them (single characters included, punctuation
// and the most common function words dropped) and English words
// lowercased, without stop words, Porter-stemmed. Unlike [Analyze] it
// emits no overlapping sub-words, so every character counts once.
func Tokens(s string) []string {
	s = Normalize(s)
	var out []string
	for _, r := range splitRuns(s) {
		if !r.Han {
			if t, ok := latinTerm(r.Text); ok {
				out = append(out, t)
			}
			continue
		}
		for _, w := range cut(r.Text) {
			if !zhStopWords[w] {
				out = append(out, w)
			}
		}
	}
	return out
}

// zhStopWords are Chinese function words dropped by [Tokens].
var zhStopWords = map[string]bool{
	"的": true, "了": true, "和": true, "与": true, "及": true, "是": true, "在": true,
	"为": true, "对": true, "等": true, "并": true, "或": true, "也": true, "把": true,
	"被": true, "将": true, "于": true, "以": true, "之": true, "其": true, "我们": true,
	"一个": true, "一家": true,
}
