package makerlink_test

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"makerlink"
)

func TestEventNormalize(t *testing.T) {
	tests := []struct {
		name              string
		in                makerlink.Event
		preset            string
		pitch, qa         int
		invalidFirstField string
	}{
		{"NoDurationsIs8+7", makerlink.Event{}, "8+7", 480, 420, ""},
		{"Preset8+7", makerlink.Event{Preset: "8+7"}, "8+7", 480, 420, ""},
		{"PresetWithCustomQA", makerlink.Event{Preset: "8+7", QASeconds: 300}, "", 480, 300, ""},
		{"Custom", makerlink.Event{PitchSeconds: 300}, "", 300, 0, ""},
		{"UnknownPreset", makerlink.Event{Preset: "5+5", PitchSeconds: 300}, "5+5", 300, 0, "preset"},
		{"TooLong", makerlink.Event{PitchSeconds: makerlink.MaxPhaseSeconds + 1}, "", makerlink.MaxPhaseSeconds + 1, 0, "pitch_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.in
			e.Name, e.StartsAt = "银川创新创业大赛", time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
			e.Normalize()
			if e.Preset != tt.preset || e.PitchSeconds != tt.pitch || e.QASeconds != tt.qa {
				t.Fatalf("got preset %q %d+%d, want %q %d+%d", e.Preset, e.PitchSeconds, e.QASeconds, tt.preset, tt.pitch, tt.qa)
			}
			if e.Ranking != makerlink.RankingRaw || len(e.Rubric) != len(makerlink.DefaultRubric) {
				t.Fatalf("defaults not applied: ranking %q, %d criteria", e.Ranking, len(e.Rubric))
			}
			fields := makerlink.ErrorFields(e.Validate(time.Now()))
			switch {
			case tt.invalidFirstField == "" && len(fields) > 0:
				t.Fatalf("want valid, got %v", fields)
			case tt.invalidFirstField != "" && (len(fields) == 0 || fields[0].Field != tt.invalidFirstField):
				t.Fatalf("want %s invalid, got %v", tt.invalidFirstField, fields)
			}
		})
	}
}

func TestEventValidateRubric(t *testing.T) {
	tests := []struct {
		name   string
		rubric []makerlink.RubricItem
		fields []string
	}{
		{"OK", []makerlink.RubricItem{{Key: "team", Label: "团队", Weight: 0.5, Max: 10}}, nil},
		{"BadKey", []makerlink.RubricItem{{Key: "Team!", Label: "x", Weight: 1, Max: 10}}, []string{"rubric[0].key"}},
		{"DuplicateKey", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: 1, Max: 10}, {Key: "a", Label: "y", Weight: 1, Max: 10}}, []string{"rubric[1].key"}},
		{"ZeroWeight", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: 0, Max: 10}}, []string{"rubric[0].weight"}},
		{"NegativeMax", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: 1, Max: -1}}, []string{"rubric[0].max"}},
		{"NoLabel", []makerlink.RubricItem{{Key: "a", Weight: 1, Max: 1}}, []string{"rubric[0].label"}},
		// Weights are any positive finite numbers.
		{"WeightAbove1000", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: 1001, Max: 10}}, nil},
		{"HugeWeights", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: math.MaxFloat64, Max: 10},
			{Key: "b", Label: "y", Weight: math.MaxFloat64, Max: 10}}, nil},
		{"TinyWeight", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: 5e-324, Max: 10}}, nil},
		{"InfiniteWeight", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: math.Inf(1), Max: 10}}, []string{"rubric[0].weight"}},
		{"NaNWeight", []makerlink.RubricItem{{Key: "a", Label: "x", Weight: math.NaN(), Max: 10}}, []string{"rubric[0].weight"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := makerlink.Event{Name: "路演", StartsAt: time.Now(), Rubric: tt.rubric}
			e.Normalize()
			var got []string
			for _, f := range makerlink.ErrorFields(e.Validate(time.Now())) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("invalid fields %v, want %v", got, tt.fields)
			}
		})
	}
}

