package matching

import (
	"strings"
	"testing"

	"makerlink"
)

// TestTextReasonNamesSharedWords: a text reason names words both profiles
// use; with none a user would recognise (nothing shared, or one character
// such as 烘) there is no reason, whatever the hashed similarity says.
func TestTextReasonNamesSharedWords(t *testing.T) {
	dir := Direction{makerlink.KindInvestor, makerlink.KindStartup}
	tests := []struct {
		name       string
		from, cand []string
		want       string // "" = no reason
	}{
		{"SharedWord", []string{"枸杞", "烘干", "深加工"}, []string{"枸杞", "电商"}, "枸杞"},
		{"OneCharacterOnly", []string{"烘", "枸杞"}, []string{"烘", "游戏"}, ""},
		{"NothingShared", []string{"枸杞", "烘干"}, []string{"游戏", "动漫"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := textReason(&item{top: tt.from}, &item{top: tt.cand}, dir)
			if tt.want == "" {
				if ok {
					t.Errorf("reason %+v, want none", r)
				}
				return
			}
			if !ok || !strings.Contains(r.ZH, tt.want) || !strings.Contains(r.EN, tt.want) {
				t.Errorf("reason %+v (%v), want one naming %s", r, ok, tt.want)
			}
		})
	}
}

// TestNeedsReasonNamesTheNeed: a needs reason quotes the stated need the
// instrument's words meet; with none met there is no reason.
func TestNeedsReasonNamesTheNeed(t *testing.T) {
	needs := [][]string{{"冷链"}, {"融资"}, {"元素", "分析"}}
	raw := []string{"冷链", "融资", "元素分析"}
	if r, ok := needsReason(needs, raw, []string{"色谱", "离子"}); ok {
		t.Errorf("no need met: reason %+v", r)
	}
	r, ok := needsReason(needs, raw, []string{"元素", "光谱"})
	if !ok || !strings.Contains(r.ZH, "元素分析") || !strings.Contains(r.EN, "元素分析") {
		t.Errorf("reason %+v (%v), want one quoting 元素分析", r, ok)
	}
}
