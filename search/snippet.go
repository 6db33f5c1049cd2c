package search

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

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

// snippetPrefix is how much of a text a snippet folds and searches first
// (bytes): most texts match early, and a match there with the excerpt
// inside it needs no look at the rest.
var snippetPrefix = 512

// snippet is [Snippet] with the needles of the parts found already.
func snippet(text string, nds []needle, n int) string {
	if text == "" {
		return ""
	}
	if len(text) > snippetPrefix {
		cut := snippetPrefix
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if s, ok := snippetBytes(text, cut, nds, n); ok {
			return s
		}
	}
	if !utf8.ValidString(text) {
		text = string([]rune(text)) // each invalid byte becomes U+FFFD
	}
	s, _ := snippetBytes(text, len(text), nds, n)
	return s
}

// shift says that from folded byte f on, the text position is f + d
// (folding changed the length of runes before f).
type shift struct{ f, d int }

// snipBuf holds the buffers of one snippet, reused between snippets.
type snipBuf struct {
	folded []byte
	shifts []shift
}

var snipPool = sync.Pool{New: func() any { return &snipBuf{} }}

// snippetBytes is [snippet] on the bytes of text[:lim], without decoding
// them into runes: it searches a folded copy of them (the text itself
// when folding changes nothing) and maps positions back where folding
// changed a rune's length. Text[:lim] must be valid UTF-8 and lim a rune
// boundary. When lim is short of the text's end, text[:lim] need not be
// valid, and ok reports whether it was and the snippet is the one of the
// whole text: a match of a needle placed it, and no match before it or
// part of the excerpt can lie past lim.
func snippetBytes(text string, lim int, nds []needle, n int) (_ string, ok bool) {
	whole := lim == len(text)
	text = text[:lim]
	fs := text // the folded text
	sb := snipPool.Get().(*snipBuf)
	defer snipPool.Put(sb)
	fb := sb.folded[:0]
	folded := false
	shifts := sb.shifts[:0]
	delta, copied := 0, 0 // text[copied:] is not in fb yet
	for i := 0; i < len(text); {
		c := text[i]
		var r rune
		var size int
		switch {
		case c < utf8.RuneSelf:
			if c >= 0x20 && c != 0x7f && (c < 'A' || c > 'Z') {
				i++
				continue // folds to itself
			}
			r, size = rune(c), 1
		case (0xe5 <= c && c <= 0xe9 || c == 0xe4 && i+1 < len(text) && text[i+1] >= 0xb8) &&
			i+2 < len(text) && text[i+1]&0xc0 == 0x80 && text[i+2]&0xc0 == 0x80:
			// U+4E00–U+9FFF, CJK unified ideographs: no case
			i += 3
			continue
		default:
			r, size = utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				return "", false // not valid UTF-8 (only when lim < len(text))
			}
		}
		f := foldRune(r)
		if f == r {
			i += size
			continue
		}
		folded = true
		fb = append(fb, text[copied:i]...)
		fb = utf8.AppendRune(fb, f)
		i += size
		copied = i
		if d := size - utf8.RuneLen(f); d != 0 {
			delta += d
			shifts = append(shifts, shift{len(fb), delta})
		}
	}
	if folded {
		fb = append(fb, text[copied:]...)
		fs = unsafe.String(unsafe.SliceData(fb), len(fb)) // fb is not changed while fs is in use
	}
	sb.folded, sb.shifts = fb, shifts
	orig := func(p int) int {
		k := sort.Search(len(shifts), func(i int) bool { return shifts[i].f > p })
		if k == 0 {
			return p
		}
		return p + shifts[k-1].d
	}
	// the first match of any needle places the excerpt; only the matches
	// from there to the end of the excerpt are marked
	first := -1
	for _, nd := range nds {
		lim := len(fs)
		if first >= 0 {
			lim = first
		}
		if m := findBytes(fs, nd.str, nd.latin, 0, lim, true); len(m) > 0 {
			first = m[0][0]
		}
	}
	if !whole {
		longest := 0
		for _, nd := range nds {
			longest = max(longest, len(nd.str))
		}
		if first < 0 || first+longest > len(fs) {
			return "", false // a match may lie further on
		}
	}
	// the excerpt: n/6 runes before the first match, n runes long
	start := 0
	if first >= 0 {
		start = first
		for k := 0; k < n/6 && start > 0; k++ {
			start = runeBefore(fs, start)
		}
	}
	end, runes := start, 0
	for ; runes < n && end < len(fs); runes++ {
		end += runeLen(fs[end])
	}
	if !whole && (runes < n || end >= len(fs)) {
		return "", false // the excerpt reaches past lim
	}
	if runes < n { // the text ends first: the last n runes
		end, start = len(fs), len(fs)
		for k := 0; k < n && start > 0; k++ {
			start = runeBefore(fs, start)
		}
	}
	var marks [][2]int
	if first >= 0 {
		for _, nd := range nds {
			marks = append(marks, findBytes(fs, nd.str, nd.latin, first, end, false)...)
		}
		marks = merge(marks)
	}
	var b strings.Builder
	b.Grow(orig(end) - orig(start) + 16*len(marks) + 8)
	if start > 0 {
		b.WriteString("…")
	}
	pos := start
	for _, m := range marks {
		if m[1] <= start || m[0] >= end {
			continue
		}
		s, e := max(m[0], start), min(m[1], end)
		htmlEscaper.WriteString(&b, text[orig(pos):orig(s)])
		b.WriteString("<mark>")
		htmlEscaper.WriteString(&b, text[orig(s):orig(e)])
		b.WriteString("</mark>")
		pos = e
	}
	htmlEscaper.WriteString(&b, text[orig(pos):orig(end)])
	if end < len(fs) {
		b.WriteString("…")
	}
	return b.String(), true
}