// rubric2 has two criteria: a (weight 2, max 10) and b (weight 1, max 5).
var rubric2 = []makerlink.RubricItem{{Key: "a", Label: "A", Weight: 2, Max: 10}, {Key: "b", Label: "B", Weight: 1, Max: 5}}

// close9 reports whether got equals want to 1e-9 relative precision.
func close9(got, want float64) bool {
	return got == want || math.Abs(got-want) <= 1e-9*math.Max(math.Abs(got), math.Abs(want))
}

func TestJudgeScore(t *testing.T) {
	huge := []makerlink.RubricItem{{Key: "a", Label: "A", Weight: math.MaxFloat64, Max: 10}, {Key: "b", Label: "B", Weight: math.MaxFloat64 / 2, Max: 5}}
	tests := []struct {
		name   string
		rubric []makerlink.RubricItem
		a, b   float64
		want   float64
	}{
		{"A8B5", rubric2, 8, 5, 260.0 / 3}, // 100 * (2*0.8 + 1*1.0) / 3, not rounded
		{"A5B0", rubric2, 5, 0, 100.0 / 3}, // 100 * (2*0.5) / 3
		{"Full", rubric2, 10, 5, 100},
		{"Zero", rubric2, 0, 0, 0},
		{"Halves", rubric2, 7.5, 2.5, 200.0 / 3}, // 100 * (1.5 + 0.5) / 3
		{"ExtremeWeightsJudge1", rubric3, 10, 3, 100 * (0.001 + 1000*3.0/7) / 1000.001},
		{"ExtremeWeightsJudge2", rubric3, 0, 6.5, 100 * (1000 * 6.5 / 7) / 1000.001},
		// Weights near the largest float: the sums must not overflow.
		{"HugeWeights", huge, 5, 5, 100 * (0.5 + 0.5) / 1.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := makerlink.JudgeScore(tt.rubric, map[string]float64{"a": tt.a, "b": tt.b}); !close9(got, tt.want) {
				t.Errorf("JudgeScore(a=%v, b=%v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

// rubric3 has weights six orders of magnitude apart: a (weight 0.001, max
// 10) and b (weight 1000, max 7).
var rubric3 = []makerlink.RubricItem{{Key: "a", Label: "A", Weight: 0.001, Max: 10}, {Key: "b", Label: "B", Weight: 1000, Max: 7}}

// The leaderboard's judge_score is the mean of the unrounded judge scores:
// judges {a:10, b:3} and {a:0, b:6.5} on rubric3 give exactly
// 50 * (0.001 + 9500/7) / 1000.001 = 67.857125 (to 1e-9), where averaging
// scores rounded to 4 decimals gave 67.8572. Stored totals (which used to
// be rounded) do not matter: the scores are recomputed from the rubric.
func TestBuildLeaderboardUnrounded(t *testing.T) {
	e := &makerlink.Event{ID: "E", Ranking: makerlink.RankingRaw, Rubric: rubric3}
	pitches := []*makerlink.Pitch{{ID: "P", Order: 1}}
	scores := []*makerlink.Score{
		{PitchID: "P", JudgeID: "J1", Scores: map[string]float64{"a": 10, "b": 3}, Total: 42.8572},
		{PitchID: "P", JudgeID: "J2", Scores: map[string]float64{"a": 0, "b": 6.5}, Total: 92.8571},
		// A recused judge is left out.
		{PitchID: "P", JudgeID: "J3", Scores: map[string]float64{"a": 10, "b": 7}, Total: 100},
	}
	recusals := []*makerlink.Recusal{{PitchID: "P", JudgeID: "J3", Reason: makerlink.RecuseDeclared}}
	lb := makerlink.BuildLeaderboard(e, pitches, scores, recusals, nil)
	want := 50 * (0.001 + 9500.0/7) / 1000.001
	if got := lb.Items[0].JudgeScore; got == nil || !close9(*got, want) || lb.Items[0].Judges != 2 {
		t.Fatalf("judge_score %s from %d judges, want %.9f from 2", fmtPtr(got), lb.Items[0].Judges, want)
	}
	if math.Abs(want-67.857125) > 1e-9 {
		t.Fatalf("the contract's example is %.12f", want)
	}
	spread := 100 * (1000*3.5/7 - 0.001) / 1000.001
	if !close9(lb.Items[0].Spread, spread) {
		t.Fatalf("spread %v, want %v", lb.Items[0].Spread, spread)
	}
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "null"
	}
	return strconv.FormatFloat(*p, 'g', -1, 64)
}

// Unrounded means that are equal but for the last bits of their
// floating-point sums still tie: (0.1+0.2)/2 and 0.15 share rank 1.
func TestBuildLeaderboardTiesUnrounded(t *testing.T) {
	pitches := []*makerlink.Pitch{{ID: "A", Order: 1}, {ID: "B", Order: 2}, {ID: "C", Order: 3}}
	scores := []*makerlink.Score{score("A", "J1", 0.1), score("A", "J2", 0.2), score("B", "J1", 0.15), score("C", "J1", 0.1500001)}
	a, b := 0.1, 0.2
	mean := (a + b) / 2
	if mean == 0.15 {
		t.Fatal("the fixture needs means that differ in floating point")
	}
	lb := makerlink.BuildLeaderboard(&makerlink.Event{Ranking: makerlink.RankingRaw}, pitches, scores, nil, nil)
	got := map[string]int{}
	for _, it := range lb.Items {
		got[it.PitchID] = it.Rank
	}
	if got["C"] != 1 || got["A"] != 2 || got["B"] != 2 {
		t.Fatalf("ranks %v, want C 1, A and B 2", got)
	}
	if it := lb.Items[1]; it.PitchID != "A" || *it.JudgeScore != mean {
		t.Fatalf("A is shown as %+v, want its unrounded mean %v", it, mean)
	}
}

func TestEventValidateStartsAt(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		start time.Time
		code  string // "" when valid
	}{
		{"Tomorrow", now.AddDate(0, 0, 1), ""},
		{"Past", time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC), ""},
		{"Year2000", makerlink.MinEventStart, ""},
		{"Before2000", makerlink.MinEventStart.Add(-time.Second), makerlink.FOutOfRange},
		{"Year1", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), makerlink.FOutOfRange},
		{"FiveYears", now.AddDate(5, 0, 0), ""},
		{"MoreThanFiveYears", now.AddDate(5, 0, 1), makerlink.FOutOfRange},
		{"Year9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), makerlink.FOutOfRange},
		{"Missing", time.Time{}, makerlink.FRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := makerlink.Event{Name: "路演", StartsAt: tt.start}
			e.Normalize()
			var got string
			for _, f := range makerlink.ErrorFields(e.Validate(now)) {
				if f.Field == "starts_at" {
					got = f.Code
				}
			}
			if got != tt.code {
				t.Fatalf("starts_at %v: code %q, want %q", tt.start, got, tt.code)
			}
		})
	}
}

// Domains reserved for testing and documentation (RFC 2606, RFC 6761)
// belong to no organization: they are treated as public mail domains.
func TestIsPublicMailDomain(t *testing.T) {
	tests := []struct {
		domain string
		public bool
	}{
		{"qq.com", true},
		{"163.com", true},
		{"Gmail.COM", true},
		{"example.com", true},
		{"example.net", true},
		{"example.org", true},
		{"EXAMPLE.NET", true},
		{"example.com.", true},
		{"localhost", true},
		{"e2e.test", true},
		{"mail.acme.test", true},
		{"test", true},
		{"foo.example", true},
		{"nowhere.invalid", true},
		{"box.localhost", true},
		{"ningxia-vc.cn", false},
		{"gojiai.cn", false},
		{"test.com", false},
		{"example.co", false},
		{"notexample.com", false},
		{"localhost.cn", false},
		{"invalid.org", false},
		{"sub.example.com", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			if got := makerlink.IsPublicMailDomain(tt.domain); got != tt.public {
				t.Fatalf("IsPublicMailDomain(%q) = %v, want %v", tt.domain, got, tt.public)
			}
		})
	}
}

