package matching

import (
	"math"
	"slices"
	"testing"
)

func TestTicketFit(t *testing.T) {
	tests := []struct {
		name       string
		ask        int64
		tmin, tmax int64
		lo, hi     float32
	}{
		{"inside", 2_000_000, 1_000_000, 5_000_000, 0.9, 1},
		{"at the lower end", 1_000_000, 1_000_000, 5_000_000, 0.5, 0.9},
		{"a decade above", 50_000_000, 1_000_000, 5_000_000, 0, 0.15},
		{"a decade below", 100_000, 1_000_000, 5_000_000, 0, 0.15},
		{"no maximum", 80_000_000, 1_000_000, 0, 0.95, 1},
		{"no minimum", 10_000, 0, 5_000_000, 0.95, 1},
		{"unknown ticket", 2_000_000, 0, 0, 0, 0},
		{"unknown ask", 0, 1_000_000, 5_000_000, 0, 0},
		{"far off the grid", 1, 1_000_000, 5_000_000, 0, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := make([]float32, MoneyDims)
			m := make([]float32, MoneyDims)
			askRBF(a, tt.ask)
			ticketMembership(m, tt.tmin, tt.tmax)
			var got float32
			for i := range a {
				got += a[i] * m[i]
			}
			if got < tt.lo || got > tt.hi {
				t.Errorf("fit = %.3f, want in [%.2f, %.2f]", got, tt.lo, tt.hi)
			}
		})
	}
}

func TestSectorAndStageFit(t *testing.T) {
	tests := []struct {
		startup []string
		pref    []string
		want    float32
	}{
		{[]string{"new_energy"}, []string{"new_energy"}, 1},
		{[]string{"new_energy"}, []string{"energy_saving"}, 0.7},
		{[]string{"biotech"}, []string{"medicine_health"}, 0.7},
		{[]string{"biotech"}, []string{"culture_creative"}, 0},
		{[]string{"biotech", "culture_creative"}, []string{"biotech"}, 0.5},
		{[]string{"new_energy"}, nil, 0},
		{nil, []string{"new_energy"}, 0},
		{[]string{"unknown"}, []string{"new_energy"}, 0},
	}
	for _, tt := range tests {
		s := make([]float32, NumSectors)
		p := make([]float32, NumSectors)
		sectorOneHot(s, tt.startup)
		sectorPref(p, tt.pref)
		if got := dot(s, p); math.Abs(float64(got-tt.want)) > 1e-6 {
			t.Errorf("sector fit %v vs %v = %v, want %v", tt.startup, tt.pref, got, tt.want)
		}
	}
	for _, c := range []struct {
		stage  string
		stages []string
		want   float32
	}{{"angel", []string{"angel"}, 1}, {"angel", []string{"pre_a"}, 0.5}, {"angel", []string{"b_plus"}, 0}, {"", []string{"a"}, 0}} {
		s := make([]float32, NumStages)
		p := make([]float32, NumStages)
		stageOneHot(s, c.stage)
		stagePref(p, c.stages)
		if got := dot(s, p); got != c.want {
			t.Errorf("stage fit %q vs %v = %v, want %v", c.stage, c.stages, got, c.want)
		}
	}
	if SectorSimilarity("new_energy", "energy_saving") != SectorSimilarity("energy_saving", "new_energy") {
		t.Error("sector similarity is not symmetric")
	}
}

func TestCityFit(t *testing.T) {
	tests := []struct {
		city    string
		regions []string
		want    float32
	}{
		{"银川", []string{"银川"}, 1},
		{"银川市", []string{"Yinchuan"}, 1},
		{"吴忠", []string{"银川"}, nearbyCity},
		{"吴忠", []string{"宁夏"}, 1},
		{"北京", []string{"银川"}, 0},
		{"银川", nil, 0},
	}
	for _, tt := range tests {
		s := make([]float32, CityDims)
		p := make([]float32, CityDims)
		cityOneHot(s, tt.city)
		cityPref(p, tt.regions)
		if got := dot(s, p); got != tt.want {
			t.Errorf("city fit %q vs %v = %v, want %v", tt.city, tt.regions, got, tt.want)
		}
	}
}

func TestMoneyFormat(t *testing.T) {
	tests := []struct {
		lo, hi int64
		zh, en string
	}{
		{1_000_000, 5_000_000, "¥100–500万", "¥1–5M"},
		{500_000, 2_000_000, "¥50–200万", "¥500K–2M"},
		{5_000_000, 150_000_000, "¥500万–1.5亿", "¥5–150M"},
		{1_000_000, 0, "¥100万 起", "from ¥1M"},
		{0, 5_000_000, "¥500万 以内", "up to ¥5M"},
		{200_000_000, 2_000_000_000, "¥2–20亿", "¥200M–2B"},
	}
	for _, tt := range tests {
		zh, en := moneyRange(tt.lo, tt.hi)
		if zh != tt.zh || en != tt.en {
			t.Errorf("moneyRange(%d, %d) = %q, %q; want %q, %q", tt.lo, tt.hi, zh, en, tt.zh, tt.en)
		}
	}
	for n, want := range map[int64][2]string{2_000_000: {"¥200万", "¥2M"}, 1_500_000: {"¥150万", "¥1.5M"}, 5000: {"¥5000", "¥5K"}, 999: {"¥999", "¥999"}} {
		if zh, en := moneyZH(n), moneyEN(n); zh != want[0] || en != want[1] {
			t.Errorf("money(%d) = %q, %q; want %q", n, zh, en, want)
		}
	}
}

func TestTextModel(t *testing.T) {
	m := newTextModel(TextDims)
	docs := [][]string{
		DefaultTokens("储能电池 光伏逆变器 solar storage"),
		DefaultTokens("创新药 医疗器械 clinical trials"),
		DefaultTokens("储能 电池 检测"),
	}
	for _, d := range docs {
		m.add(analyse(d).hashes)
	}
	vec := func(tokens []string) []float32 {
		v := make([]float32, TextDims)
		vector(m.weighted(analyse(tokens)), v)
		return v
	}
	a, b, c := vec(docs[0]), vec(docs[1]), vec(docs[2])
	if self := dot(a, a); math.Abs(float64(self-1)) > 1e-5 {
		t.Errorf("a text vector has norm² %v, want 1", self)
	}
	if dot(a, c) <= dot(a, b) {
		t.Errorf("storage texts are not closer (%v) than storage and pharma (%v)", dot(a, c), dot(a, b))
	}
	if vector(nil, make([]float32, TextDims)) {
		t.Error("an empty text gave a vector")
	}
	d := analyse(docs[2])
	m.remove(d.hashes)
	m.add(d.hashes)
	if m.docs != 3 {
		t.Errorf("docs = %d after remove and add, want 3", m.docs)
	}
}

func TestDefaultTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Solar Storage, the BEST!", []string{"solar", "storage", "best"}},
		{"储能电池", []string{"储", "储能", "能", "能电", "电", "电池", "池"}},
		{"AI芯片a", []string{"ai", "芯", "芯片", "片"}},
		{"的确", []string{"的确", "确"}},
		{"", nil},
		{"  \x00 ", nil},
	}
	for _, tt := range tests {
		if got := DefaultTokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("DefaultTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSharedTerms(t *testing.T) {
	got := sharedTerms([]string{"池", "电池", "检测", "池检", "mass"}, []string{"电池", "池", "检测", "池检", "mass"}, 3)
	if !slices.Equal(got, []string{"电池", "检测", "mass"}) {
		t.Errorf("sharedTerms = %q", got)
	}
}
