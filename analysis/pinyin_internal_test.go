package analysis

import (
	"slices"
	"strings"
	"testing"
)

// TestPinyinTermsOracle compares PinyinTerms with a plain composition of
// Pinyin and Analyze over many names, Han, Latin and mixed.
func TestPinyinTermsOracle(t *testing.T) {
	oracle := func(name string) []string {
		var out []string
		add := func(syl []string) {
			if len(syl) == 0 {
				return
			}
			ini := ""
			for _, s := range syl {
				ini += s[:1]
			}
			for _, t := range []string{strings.Join(syl, ""), ini} {
				if len(t) >= 2 && !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
		hasHan := false
		for _, r := range splitRuns(Normalize(name)) {
			if r.Han {
				hasHan = true
				for _, tk := range Analyze(r.Text, ModeWords) {
					if tk.Type == TypeWord {
						add(Pinyin(tk.Term))
					}
				}
			}
		}
		if !hasHan {
			return nil
		}
		add(Pinyin(name))
		return out
	}
	names := []string{"宁夏大学", "银川市高新技术产业开发区", "宁夏安泰甘草科技有限公司", "石嘴山 Smart 材料", "ABC", "",
		"中关村 ZGC 创新中心 2.0", "贺兰山东麓葡萄酒", "〇一二三", "長城", "吴忠盐池县", "西北农林科技大学"}
	for _, n := range names {
		if got, want := pinyinTerms(n), oracle(n); !slices.Equal(got, want) {
			t.Errorf("pinyinTerms(%q) = %v, want %v", n, got, want)
		}
	}
}