func TestValidateScores(t *testing.T) {
	tests := []struct {
		name   string
		scores map[string]float64
		fields []string
	}{
		{"OK", map[string]float64{"a": 10, "b": 0}, nil},
		{"Unknown", map[string]float64{"a": 1, "b": 1, "zz": 1}, []string{"scores.zz"}},
		{"Missing", map[string]float64{"a": 1}, []string{"scores.b"}},
		{"AboveMax", map[string]float64{"a": 10.5, "b": 1}, []string{"scores.a"}},
		{"Negative", map[string]float64{"a": 1, "b": -0.1}, []string{"scores.b"}},
		{"NaN", map[string]float64{"a": math.NaN(), "b": 1}, []string{"scores.a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := makerlink.ValidateScores(rubric2, tt.scores)
			var got []string
			for _, f := range makerlink.ErrorFields(err) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields %v, want %v", got, tt.fields)
			}
			if tt.fields != nil && makerlink.ErrorCode(err) != makerlink.EValidation {
				t.Fatalf("code %q", makerlink.ErrorCode(err))
			}
		})
	}
}

func score(pitch, judge string, total float64) *makerlink.Score {
	return &makerlink.Score{PitchID: pitch, JudgeID: judge, Total: total}
}

func approx(p *float64, want float64) bool { return p != nil && math.Abs(*p-want) < 1e-4 }

