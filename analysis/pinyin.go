package analysis

import (
	"slices"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

var pinyinArgs = pinyin.Args{Style: pinyin.Normal}

// Pinyin spells s in toneless pinyin, one syllable per Han character;
// non-Han words are kept, lowercased. Characters with several readings get
// their most common one.
func Pinyin(s string) []string {
	var out []string
	for _, r := range splitRuns(Normalize(s)) {
		if !r.Han {
			out = append(out, r.Text)
			continue
		}
		for _, ch := range r.Text {
			if py := runePinyin(ch); py != "" {
				out = append(out, py)
			}
		}
	}
	return out
}

// Han characters of the basic CJK block, whose pinyin is kept in a table.
const (
	cjkFirst = 0x4E00
	cjkLast  = 0x9FFF
)

var (
	pinyinTableOnce sync.Once
	pinyinTable     []string
)

// runePinyin returns the toneless pinyin of a Han character, or "".
func runePinyin(ch rune) string {
	if ch < cjkFirst || ch > cjkLast {
		if py := pinyin.SinglePinyin(ch, pinyinArgs); len(py) > 0 {
			return py[0]
		}
		return ""
	}
	pinyinTableOnce.Do(func() {
		t := make([]string, cjkLast-cjkFirst+1)
		for i := range t {
			if py := pinyin.SinglePinyin(rune(cjkFirst+i), pinyinArgs); len(py) > 0 {
				t[i] = py[0]
			}
		}
		pinyinTable = t
	})
	return pinyinTable[ch-cjkFirst]
}

// PinyinTerms returns the pinyin spellings under which a name or city is
// found: the whole name in full pinyin and in initials ("ningxiadaxue",
// "nxdx"), and the same for each word of the name. Names without Han
// characters give nothing.
func PinyinTerms(name string) []string {
	if len(name) > 36 { // long names are rarely repeated
		return pinyinTerms(name)
	}
	if v, ok := pinyinMemo.get(name); ok {
		return slices.Clone(v)
	}
	t := pinyinTerms(name)
	pinyinMemo.put(name, t)
	return slices.Clone(t)
}

// pinyinMemo remembers the pinyin of short names: districts, cities and
// institutions recur in many profiles (it starts again empty when full,
// so unique names do not crowd them out for good).
var pinyinMemo = newMemo[[]string](1 << 14)

func pinyinTerms(name string) []string {
	name = Normalize(name)
	var out []string
	add := func(syl []string) {
		if len(syl) == 0 {
			return
		}
		full := strings.Join(syl, "")
		ini := make([]byte, len(syl))
		for i, s := range syl {
			ini[i] = s[0]
		}
		for _, t := range []string{full, string(ini)} {
			if len(t) >= 2 && !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	var all, word []string
	hasHan := false
	for _, r := range splitRuns(name) {
		if !r.Han {
			all = append(all, r.Text)
			continue
		}
		hasHan = true
		all = appendHanPinyin(all, r.Text)
		// words and their dictionary sub-words
		for _, t := range Analyze(r.Text, ModeWords) {
			if t.Type == TypeWord {
				word = appendHanPinyin(word[:0], t.Term)
				add(word)
			}
		}
	}
	if !hasHan {
		return nil
	}
	add(all)
	return out
}

// appendHanPinyin appends the pinyin of the characters of s, a run of
// normalised Han characters (what [Pinyin] gives for it).
func appendHanPinyin(dst []string, s string) []string {
	for _, ch := range s {
		if py := runePinyin(ch); py != "" {
			dst = append(dst, py)
		}
	}
	return dst
}
