package analysis

import (
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
	// Alternatives of a PartSynonym: the parts of the phrase as typed,
	// then those of each synonym.
	Alternatives [][]QueryPart
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
		alts := [][]QueryPart{plainParts(m.Phrase, mode)}
		for _, o := range m.Others {
			if ps := plainParts(o, mode); len(ps) > 0 {
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
func plainParts(s string, mode Mode) []QueryPart {
	var out []QueryPart
	for _, r := range splitRuns(s) {
		if !r.Han {
			if stopWords[r.Text] {
				continue
			}
			out = append(out, QueryPart{Kind: PartLatin, Text: r.Text, Term: Stem(r.Text), Raw: r.Text})
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
			out = append(out, QueryPart{Kind: PartHan, Text: w, Term: w, Chars: chars, Known: len(chars) == 1 || inDict(w)})
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