// The fixture of the leaderboard tests, computed by hand:
//
//	judge J1 scores P1 80, P2 60, P3 70: mean 70, sd sqrt(200/3) = 8.16497,
//	  z = +1.224745, -1.224745, 0
//	judge J2 scores P1 50, P2 90: mean 70, sd 20, z = -1, +1
//	judge J3 scores P1 100 (recused from P1: excluded) and P2 75: one
//	  counted score, so z = 0
//
//	raw:        P1 (80+50)/2 = 65, P2 (60+90+75)/3 = 75, P3 70
//	normalized: P1 (1.224745-1)/2 = 0.112372, P2 (-1.224745+1+0)/3 = -0.074915, P3 0
//	spread:     P1 30 (disagreement), P2 30 (disagreement), P3 0
//	stddev:     P1 15, P2 sqrt(((60-75)^2+(90-75)^2+0)/3) = 12.247449
func leaderboardFixture() ([]*makerlink.Pitch, []*makerlink.Score, []*makerlink.Recusal, map[string]int64) {
	pitches := []*makerlink.Pitch{
		{ID: "P1", StartupID: "S1", Order: 1}, {ID: "P2", StartupID: "S2", Order: 2}, {ID: "P3", StartupID: "S3", Order: 3},
	}
	scores := []*makerlink.Score{
		score("P1", "J1", 80), score("P2", "J1", 60), score("P3", "J1", 70),
		score("P1", "J2", 50), score("P2", "J2", 90),
		score("P1", "J3", 100), score("P2", "J3", 75),
	}
	recusals := []*makerlink.Recusal{{PitchID: "P1", JudgeID: "J3", Reason: makerlink.RecuseOrganization}}
	votes := map[string]int64{"P1": 5, "P2": 3, "P3": 5}
	return pitches, scores, recusals, votes
}

