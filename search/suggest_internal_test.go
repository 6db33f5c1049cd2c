package search

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"makerlink"
	"makerlink/analysis"
)

func sugProfile(id, owner, name, vis string) *makerlink.Startup {
	return &makerlink.Startup{Meta: makerlink.Meta{ID: id, OwnerID: owner, Version: 1}, Name: name, Visibility: vis}
}

func sugIDs(ss []Suggestion) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.ID)
	}
	return out
}

func TestSuggestRanking(t *testing.T) {
	idx, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	b := idx.NewBatch()
	for _, p := range []makerlink.Profile{
		sugProfile("nxu", "o1", "宁夏大学", "public"),
		sugProfile("nxu-park", "o1", "宁夏大学科技园", "public"),
		sugProfile("robot-co", "o1", "机器人研究院", "public"),
		sugProfile("yc-robot", "o1", "银川 机器人", "public"),
		sugProfile("yc-robotics", "o1", "Yinchuan Robotics", "public"),
		sugProfile("stealth", "o2", "宁夏隐形电池", "investors"),
	} {
		if err := b.Put(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	investor := &makerlink.User{ID: "inv", Roles: []makerlink.Role{makerlink.RoleInvestor}}
	tests := []struct {
		q      string
		viewer *makerlink.User
		want   []string
	}{
		// the whole name first, the shorter name first among equals
		{"宁夏大学", nil, []string{"nxu", "nxu-park"}},
		{"宁夏", nil, []string{"nxu", "nxu-park"}},
		// a word inside the name
		{"科技园", nil, []string{"nxu-park"}},
		// a name starting with the text ranks above one with only a word
		{"机器人", nil, []string{"robot-co", "yc-robot"}},
		// pinyin, full and initials, and Latin words in any case
		{"ningxiada", nil, []string{"nxu", "nxu-park"}},
		{"nxdxkjy", nil, []string{"nxu-park"}},
		{"ROBOT", nil, []string{"yc-robotics"}},
		{"yinchuan rob", nil, []string{"yc-robotics"}},
		{"yinchuanjiqi", nil, []string{"yc-robot"}},
		// one Latin letter is not looked up in pinyin (too many names)
		{"j", nil, []string{}},
		// investors-only names: their owner and investors only
		{"宁夏隐", nil, []string{}},
		{"宁夏隐", &makerlink.User{ID: "o1"}, []string{}},
		{"宁夏隐", &makerlink.User{ID: "o2"}, []string{"stealth"}},
		{"宁夏", investor, []string{"nxu", "stealth", "nxu-park"}},
		{"nosuchname", nil, []string{}},
	}
	for _, tt := range tests {
		got, err := idx.Suggest(context.Background(), tt.q, tt.viewer)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", tt.q, err)
		}
		if ids := sugIDs(got); !slices.Equal(ids, tt.want) {
			t.Errorf("Suggest(%q, %v) = %v, want %v", tt.q, tt.viewer, ids, tt.want)
		}
	}
}

// TestSuggesterFollowsBatches applies random puts, renames and deletes to
// an index and checks after each batch that the suggestions equal a brute
// force over the profiles as they are, and that a suggester loaded from
// the index's stored fields (what opening or adopting a generation does)
// answers the same as the one the batches kept up to date.
func TestSuggesterFollowsBatches(t *testing.T) {
	// the recent keys in their own array: merged into the others every
	// few batches, or never
	for _, min := range []int{4, 1 << 30} {
		t.Run(fmt.Sprintf("delta%d", min), func(t *testing.T) {
			defer func(n, share int) { sugDeltaMin, sugDeltaShare = n, share }(sugDeltaMin, sugDeltaShare)
			sugDeltaMin, sugDeltaShare = min, 1
			followBatches(t)
		})
	}
}

func followBatches(t *testing.T) {
	idx, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	defer func(n int) { sugCompactMin = n }(sugCompactMin)
	sugCompactMin = 8 // renumber often
	defer func(n int) { sugMemoScan = n }(sugMemoScan)
	sugMemoScan = 0 // remember every answer
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"宁夏", "银川", "枸杞", "科技", "机器人", "新能源", "Helan", "Wine", "Robotics", "Solar", "大学", "中卫", "沙坡头"}
	name := func() string {
		n := 1 + rng.IntN(3)
		var parts []string
		for range n {
			parts = append(parts, words[rng.IntN(len(words))])
		}
		sep := ""
		if rng.IntN(2) == 0 {
			sep = " "
		}
		return strings.Join(parts, sep)
	}
	visibilities := []string{"public", "public", "investors"}
	owners := []string{"o1", "o2", "o3"}
	live := map[string]*makerlink.Startup{}
	prefixes := []string{"宁", "宁夏", "银川", "枸杞科", "ningx", "nx", "yc", "he", "robot", "wine", "s", "sol", "科技", "大学", "zw", "shapo", "x"}
	viewers := []*makerlink.User{nil, {ID: "o1"}, {ID: "o2"}, {ID: "admin", Roles: []makerlink.Role{makerlink.RoleAdmin}}}

	for round := range 60 {
		b := idx.NewBatch()
		n := 1 // one change: merged into the keys by binary search
		if round%2 == 0 {
			n = 1 + rng.IntN(40) // many: merged in one pass
		}
		for range n {
			id := fmt.Sprintf("p%d", rng.IntN(60))
			if rng.IntN(4) == 0 {
				b.Delete(makerlink.KindStartup, id)
				delete(live, id)
				continue
			}
			p := sugProfile(id, owners[rng.IntN(len(owners))], name(), visibilities[rng.IntN(len(visibilities))])
			if err := b.Put(p); err != nil {
				t.Fatal(err)
			}
			live[id] = p
		}
		if err := b.Commit(context.Background()); err != nil {
			t.Fatal(err)
		}
		bi, sug, release, err := idx.currentGen()
		if err != nil {
			t.Fatal(err)
		}
		loaded, err := loadSuggester(bi)
		release()
		if err != nil {
			t.Fatal(err)
		}
		if sug.len() != len(live) || loaded.len() != len(live) {
			t.Fatalf("round %d: suggester holds %d, loaded %d, want %d", round, sug.len(), loaded.len(), len(live))
		}
		for _, q := range prefixes {
			for _, v := range viewers {
				want := bruteSuggest(live, q, v)
				got := sugIDs(sug.suggest(q, len(q) >= 2, v, 100, false))
				if !slices.Equal(got, want) {
					t.Fatalf("round %d: suggest(%q, %v) = %v, want %v", round, q, v, got, want)
				}
				if again := sugIDs(loaded.suggest(q, len(q) >= 2, v, 100, false)); !slices.Equal(again, want) {
					t.Fatalf("round %d: loaded suggest(%q, %v) = %v, want %v", round, q, v, again, want)
				}
				// remembered answers: per viewer, and forgotten by the next batch
				for range 2 {
					if m := sugIDs(sug.suggest(q, len(q) >= 2, v, 100, true)); !slices.Equal(m, want) {
						t.Fatalf("round %d: remembered suggest(%q, %v) = %v, want %v", round, q, v, m, want)
					}
				}
			}
		}
	}
}

