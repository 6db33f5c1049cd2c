package analysis

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	blevea "github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the package registers Bleve analyzers. They are stored
// in index mappings: never rename one (add a new name instead).
const (
	// AnalyzerText analyses Chinese and English text in [DefaultMode].
	AnalyzerText = "makerlink_text"
	// AnalyzerTextWords and AnalyzerTextBigrams fix the mode.
	AnalyzerTextWords   = "makerlink_text_words"
	AnalyzerTextBigrams = "makerlink_text_bigrams"
	// AnalyzerTextWordsOnly analyses in [ModeWordsOnly] (for long text).
	AnalyzerTextWordsOnly = "makerlink_text_words_only"
	// AnalyzerLatin keeps non-Han words lowercased but not stemmed (for
	// typo-tolerant matching); Han text is skipped.
	AnalyzerLatin = "makerlink_latin"
	// AnalyzerKeywords splits on white space and normalizes each word
	// (for pre-computed terms such as pinyin).
	AnalyzerKeywords = "makerlink_keywords"
)

func init() {
	for name, a := range map[string]blevea.Analyzer{
		AnalyzerText:          textAnalyzer{DefaultMode},
		AnalyzerTextWords:     textAnalyzer{ModeWords},
		AnalyzerTextBigrams:   textAnalyzer{ModeBigrams},
		AnalyzerTextWordsOnly: textAnalyzer{ModeWordsOnly},
		AnalyzerLatin:         latinAnalyzer{},
		AnalyzerKeywords:      keywordsAnalyzer{},
	} {
		a := a
		err := registry.RegisterAnalyzer(name, func(map[string]interface{}, *registry.Cache) (blevea.Analyzer, error) {
			return a, nil
		})
		if err != nil {
			panic(fmt.Sprintf("analysis: register %s: %v", name, err))
		}
	}
}

type textAnalyzer struct{ mode Mode }

func (a textAnalyzer) Analyze(in []byte) blevea.TokenStream {
	return tokenStream(Analyze(string(in), a.mode))
}

// tokenStream puts terms in Bleve's form, with one allocation for the
// tokens and one for their bytes.
func tokenStream(toks []Token) blevea.TokenStream {
	n := 0
	for _, t := range toks {
		n += len(t.Term)
	}
	buf := make([]byte, 0, n)
	arr := make([]blevea.Token, len(toks))
	out := make(blevea.TokenStream, len(toks))
	for i, t := range toks {
		typ := blevea.Ideographic
		if t.Type == TypeLatin {
			typ = blevea.AlphaNumeric
		}
		s := len(buf)
		buf = append(buf, t.Term...)
		arr[i] = blevea.Token{Term: buf[s:len(buf):len(buf)], Start: t.Start, End: t.End, Position: t.Pos, Type: typ}
		out[i] = &arr[i]
	}
	return out
}

type latinAnalyzer struct{}

func (latinAnalyzer) Analyze(in []byte) blevea.TokenStream {
	return tokenStream(LatinTokens(string(in)))
}

type keywordsAnalyzer struct{}

func (keywordsAnalyzer) Analyze(in []byte) blevea.TokenStream {
	return tokenStream(KeywordTokens(string(in)))
}

// LatinTokens returns the terms of [AnalyzerLatin]: the non-Han words of
// s normalized but not stemmed, without stop words; Han text is skipped.
func LatinTokens(s string) []Token {
	s = Normalize(s)
	var out []Token
	for _, r := range splitRuns(s) {
		if r.Han || stopWords[r.Text] {
			continue
		}
		out = append(out, Token{Term: r.Text, Pos: len(out) + 1, Start: r.Start, End: r.End, Type: TypeLatin})
	}
	return out
}

// KeywordTokens returns the terms of [AnalyzerKeywords]: s normalized
// and split on white space.
func KeywordTokens(s string) []Token {
	if !normalizedWords(s) {
		s = Normalize(s)
	}
	out := make([]Token, 0, strings.Count(s, " ")+1)
	start := -1
	for i, r := range s {
		if unicode.IsSpace(r) {
			if start >= 0 {
				out = append(out, Token{Term: s[start:i], Pos: len(out) + 1, Start: start, End: i, Type: TypeLatin})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, Token{Term: s[start:], Pos: len(out) + 1, Start: start, End: len(s), Type: TypeLatin})
	}
	return out
}

// normalizedWords reports whether [Normalize] leaves s as it is and its
// only white space is the ASCII space (pre-computed terms such as pinyin
// and name prefixes, joined by spaces, are).
func normalizedWords(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < ' ' || c == 0x7f || ('A' <= c && c <= 'Z') {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || fold(r) != r || unicode.IsSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// TokensFor returns the terms that the analyzer registered under name
// gives for s, without going through Bleve's token streams; ok is false
// for analyzers of other packages.
func TokensFor(name, s string) (toks []Token, ok bool) {
	switch name {
	case AnalyzerText:
		return Analyze(s, DefaultMode), true
	case AnalyzerTextWords:
		return Analyze(s, ModeWords), true
	case AnalyzerTextBigrams:
		return Analyze(s, ModeBigrams), true
	case AnalyzerTextWordsOnly:
		return Analyze(s, ModeWordsOnly), true
	case AnalyzerLatin:
		return LatinTokens(s), true
	case AnalyzerKeywords:
		return KeywordTokens(s), true
	}
	return nil, false
}