func TestBuildLeaderboard(t *testing.T) {
	type row struct {
		pitch       string
		rank        int
		raw, norm   float64
		judges      int
		spread, sd  float64
		disagree    bool
		votes       int64
		unscoredRaw bool
	}
	want := map[string]row{
		"P1": {pitch: "P1", raw: 65, norm: 0.112372, judges: 2, spread: 30, sd: 15, disagree: true, votes: 5},
		"P2": {pitch: "P2", raw: 75, norm: -0.074915, judges: 3, spread: 30, sd: 12.247449, disagree: true, votes: 3},
		"P3": {pitch: "P3", raw: 70, norm: 0, judges: 1, spread: 0, sd: 0, votes: 5},
	}
	tests := []struct {
		ranking string
		order   []string
	}{
		{makerlink.RankingRaw, []string{"P2", "P3", "P1"}},
		{makerlink.RankingNormalized, []string{"P1", "P3", "P2"}},
	}
	for _, tt := range tests {
		t.Run(tt.ranking, func(t *testing.T) {
			pitches, scores, recusals, votes := leaderboardFixture()
			// Input order must not matter.
			slices.Reverse(scores)
			e := &makerlink.Event{ID: "E", Ranking: tt.ranking}
			lb := makerlink.BuildLeaderboard(e, pitches, scores, recusals, votes)
			var order []string
			for i, it := range lb.Items {
				order = append(order, it.PitchID)
				w := want[it.PitchID]
				if it.Rank != i+1 {
					t.Errorf("%s rank %d, want %d", it.PitchID, it.Rank, i+1)
				}
				if !approx(it.JudgeScore, w.raw) || !approx(it.JudgeScoreNormalized, w.norm) {
					t.Errorf("%s scores raw %v norm %v, want %v %v", it.PitchID, *it.JudgeScore, *it.JudgeScoreNormalized, w.raw, w.norm)
				}
				if it.Judges != w.judges || math.Abs(it.Spread-w.spread) > 1e-4 || math.Abs(it.StdDev-w.sd) > 1e-4 ||
					it.Disagreement != w.disagree || it.Votes != w.votes {
					t.Errorf("%s = %+v, want %+v", it.PitchID, it, w)
				}
			}
			if !slices.Equal(order, tt.order) {
				t.Fatalf("order %v, want %v", order, tt.order)
			}
		})
	}
}

func TestBuildLeaderboardTiesAndUnscored(t *testing.T) {
	pitches := []*makerlink.Pitch{{ID: "A", Order: 1}, {ID: "B", Order: 2}, {ID: "C", Order: 3}, {ID: "D", Order: 4}}
	scores := []*makerlink.Score{score("C", "J", 50), score("D", "J", 50)}
	votes := map[string]int64{"A": 7, "B": 7, "C": 1, "D": 1}
	lb := makerlink.BuildLeaderboard(&makerlink.Event{Ranking: makerlink.RankingRaw}, pitches, scores, nil, votes)
	got := []string{}
	ranks := []int{}
	for _, it := range lb.Items {
		got = append(got, it.PitchID)
		ranks = append(ranks, it.Rank)
	}
	// Scored pitches first (C and D tie: same score, same votes, same
	// rank), then unscored ones by votes (A and B tie).
	if !slices.Equal(got, []string{"C", "D", "A", "B"}) || !slices.Equal(ranks, []int{1, 1, 3, 3}) {
		t.Fatalf("order %v ranks %v", got, ranks)
	}
	if lb.Items[2].JudgeScore != nil || lb.Items[2].JudgeScoreNormalized != nil {
		t.Fatal("an unscored pitch must have null scores")
	}
	// Zero variance (both scores 50): z = 0.
	if !approx(lb.Items[0].JudgeScoreNormalized, 0) {
		t.Fatalf("zero-variance judge: normalized %v", *lb.Items[0].JudgeScoreNormalized)
	}
}