// bruteSuggest ranks every profile of live against q as the suggester
// should.
func bruteSuggest(live map[string]*makerlink.Startup, q string, v *makerlink.User) []string {
	type hit struct {
		id    string
		w, n  int
		title string
	}
	var hits []hit
	for id, p := range live {
		if !makerlink.SeesHidden(v) && p.Visibility != "public" && (v == nil || v.ID != p.OwnerID) {
			continue
		}
		var classes uint8
		for _, k := range suggestKeys(p.Name, analysis.PinyinTerms(p.Name)) {
			if strings.HasPrefix(k.key, q) && (k.class != sugPinyin || len(q) >= 2) {
				classes |= k.class
			}
		}
		if classes != 0 {
			hits = append(hits, hit{id, sugWeight(classes), utf8.RuneCountInString(p.Name), p.Name})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int {
		if c := cmp.Compare(b.w, a.w); c != 0 {
			return c
		}
		if c := cmp.Compare(a.n, b.n); c != 0 {
			return c
		}
		return strings.Compare(docID(makerlink.KindStartup, a.id), docID(makerlink.KindStartup, b.id))
	})
	out := []string{}
	for _, h := range hits {
		out = append(out, h.id)
	}
	return out
}

func TestSugKeysRoundTrip(t *testing.T) {
	keys := suggestKeys("宁夏大学 Maker Space", analysis.PinyinTerms("宁夏大学 Maker Space"))
	if len(keys) < 5 {
		t.Fatalf("keys = %v", keys)
	}
	got, err := decodeSugKeys(encodeSugKeys(keys))
	if err != nil || !slices.Equal(got, keys) {
		t.Errorf("round trip = %v, %v; want %v", got, err, keys)
	}
	for _, bad := range []string{"\x00", "x", "\x01abc"} {
		if _, err := decodeSugKeys(bad); err == nil {
			t.Errorf("decodeSugKeys(%q): no error", bad)
		}
	}
}

func TestSortKeysLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	ks := make([]sugKey, 100000)
	var blob []byte
	for i := range ks {
		k := fmt.Sprintf("%x", rng.Uint64()%1000000)
		ks[i] = sugKey{off: uint32(len(blob)), n: uint8(len(k)), slot: uint32(i)}
		blob = append(blob, k...)
	}
	sortKeys(ks, blob)
	if !slices.IsSortedFunc(ks, func(a, b sugKey) int { return strings.Compare(keyOf(blob, a), keyOf(blob, b)) }) {
		t.Fatal("not sorted")
	}
	seen := make([]bool, len(ks))
	for _, k := range ks {
		seen[k.slot] = true
	}
	if slices.Contains(seen, false) {
		t.Fatal("keys lost")
	}
}