// runeLen returns the length of the rune that starts with byte c in valid
// UTF-8.
func runeLen(c byte) int {
	switch {
	case c < 0x80:
		return 1
	case c < 0xe0:
		return 2
	case c < 0xf0:
		return 3
	}
	return 4
}

// runeBefore returns the start of the rune that ends at i > 0 in the
// valid UTF-8 text s.
func runeBefore(s string, i int) int {
	i--
	for i > 0 && s[i]&0xc0 == 0x80 {
		i--
	}
	return i
}

// findBytes returns the byte intervals where nd occurs in the UTF-8 text s,
// starting at from or later and before to (only the first one when first
// is set); Latin needles must start a word, and mark the whole word.
func findBytes(s, nd string, latin bool, from, to int, first bool) [][2]int {
	var out [][2]int
	if nd == "" {
		return nil
	}
	for i := from; i < to; {
		j := strings.Index(s[i:], nd)
		if j < 0 || i+j >= to {
			break
		}
		i += j
		if latin && i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(s[:i]); analysis.IsWordRune(r) {
				_, sz := utf8.DecodeRuneInString(s[i:])
				i += sz // not the start of a word: on from the next rune
				continue
			}
		}
		e := i + len(nd)
		if latin { // mark the whole word
			for e < len(s) {
				r, sz := utf8.DecodeRuneInString(s[e:])
				if !analysis.IsWordRune(r) {
					break
				}
				e += sz
			}
		}
		out = append(out, [2]int{i, e})
		if first {
			return out
		}
		i = e
	}
	return out
}

// htmlEscaper escapes as [html.EscapeString].
var htmlEscaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// foldRune is [analysis.FoldRune] with short cuts for ASCII, the common Han
// characters, CJK punctuation and full-width ASCII, which are most of every
// text (a snippet folds its whole source text).
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
	str   string // text as valid UTF-8
	latin bool
}

// snippetNeedles returns the needles of the parts.
func snippetNeedles(parts []analysis.QueryPart) []needle {
	nds := needles(parts)
	for i := range nds {
		nds[i].str = string([]rune(nds[i].text))
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