func TestConflicts(t *testing.T) {
	base := makerlink.ConflictFacts{
		JudgeID: "j", JudgeEmail: "wang@ningxia-vc.cn", StartupID: "s1", StartupName: "枸杞智选",
		OwnerID: "o", OwnerEmail: "li@gojiai.cn",
	}
	tests := []struct {
		name string
		edit func(f *makerlink.ConflictFacts)
		want []string
	}{
		{"None", func(*makerlink.ConflictFacts) {}, nil},
		{"Owner", func(f *makerlink.ConflictFacts) { f.OwnerID = "j"; f.OwnerEmail = f.JudgeEmail }, []string{makerlink.RecuseOwner}},
		{"PortfolioByID", func(f *makerlink.ConflictFacts) { f.Portfolio = []string{"x", "s1"} }, []string{makerlink.RecuseInvested}},
		{"PortfolioByName", func(f *makerlink.ConflictFacts) { f.Portfolio = []string{" 枸杞智选 "} }, []string{makerlink.RecuseInvested}},
		{"Organization", func(f *makerlink.ConflictFacts) {
			f.JudgeOrgs = []string{"宁夏大学"}
			f.OwnerOrgs = []string{"宁夏 大学"}
		}, []string{makerlink.RecuseOrganization}},
		{"OrganizationCase", func(f *makerlink.ConflictFacts) {
			f.JudgeOrgs = []string{"Ningxia University"}
			f.OwnerOrgs = []string{"ningxia university."}
		}, []string{makerlink.RecuseOrganization}},
		{"EmptyOrganizations", func(f *makerlink.ConflictFacts) { f.JudgeOrgs = []string{""}; f.OwnerOrgs = []string{" "} }, nil},
		{"CompanyDomain", func(f *makerlink.ConflictFacts) { f.OwnerEmail = "zhao@Ningxia-VC.cn" }, []string{makerlink.RecuseEmailDomain}},
		{"PublicDomain", func(f *makerlink.ConflictFacts) { f.JudgeEmail = "a@qq.com"; f.OwnerEmail = "b@qq.com" }, nil},
		{"Public163", func(f *makerlink.ConflictFacts) { f.JudgeEmail = "a@163.com"; f.OwnerEmail = "b@163.com" }, nil},
		{"ReservedExampleNet", func(f *makerlink.ConflictFacts) { f.JudgeEmail = "a@example.net"; f.OwnerEmail = "b@Example.net" }, nil},
		{"ReservedTestTLD", func(f *makerlink.ConflictFacts) { f.JudgeEmail = "a@e2e.test"; f.OwnerEmail = "b@e2e.test" }, nil},
		{"ReservedLocalhost", func(f *makerlink.ConflictFacts) { f.JudgeEmail = "a@localhost"; f.OwnerEmail = "b@localhost" }, nil},
		{"Intent", func(f *makerlink.ConflictFacts) { f.HasIntent = true }, []string{makerlink.RecusePipeline}},
		{"RelationsAndSorting", func(f *makerlink.ConflictFacts) {
			f.OwnerEmail = "x@ningxia-vc.cn"
			f.Relations = []makerlink.Relation{{Reason: makerlink.RecuseMentor, Detail: "mentors it"}}
		}, []string{makerlink.RecuseMentor, makerlink.RecuseEmailDomain}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base
			tt.edit(&f)
			var got []string
			for _, r := range makerlink.Conflicts(f) {
				got = append(got, r.Reason)
				if r.Detail == "" {
					t.Errorf("reason %s without detail", r.Reason)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPitchPhaseEnd(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	t1 := t0.Add(8 * time.Minute)
	e := &makerlink.Event{PitchSeconds: 480, QASeconds: 420}
	tests := []struct {
		p    makerlink.Pitch
		want *time.Time
	}{
		{makerlink.Pitch{State: makerlink.PitchScheduled}, nil},
		{makerlink.Pitch{State: makerlink.PitchPitching, StartedAt: &t0}, &t1},
		{makerlink.Pitch{State: makerlink.PitchQA, StartedAt: &t0, QAStartedAt: &t1}, ptr(t1.Add(7 * time.Minute))},
		{makerlink.Pitch{State: makerlink.PitchEnded, StartedAt: &t0}, nil},
	}
	for _, tt := range tests {
		got := tt.p.PhaseEnd(e)
		if (got == nil) != (tt.want == nil) || got != nil && !got.Equal(*tt.want) {
			t.Errorf("%s: PhaseEnd = %v, want %v", tt.p.State, got, tt.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
