package search

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"makerlink/analysis"
)

// snippetRunes is the length of a hit's snippet.
const snippetRunes = 120

// Snippet returns an excerpt of text of about n runes around the first
// match of the query parts, as HTML: matches are wrapped in <mark> and
// everything else is escaped. Without a match it is the start of text.
func Snippet(text string, parts []analysis.QueryPart, n int) string {
	return snippet(text, snippetNeedles(parts), n)
}

// snippet is [Snippet] with the needles of the parts found already.
func snippet(text string, nds []needle, n int) string {
	if text == "" {
		return ""
	}
	buf := runeBufs.Get().(*runeBuf)
	defer runeBufs.Put(buf)
	folded, offs := buf.folded[:0], buf.offs[:0]
	for i, r := range text {
		folded = append(folded, foldRune(r))
		offs = append(offs, int32(i))
	}
	offs = append(offs, int32(len(text)))
	buf.folded, buf.offs = folded, offs
	// the first match of any needle places the excerpt; only the matches
	// from there to the end of the excerpt are marked
	first := -1
	for _, nd := range nds {
		lim := len(folded)
		if first >= 0 {
			lim = first
		}
		if m := find(folded, nd.runes, nd.latin, 0, lim, true); len(m) > 0 {
			first = m[0][0]
		}
	}
	start := 0
	if first >= 0 {
		start = max(first-n/6, 0)
	}
	end := start + n
	if end > len(folded) {
		end = len(folded)
		if start = end - n; start < 0 {
			start = 0
		}
	}
	var marks [][2]int
	if first >= 0 {
		for _, nd := range nds {
			marks = append(marks, find(folded, nd.runes, nd.latin, first, end, false)...)
		}
		marks = merge(marks)
	}
	// the runes from a to b of the text, escaped
	text2 := func(b *strings.Builder, from, to int) {
		htmlEscaper.WriteString(b, text[offs[from]:offs[to]])
	}
	var b strings.Builder
	b.Grow(int(offs[end]-offs[start]) + 16*len(marks) + 8)
	if start > 0 {
		b.WriteString("…")
	}
	pos := start
	for _, m := range marks {
		if m[1] <= start || m[0] >= end {
			continue
		}
		s, e := max(m[0], start), min(m[1], end)
		text2(&b, pos, s)
		b.WriteString("<mark>")
		text2(&b, s, e)
		b.WriteString("</mark>")
		pos = e
	}
	text2(&b, pos, end)
	if end < len(folded) {
		b.WriteString("…")
	}
	return b.String()
}

// htmlEscaper escapes as [html.EscapeString].
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// runeBuf holds the folded runes of a text and where they start, reused
// between snippets.
type runeBuf struct {
	folded []rune
	offs   []int32 // byte offset of each rune, and the length
}

var runeBufs = sync.Pool{New: func() any { return &runeBuf{} }}

// foldRune is [analysis.FoldRune] with short cuts for ASCII and the common
// Han characters, which are most of every text (a snippet folds its whole
// source text).
func foldRune(r rune) rune {
	switch {
	case r < 0x20 || r == 0x7f:
		return ' '
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= 0x4e00 && r <= 0x9fff: // CJK unified ideographs: no case
		return r
	case r > 0x3000 && r <= 0x303f: // CJK punctuation
		return r
	case r >= 0xff01 && r <= 0xff5e: // full-width ASCII
		r -= 0xfee0
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	return analysis.FoldRune(r)
}

type needle struct {
	text  string
	runes []rune
	latin bool
}

// snippetNeedles returns the needles of the parts with their runes.
func snippetNeedles(parts []analysis.QueryPart) []needle {
	nds := needles(parts)
	for i := range nds {
		nds[i].runes = []rune(nds[i].text)
	}
	return nds
}

// needles lists the texts to mark for the parts: Han words as typed, and
// Latin words by their stem (so "invest" marks "investors").
func needles(parts []analysis.QueryPart) []needle {
	var out []needle
	for _, p := range parts {
		switch p.Kind {
		case analysis.PartHan:
			out = append(out, needle{text: p.Text})
		case analysis.PartLatin:
			t := p.Raw
			if len(p.Term) >= 3 && strings.HasPrefix(p.Raw, p.Term) {
				t = p.Term
			}
			out = append(out, needle{text: t, latin: true})
		case analysis.PartSynonym:
			for _, alt := range p.Alternatives {
				out = append(out, needles(alt)...)
			}
		}
	}
	return out
}

// find returns the rune intervals where nd occurs in s starting at from
// or later and before to (only the first one when first is set); Latin
// needles must start a word.
func find(s, nd []rune, latin bool, from, to int, first bool) [][2]int {
	var out [][2]int
	if len(nd) == 0 {
		return nil
	}
outer:
	for i := from; i < to && i+len(nd) <= len(s); i++ {
		for j := range nd {
			if s[i+j] != nd[j] {
				continue outer
			}
		}
		if latin && i > 0 && analysis.IsWordRune(s[i-1]) {
			continue
		}
		e := i + len(nd)
		if latin { // mark the whole word
			for e < len(s) && analysis.IsWordRune(s[e]) {
				e++
			}
		}
		out = append(out, [2]int{i, e})
		if first {
			return out
		}
		i = e - 1
	}
	return out
}

// merge sorts intervals and joins those that overlap or touch.
func merge(iv [][2]int) [][2]int {
	if len(iv) < 2 {
		return iv
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	out := iv[:1]
	for _, m := range iv[1:] {
		last := &out[len(out)-1]
		if m[0] <= last[1] {
			if m[1] > last[1] {
				last[1] = m[1]
			}
			continue
		}
		out = append(out, m)
	}
	return out
}
