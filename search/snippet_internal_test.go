package search

import (
	"html"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"makerlink/analysis"
	"makerlink/seed"
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

// TestSnippetMatchesFullScan checks that snippets, which look for matches
// only as far as the excerpt reaches, equal those of a scan of the whole
// text, on the demo data's texts.
func TestSnippetMatchesFullScan(t *testing.T) {
	ps := seed.Generate(seed.Options{Seed: 1}).Profiles
	queries := []string{"枸杞", "new energy", "angel investor", "贺兰山东麓葡萄酒", "yinchuan", "incubtor",
		"光伏 储能", "AI", "实验室 检测", "robot arm", "宁夏大学", "e", "的"}
	for _, p := range ps {
		text := newDocument(p).Snip
		for _, q := range queries {
			parts := analysis.ParseQuery(q, analysis.ModeWords)
			if got, want := Snippet(text, parts, snippetRunes), snippetSlow(text, parts, snippetRunes); got != want {
				t.Fatalf("Snippet(%.40q, %q):\n got %q\nwant %q", text, q, got, want)
			}
		}
	}
}

// snippetSlow is the former Snippet: it returns an excerpt of text of about n runes around the first
// match of the query parts, as HTML: matches are wrapped in <mark> and
// everything else is escaped. Without a match it is the start of text.
func snippetSlow(text string, parts []analysis.QueryPart, n int) string {
	if text == "" {
		return ""
	}
	orig := []rune(text)
	folded := make([]rune, len(orig))
	for i, r := range orig {
		folded[i] = analysis.FoldRune(r)
	}
	var marks [][2]int
	for _, nd := range needles(parts) {
		marks = append(marks, findAll(folded, []rune(nd.text), nd.latin)...)
	}
	marks = merge(marks)
	start := 0
	if len(marks) > 0 {
		start = marks[0][0] - n/6
		if start < 0 {
			start = 0
		}
	}
	end := start + n
	if end > len(orig) {
		end = len(orig)
		if start = end - n; start < 0 {
			start = 0
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	pos := start
	for _, m := range marks {
		if m[1] <= start || m[0] >= end {
			continue
		}
		s, e := max(m[0], start), min(m[1], end)
		b.WriteString(html.EscapeString(string(orig[pos:s])))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(string(orig[s:e])))
		b.WriteString("</mark>")
		pos = e
	}
	b.WriteString(html.EscapeString(string(orig[pos:end])))
	if end < len(orig) {
		b.WriteString("…")
	}
	return b.String()
}

// TestSnippetRandomTexts compares snippets with a scan of the whole text
// on random texts of the runes that fold in special ways.
func TestSnippetRandomTexts(t *testing.T) {
	alphabet := []rune("aAbBeEnNrgy 新能源枸杞宁夏ＡＩａｉ\u3000\n\t，。·-_0İıΣσÅ<>&\"'\u0085\xff")
	sameLength := []rune("aAbBeEnNrgy 新能源枸杞宁夏\n\t，。·-_0ıΣσÅ<>&\"'")
	queries := []string{"new energy", "枸杞", "ai", "AI", "宁夏 energy", "b", "σ", "ab", "能源"}
	rng := rand.New(rand.NewPCG(1, 2))
	defer func(p int) { snippetPrefix = p }(snippetPrefix)
	for i := 0; i < 3000; i++ {
		// odd texts only with runes whose folding keeps their length
		abc := alphabet
		if i%2 == 1 {
			abc = sameLength
		}
		rs := make([]rune, rng.IntN(400))
		for j := range rs {
			rs[j] = abc[rng.IntN(len(abc))]
		}
		text := string(rs)
		if i%14 == 0 {
			text += "\xff\xfe" // invalid UTF-8
		}
		q := queries[i%len(queries)]
		parts := analysis.ParseQuery(q, analysis.ModeWords)
		n := []int{120, 10, 1000}[i%3]
		want := snippetSlow(text, parts, n)
		// the start of the text first (snippetPrefix), or all of it
		for _, prefix := range []int{1024, 200, 41, 5} {
			snippetPrefix = prefix
			if got := Snippet(text, parts, n); got != want {
				t.Fatalf("Snippet(%q, %q, %d) with prefix %d:\n got %q\nwant %q", text, q, n, prefix, got, want)
			}
		}
	}
}

func findAll(s, nd []rune, latin bool) [][2]int {
	var out [][2]int
	if len(nd) == 0 {
		return nil
	}
outer:
	for i := 0; i+len(nd) <= len(s); i++ {
		for j := range nd {
			if s[i+j] != nd[j] {
				continue outer
			}
		}
		if latin && i > 0 && analysis.IsWordRune(s[i-1]) {
			continue
		}
		e := i + len(nd)
		if latin {
			for e < len(s) && analysis.IsWordRune(s[e]) {
				e++
			}
		}
		out = append(out, [2]int{i, e})
		i = e - 1
	}
	return out
}
