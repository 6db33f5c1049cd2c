package matching

import (
	"strings"
	"unicode"
)

// Tokenizer splits text into index terms. [Options.Tokenizer] swaps it, e.g.
// for a word segmenter such as the search package's analysis.Tokens; terms
// are compared as returned, so a tokenizer should lowercase them.
type Tokenizer func(text string) []string

// DefaultTokens is the built-in [Tokenizer]: lowercase runs of Latin letters
// and digits (English stop words and one-letter words dropped), and for each
// run of Han characters its unigrams and bigrams ("储能电池" gives 储, 能, 电,
// 池, 储能, 能电, 电池). It needs no dictionary and handles mixed text.
func DefaultTokens(text string) []string {
	var out []string
	var word []rune
	var han []rune
	flushWord := func() {
		if len(word) > 1 {
			w := string(word)
			if !englishStop[w] {
				out = append(out, w)
			}
		}
		word = word[:0]
	}
	flushHan := func() {
		for i, r := range han {
			if !hanStop[r] {
				out = append(out, string(r))
			}
			if i+1 < len(han) {
				out = append(out, string(han[i:i+2]))
			}
		}
		han = han[:0]
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			flushWord()
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushHan()
			word = append(word, unicode.ToLower(r))
		default:
			flushWord()
			flushHan()
		}
	}
	flushWord()
	flushHan()
	return out
}

var englishStop = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`an the and or of to in on for with by at from as is are was were be been
		it its this that these those we our you your they their he she his her we us not no but if than then
		so such can will would should could may into about over under also more most very all any each
		which who whom what when where why how do does did has have had`) {
		m[w] = true
	}
	return m
}()

// hanStop are single characters too common to mean anything alone; they still
// take part in bigrams.
var hanStop = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "的了和与及是在有为对等以于其之或也并将把被从到就都而" {
		m[r] = true
	}
	return m
}()
