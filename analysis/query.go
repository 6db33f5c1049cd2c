package analysis

import (
	"strings"
	"unicode/utf8"
)

// PartKind tells what a [QueryPart] is.
type PartKind int

// Part kinds.
const (
	PartLatin   PartKind = iota // a non-Han word
	PartHan                     // a Han word, bigram or character
	PartSynonym                 // a phrase with synonyms
)

// QueryPart is one unit of a search query; a document matches the query
// when it matches every part (or enough of them).
type QueryPart struct {
	Kind PartKind
	// Text is the normalized text of the part as typed, for highlighting.
	Text string
	// Term is the index term: the stem of a Latin word, or the Han word
	// (ModeWords), bigram or character (ModeBigrams).
	Term string
	// Raw is a Latin word before stemming (for pinyin and typos).
	Raw string
	// Chars are the characters of a Han part; a phrase of them finds the
	// part wherever the segmenter cut the indexed text differently.
	Chars []string
	// Known reports whether a Han part is a dictionary word (or a single
	// character): the segmenter cuts it the same way in indexed text.
	// Unknown words (names the HMM grouped) may be cut differently there.
	Known bool
	// Subwords of a Han word of three or more characters (ModeWords):
	// the dictionary words of two or three characters it is made of, left
	// to right without overlap ("基因测序": 基因, 测序). Text that has
	// them apart is a weaker match.
	Subwords []string
	// Alternatives of a PartSynonym: the parts of the phrase as typed,
	// then those of each synonym.
	Alternatives [][]QueryPart
	// Corrected marks a PartSynonym made for a Latin word that looks like
	// a misspelt synonym ("incubtor"); its first alternative is the word
	// as typed. A searcher may drop the correction when the typed word is
	// itself in its vocabulary.
	Corrected bool
}

// ParseQuery splits a user query into parts for mode. It never fails: text
// without letters, digits or Han characters gives no parts. Callers cap
// the length of q.
func ParseQuery(q string, mode Mode) []QueryPart {
	s := Normalize(q)
	var out []QueryPart
	last := 0
	bounds := wordBounds(s)
	for _, m := range findSynonyms(s, func(i, j int) bool { return bounds[i] && bounds[j] }) {
		out = append(out, plainParts(s[last:m.Start], mode)...)
		alts := [][]QueryPart{parts(m.Phrase, mode, false)}
		for _, o := range m.Others {
			if ps := parts(o, mode, false); len(ps) > 0 {
				alts = append(alts, ps)
			}
		}
		out = append(out, QueryPart{Kind: PartSynonym, Text: m.Phrase, Alternatives: alts})
		last = m.End
	}
	out = append(out, plainParts(s[last:], mode)...)
	return dropStopParts(out)
}

// plainParts analyses normalized text without synonyms.
func plainParts(s string, mode Mode) []QueryPart { return parts(s, mode, true) }

// parts analyses normalized text without synonyms, correcting misspelt
// synonyms when fix is set.
func parts(s string, mode Mode, fix bool) []QueryPart {
	var out []QueryPart
	for _, r := range splitRuns(s) {
		if !r.Han {
			if stopWords[r.Text] {
				continue
			}
			p := QueryPart{Kind: PartLatin, Text: r.Text, Term: Stem(r.Text), Raw: r.Text}
			if c := correct(r.Text); fix && c != "" {
				// a misspelt synonym: search for the spelling and its group
				alts := [][]QueryPart{{p}, parts(c, mode, false)}
				for _, o := range synonymIndex[c] {
					if ps := parts(o, mode, false); len(ps) > 0 {
						alts = append(alts, ps)
					}
				}
				p = QueryPart{Kind: PartSynonym, Text: r.Text, Alternatives: alts, Corrected: true}
			}
			out = append(out, p)
			continue
		}
		if mode == ModeBigrams {
			chars := splitChars(r.Text)
			if len(chars) == 1 {
				out = append(out, QueryPart{Kind: PartHan, Text: r.Text, Term: r.Text, Chars: chars, Known: true})
				continue
			}
			for i := 0; i+1 < len(chars); i++ {
				bg := chars[i] + chars[i+1]
				out = append(out, QueryPart{Kind: PartHan, Text: bg, Term: bg, Chars: chars[i : i+2], Known: true})
			}
			continue
		}
		for _, w := range cut(r.Text) {
			chars := splitChars(w)
			out = append(out, QueryPart{Kind: PartHan, Text: w, Term: w, Chars: chars, Known: len(chars) == 1 || inDict(w), Subwords: subwords(chars)})
		}
	}
	return out
}

// dropStopParts removes Chinese function words from a query that has other
// parts.
func dropStopParts(ps []QueryPart) []QueryPart {
	keep := ps[:0:0]
	for _, p := range ps {
		if p.Kind == PartHan && zhStopWords[p.Term] {
			continue
		}
		keep = append(keep, p)
	}
	if len(keep) == 0 {
		return ps
	}
	return keep
}

func splitChars(s string) []string {
	out := make([]string, 0, utf8.RuneCountInString(s))
	for i, r := range s {
		out = append(out, s[i:i+utf8.RuneLen(r)])
	}
	return out
}

// wordBounds returns the byte offsets of s where a word starts or ends:
// around non-Han words and between the words gse cuts Han runs into. A
// synonym must start and end on such offsets, so that 大学 is not taken
// out of 宁夏大学.
func wordBounds(s string) map[int]bool {
	b := map[int]bool{}
	for _, r := range splitRuns(s) {
		b[r.Start], b[r.End] = true, true
		if !r.Han {
			continue
		}
		o := r.Start
		for _, w := range cut(r.Text) {
			o += len(w)
			b[o] = true
		}
	}
	return b
}

// correct returns the one-word synonym phrase that a Latin word misspells
// (edit distance 1 from five letters, 2 from eight), or "" when the word
// is a phrase itself or close to none.
func correct(w string) string {
	if len(w) < 5 || synonymIndex[w] != nil {
		return ""
	}
	maxDist := 1
	if len(w) >= 8 {
		maxDist = 2
	}
	best, bestDist := "", maxDist+1
	for _, p := range synonymWords {
		if d := editDistance(w, p, maxDist); d < bestDist {
			best, bestDist = p, d
		}
	}
	return best
}

// synonymWords are the one-word Latin synonym phrases.
var synonymWords = func() []string {
	var out []string
	for _, p := range synonymPhrases {
		if !strings.Contains(p, " ") && len(p) >= 4 && !strings.ContainsFunc(p, IsHan) {
			out = append(out, p)
		}
	}
	return out
}()

// editDistance returns the Levenshtein distance of a and b (bytes), or
// max+1 when it exceeds max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
			low = min(low, c)
		}
		if low > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// subwords covers a word with the longest dictionary words of two or three
// characters shorter than it, left to right; characters no such word
// covers are skipped. Words of fewer than three characters have none, as
// have words where fewer than two subwords are found.
func subwords(chars []string) []string {
	if len(chars) < 3 {
		return nil
	}
	var out []string
	for i := 0; i < len(chars); {
		n := 0
		for k := min(3, len(chars)-1); k >= 2; k-- {
			if i+k <= len(chars) && inDict(strings.Join(chars[i:i+k], "")) {
				n = k
				break
			}
		}
		if n == 0 {
			i++
			continue
		}
		out = append(out, strings.Join(chars[i:i+n], ""))
		i += n
	}
	if len(out) < 2 && !(len(out) == 1 && len([]rune(out[0])) >= 2 && len(chars) == 3) {
		return nil
	}
	return out
}
