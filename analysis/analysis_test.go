package analysis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/registry"

	"makerlink/analysis"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＡＩ Startup", "ai startup"},
		{"银川\u3000新能源", "银川 新能源"},
		{"a\x00b\tc", "a b c"},
		{"bad\xffutf8", "badutf8"},
	}
	for _, tt := range tests {
		if got := analysis.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"宁夏大学科技园的孵化器", []string{"宁夏大学", "科技园", "孵化器"}},
		{"银川市新能源光伏储能", []string{"银川市", "新能源", "光伏", "储能"}},
		{"Angel Investors funding the AI startups", []string{"angel", "investor", "fund", "ai", "startup"}},
		{"3D打印 and CNC", []string{"3d", "打印", "cnc"}},
		{"", nil},
		{"!!! ，。", nil},
	}
	for _, tt := range tests {
		if got := analysis.Tokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func terms(ts []analysis.Token, typ analysis.TokenType) []string {
	var out []string
	for _, t := range ts {
		if t.Type == typ {
			out = append(out, t.Term)
		}
	}
	return out
}

func TestAnalyzeKeepsEveryCharacter(t *testing.T) {
	for _, mode := range []analysis.Mode{analysis.ModeWords, analysis.ModeBigrams} {
		ts := analysis.Analyze("枸杞深加工", mode)
		if got := terms(ts, analysis.TypeUnigram); !slices.Equal(got, []string{"枸", "杞", "深", "加", "工"}) {
			t.Errorf("mode %d unigrams = %q", mode, got)
		}
		// unigram positions are consecutive so a phrase of them matches
		for i, tok := range ts[:5] {
			if tok.Pos != i+1 {
				t.Errorf("mode %d: %q at position %d, want %d", mode, tok.Term, tok.Pos, i+1)
			}
		}
	}
	words := terms(analysis.Analyze("枸杞深加工", analysis.ModeWords), analysis.TypeWord)
	for _, w := range []string{"枸杞", "深加工", "加工"} {
		if !slices.Contains(words, w) {
			t.Errorf("words %q lack %q", words, w)
		}
	}
	bigrams := terms(analysis.Analyze("枸杞深加工", analysis.ModeBigrams), analysis.TypeBigram)
	if !slices.Equal(bigrams, []string{"枸杞", "杞深", "深加", "加工"}) {
		t.Errorf("bigrams = %q", bigrams)
	}
}

func TestAnalyzeDoesNotConfuseSoundAlikes(t *testing.T) {
	// Meilisearch folds Chinese to pinyin, so 景点 (jingdian) finds 经典.
	for _, mode := range []analysis.Mode{analysis.ModeWords, analysis.ModeBigrams} {
		ts := analysis.Analyze("经典电影", mode)
		for _, tok := range ts {
			if tok.Term == "景点" || tok.Term == "jingdian" {
				t.Errorf("mode %d: 经典电影 produced %q", mode, tok.Term)
			}
		}
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		q     string
		texts []string // Text of each part
		kinds []analysis.PartKind
	}{
		{"宁夏大学", []string{"宁夏大学"}, []analysis.PartKind{analysis.PartHan}},
		{"银川 新能源", []string{"银川", "新能源"}, []analysis.PartKind{analysis.PartSynonym, analysis.PartHan}},
		{"天使投资", []string{"天使投资"}, []analysis.PartKind{analysis.PartSynonym}},
		{"Angel Investment", []string{"angel investment"}, []analysis.PartKind{analysis.PartSynonym}},
		{"the incubators", []string{"incubators"}, []analysis.PartKind{analysis.PartSynonym}}, // corrected to incubator
		{"wind power", []string{"wind", "power"}, []analysis.PartKind{analysis.PartLatin, analysis.PartLatin}},
		{"hydrogn", []string{"hydrogn"}, []analysis.PartKind{analysis.PartSynonym}},
		{"孵", []string{"孵"}, []analysis.PartKind{analysis.PartHan}},
		{`"unbalanced`, []string{"unbalanced"}, []analysis.PartKind{analysis.PartLatin}},
		{"*:*", nil, nil},
		{"宁夏的孵化器", []string{"宁夏", "孵化器"}, []analysis.PartKind{analysis.PartHan, analysis.PartSynonym}},
	}
	for _, tt := range tests {
		ps := analysis.ParseQuery(tt.q, analysis.ModeWords)
		var texts []string
		var kinds []analysis.PartKind
		for _, p := range ps {
			texts = append(texts, p.Text)
			kinds = append(kinds, p.Kind)
		}
		if !slices.Equal(texts, tt.texts) || !slices.Equal(kinds, tt.kinds) {
			t.Errorf("ParseQuery(%q) = %q %v, want %q %v", tt.q, texts, kinds, tt.texts, tt.kinds)
		}
	}
	// a synonym part carries the typed phrase first, then the others
	ps := analysis.ParseQuery("孵化器", analysis.ModeWords)
	if len(ps) != 1 || len(ps[0].Alternatives) < 2 || ps[0].Alternatives[1][0].Term != "incub" {
		t.Errorf("孵化器 alternatives = %+v", ps)
	}
	// bigram mode splits a Han run into its bigrams
	ps = analysis.ParseQuery("宁夏大学", analysis.ModeBigrams)
	var bg []string
	for _, p := range ps {
		bg = append(bg, p.Term)
	}
	if !slices.Equal(bg, []string{"宁夏", "夏大", "大学"}) {
		t.Errorf("bigram parts = %q", bg)
	}
}

func TestSynonyms(t *testing.T) {
	if got := analysis.Synonyms("天使投资"); !slices.Contains(got, "angel investment") {
		t.Errorf("Synonyms(天使投资) = %q", got)
	}
	if got := analysis.Synonyms("Incubator"); !slices.Contains(got, "孵化器") {
		t.Errorf("Synonyms(Incubator) = %q", got)
	}
	if got := analysis.Synonyms("unknown phrase"); got != nil {
		t.Errorf("Synonyms(unknown) = %q", got)
	}
	// Latin phrases match whole words only
	if ms := analysis.FindSynonyms("vcr said"); len(ms) != 0 {
		t.Errorf("FindSynonyms matched inside a word: %+v", ms)
	}
	if ms := analysis.FindSynonyms("top vc fund"); len(ms) != 1 || ms[0].Phrase != "vc" {
		t.Errorf("FindSynonyms(top vc fund) = %+v", ms)
	}
}

func TestPinyin(t *testing.T) {
	if got := strings.Join(analysis.Pinyin("银川"), " "); got != "yin chuan" {
		t.Errorf("Pinyin(银川) = %q", got)
	}
	got := analysis.PinyinTerms("宁夏大学科技园")
	for _, want := range []string{"nxdx", "ningxiadaxue", "ningxia", "kejiyuan", "ningxiadaxuekejiyuan", "nxdxkjy"} {
		if !slices.Contains(got, want) {
			t.Errorf("PinyinTerms(宁夏大学科技园) = %q lacks %q", got, want)
		}
	}
	if got := analysis.PinyinTerms("Helan Labs"); got != nil {
		t.Errorf("PinyinTerms of a Latin name = %q", got)
	}
}

func TestVocabulary(t *testing.T) {
	tests := []struct{ got, want string }{
		{analysis.SectorText("new_energy"), "new_energy 新能源 New energy"},
		{analysis.SectorText("nope"), "nope"},
		{analysis.StageText("pre_a"), "pre_a Pre-A轮 Pre-A"},
		{analysis.CityText("银川市"), "银川 Yinchuan yinchuan yc"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
	if !strings.Contains(analysis.TypeText("incubator"), "孵化器") {
		t.Errorf("TypeText(incubator) = %q", analysis.TypeText("incubator"))
	}
}

func TestBleveAnalyzersRegistered(t *testing.T) {
	cache := registry.NewCache()
	for _, name := range []string{analysis.AnalyzerText, analysis.AnalyzerTextWords, analysis.AnalyzerTextBigrams, analysis.AnalyzerLatin, analysis.AnalyzerKeywords} {
		a, err := cache.AnalyzerNamed(name)
		if err != nil {
			t.Fatalf("analyzer %s: %v", name, err)
		}
		if ts := a.Analyze([]byte("宁夏 Incubators")); len(ts) == 0 {
			t.Errorf("analyzer %s gave no tokens", name)
		}
	}
	a, _ := cache.AnalyzerNamed(analysis.AnalyzerLatin)
	ts := a.Analyze([]byte("宁夏 Incubators"))
	if len(ts) != 1 || string(ts[0].Term) != "incubators" {
		t.Errorf("latin analyzer = %v", ts)
	}
}

func TestWarm(t *testing.T) {
	d, err := analysis.Warm()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dictionary loaded in %v", d)
}

func BenchmarkAnalyze(b *testing.B) {
	text := "宁夏大学科技园孵化器为新能源、新材料初创企业提供天使投资对接、路演和导师服务。We help hardware startups in Yinchuan."
	analysis.Warm()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		analysis.Analyze(text, analysis.ModeWords)
	}
}

func TestAnalyzeWordsOnly(t *testing.T) {
	ts := analysis.Analyze("我们在中宁县建设枸杞深加工生产线", analysis.ModeWordsOnly)
	all := terms(ts, analysis.TypeWord)
	for _, w := range []string{"枸杞", "深加工", "加工", "生产线"} {
		if !slices.Contains(all, w) {
			t.Errorf("words %q lack %q", all, w)
		}
	}
	// characters only where the segmenter leaves them alone, and no
	// function words
	for _, c := range terms(ts, analysis.TypeUnigram) {
		if c == "枸" || c == "杞" || c == "加" || c == "在" {
			t.Errorf("ModeWordsOnly emitted the character %q", c)
		}
	}
	// the positions of words stay those of ModeWords
	full := analysis.Analyze("我们在中宁县建设枸杞深加工生产线", analysis.ModeWords)
	pos := map[string]int{}
	for _, tok := range full {
		if tok.Type == analysis.TypeWord {
			pos[tok.Term] = tok.Pos
		}
	}
	for _, tok := range ts {
		if tok.Type == analysis.TypeWord && pos[tok.Term] != tok.Pos {
			t.Errorf("%q at position %d, ModeWords has %d", tok.Term, tok.Pos, pos[tok.Term])
		}
	}
}

// TestKeywordTokensMatchFields checks KeywordTokens, which skips
// normalizing text that is already normalized, against normalizing and
// splitting with strings.Fields.
func TestKeywordTokensMatchFields(t *testing.T) {
	for _, s := range []string{"", " ", "ningxia nx  yinchuan", "宁 宁夏 宁夏大", "Ningxia NX", "ａｂｃ x", "a\u00a0b", "a\u3000b", "a\tb\n c ", "x\x00y", "\xff\xfeab", "İstanbul ı", "ǅ ǆ"} {
		n := analysis.Normalize(s)
		want := strings.Fields(n)
		got := analysis.KeywordTokens(s)
		if len(got) != len(want) {
			t.Fatalf("KeywordTokens(%q) = %v, want terms %q", s, got, want)
		}
		for i, tk := range got {
			if tk.Term != want[i] || n[tk.Start:tk.End] != tk.Term || tk.Pos != i+1 {
				t.Fatalf("KeywordTokens(%q)[%d] = %+v, want %q", s, i, tk, want[i])
			}
		}
	}
}

// TestCountiesWithoutSuffix: text that writes a county with its suffix
// (隆德县) also yields the name people search for (隆德), and a query
// for that name is one known word, not two characters found anywhere.
func TestCountiesWithoutSuffix(t *testing.T) {
	for _, c := range []struct{ text, name string }{
		{"我们位于隆德县的冷链物流中心", "隆德"},
		{"中宁县枸杞深加工", "中宁"},
		{"沙坡头区治沙", "沙坡头"},
		{"红寺堡区移民新村", "红寺堡"},
		{"宁夏冷链配送", "冷链"},
	} {
		words := terms(analysis.Analyze(c.text, analysis.ModeWords), analysis.TypeWord)
		if !slices.Contains(words, c.name) {
			t.Errorf("Analyze(%q) words %q lack %q", c.text, words, c.name)
		}
		ps := analysis.ParseQuery(c.name, analysis.ModeWords)
		if len(ps) != 1 || ps[0].Term != c.name || !ps[0].Known {
			t.Errorf("ParseQuery(%q) = %+v, want one known word", c.name, ps)
		}
	}
}
