package matching_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"makerlink"
	"makerlink/matching"
)

func meta(id, owner string) makerlink.Meta { return makerlink.Meta{ID: id, OwnerID: owner} }

// solar is the startup most tests ask for: a new-energy angel-stage company
// in Yinchuan asking ¥2M.
func solar() *makerlink.Startup {
	return &makerlink.Startup{Meta: meta("s-solar", "u-founder"), Name: "光储科技",
		Tagline: "户用储能", Description: "储能电池管理系统 光伏逆变器 solar storage inverter",
		Sectors: []string{"new_energy"}, Stage: "angel", City: "银川", FundingAskCNY: 2_000_000,
		Needs: []string{"电池检测", "mass spectrometry"}, Visibility: makerlink.VisibilityPublic}
}

func investor(id string, mod func(*makerlink.Investor)) *makerlink.Investor {
	i := &makerlink.Investor{Meta: meta(id, "u-"+id), Name: "Investor " + id, Type: "angel",
		Sectors: []string{"new_energy"}, Stages: []string{"angel"}, TicketMinCNY: 1_000_000, TicketMaxCNY: 5_000_000,
		Regions: []string{"银川"}, Thesis: "储能 光伏 新能源 storage", Accepting: true}
	if mod != nil {
		mod(i)
	}
	return i
}

func mentor(id string, mod func(*makerlink.Mentor)) *makerlink.Mentor {
	m := &makerlink.Mentor{Meta: meta(id, "u-"+id), Name: "Mentor " + id, Bio: "电池 检测 专家",
		Expertise: []string{"电池检测"}, Sectors: []string{"new_energy"}, Capacity: 2, City: "银川"}
	if mod != nil {
		mod(m)
	}
	return m
}

func startup(id string, mod func(*makerlink.Startup)) *makerlink.Startup {
	s := &makerlink.Startup{Meta: meta(id, "u-"+id), Name: "Startup " + id, Description: "储能 电池",
		Sectors: []string{"new_energy"}, Stage: "angel", City: "银川", FundingAskCNY: 2_000_000, Visibility: makerlink.VisibilityPublic}
	if mod != nil {
		mod(s)
	}
	return s
}

func newEngine(t testing.TB, ps ...makerlink.Profile) *matching.Engine {
	t.Helper()
	e := matching.NewEngine(matching.Options{})
	if err := e.UpsertAll(ps); err != nil {
		t.Fatalf("UpsertAll: %v", err)
	}
	return e
}

func match(t testing.TB, e *matching.Engine, q matching.Query) []matching.Match {
	t.Helper()
	ms, err := e.Match(q)
	if err != nil {
		t.Fatalf("Match %+v: %v", q, err)
	}
	return ms
}

func ids(ms []matching.Match) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func codes(m matching.Match) []string {
	var out []string
	for _, r := range m.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func find(ms []matching.Match, id string) *matching.Match {
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i]
		}
	}
	return nil
}

var toInvestors = matching.Query{FromKind: makerlink.KindStartup, FromID: "s-solar", ToKind: makerlink.KindInvestor}

func TestOrdering(t *testing.T) {
	e := newEngine(t, solar(),
		investor("perfect", nil),
		investor("similar-sector", func(i *makerlink.Investor) { i.Sectors = []string{"energy_saving"} }),
		investor("late-stage", func(i *makerlink.Investor) {
			i.Stages, i.TicketMinCNY, i.TicketMaxCNY = []string{"b_plus"}, 50_000_000, 200_000_000
		}),
		investor("pharma", func(i *makerlink.Investor) {
			i.Sectors, i.Stages, i.Regions, i.Thesis = []string{"medicine_health"}, []string{"b_plus"}, []string{"北京"}, "创新药 临床"
			i.TicketMinCNY, i.TicketMaxCNY = 50_000_000, 200_000_000
		}),
	)
	ms := match(t, e, toInvestors)
	if got, want := ids(ms), []string{"perfect", "similar-sector", "late-stage", "pharma"}; !slices.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i].Score > ms[i-1].Score {
			t.Errorf("scores not descending: %v then %v", ms[i-1].Score, ms[i].Score)
		}
	}
	if ms[0].Score < 0.6 || ms[len(ms)-1].Score > 0.2 {
		t.Errorf("scores %v .. %v: a perfect fit should score high and an unrelated one low", ms[0].Score, ms[len(ms)-1].Score)
	}
}

func TestReasons(t *testing.T) {
	pf := startup("pf1", nil)
	pf2 := startup("pf2", func(s *makerlink.Startup) { s.Name = "储能二号" })
	e := newEngine(t, solar(), pf, pf2,
		investor("perfect", func(i *makerlink.Investor) { i.Portfolio = []string{"pf1", "储能二号"} }),
		investor("ticket-only", func(i *makerlink.Investor) {
			i.Sectors, i.Stages, i.Regions, i.Thesis = []string{"culture_creative"}, nil, nil, ""
		}),
		investor("near-ticket", func(i *makerlink.Investor) {
			i.TicketMinCNY, i.TicketMaxCNY = 3_000_000, 10_000_000
		}),
		mentor("m1", nil),
		&makerlink.Equipment{Meta: meta("eq1", "u-lab"), Name: "质谱仪", Category: "分析仪器", Institution: "宁夏大学",
			City: "银川", Description: "mass spectrometry 质谱分析", MinMinutes: 30, MaxMinutes: 480},
	)
	ms := match(t, e, toInvestors)
	checkReasons(t, ms)

	perfect := find(ms, "perfect")
	if got := codes(*perfect); len(got) != 4 {
		t.Errorf("perfect investor reasons %v, want 4", got)
	}
	want := map[string][2]string{
		"ticket":    {"融资需求 ¥200万 在其 ¥100–500万 区间", "ask ¥2M within ticket ¥1–5M"},
		"location":  {"投资地区包括银川", "invests in Yinchuan"},
		"sector":    {"同属新能源", "both in new energy"},
		"portfolio": {"投过 2 家相似企业", "backed 2 similar startups"},
		"stage":     {"投资天使轮项目", "invests at the Angel stage"},
	}
	for _, r := range perfect.Reasons {
		if w, ok := want[r.Code]; ok && (r.ZH != w[0] || r.EN != w[1]) {
			t.Errorf("reason %s = %q / %q, want %q / %q", r.Code, r.ZH, r.EN, w[0], w[1])
		}
	}
	if got := codes(*find(ms, "ticket-only")); !slices.Equal(got, []string{"ticket"}) {
		t.Errorf("an investor matching only on ticket has reasons %v, want [ticket]", got)
	}
	for _, r := range find(ms, "near-ticket").Reasons {
		if r.Code == "ticket" && !strings.Contains(r.EN, "close to ticket ¥3–10M") {
			t.Errorf("near ticket reason %q", r.EN)
		}
	}

	mm := match(t, e, matching.Query{FromKind: makerlink.KindStartup, FromID: "s-solar", ToKind: makerlink.KindMentor})
	checkReasons(t, mm)
	if got := codes(mm[0]); !slices.Contains(got, "needs") || !slices.Contains(got, "sector") {
		t.Errorf("mentor reasons %v, want needs and sector", got)
	}
	em := match(t, e, matching.Query{FromKind: makerlink.KindStartup, FromID: "s-solar", ToKind: makerlink.KindEquipment})
	checkReasons(t, em)
	if len(em) != 1 || !slices.Contains(codes(em[0]), "needs") {
		t.Fatalf("equipment matches %+v, want eq1 with a needs reason", em)
	}
	for _, r := range em[0].Reasons {
		if r.Code == "needs" && r.ZH != "可满足需求「mass spectrometry」" {
			t.Errorf("needs reason %q", r.ZH)
		}
	}

	df := match(t, e, matching.Query{FromKind: makerlink.KindInvestor, FromID: "perfect", ToKind: makerlink.KindStartup})
	checkReasons(t, df)
	if find(df, "pf1") != nil {
		t.Error("deal flow lists a startup the investor already backed")
	}
}

// checkReasons checks the invariants of every match: scores in [0,1],
// 0 to 4 reasons with both languages and distinct codes, and every reason
// for a factor that raised the score.
func checkReasons(t *testing.T, ms []matching.Match) {
	t.Helper()
	valid := []string{"sector", "stage", "ticket", "location", "text", "portfolio", "capacity", "needs"}
	for _, m := range ms {
		if m.Score < 0 || m.Score > 1 || m.MutualScore < 0 || m.MutualScore > 1 {
			t.Errorf("%s: score %v mutual %v outside [0,1]", m.ID, m.Score, m.MutualScore)
		}
		if len(m.Reasons) > 4 {
			t.Errorf("%s: %d reasons", m.ID, len(m.Reasons))
		}
		seen := map[string]bool{}
		for _, r := range m.Reasons {
			if !slices.Contains(valid, r.Code) || seen[r.Code] {
				t.Errorf("%s: bad or repeated reason code %q", m.ID, r.Code)
			}
			seen[r.Code] = true
			if r.ZH == "" || r.EN == "" {
				t.Errorf("%s: reason %s lacks a language: %+v", m.ID, r.Code, r)
			}
			if m.Factors[r.Code] <= 0 {
				t.Errorf("%s: reason %s for a factor that did not raise the score (%v)", m.ID, r.Code, m.Factors)
			}
		}
		var sum float64
		for _, v := range m.Factors {
			sum += v
		}
		if sum > 0 && sum <= 1 && (sum-m.Score > 0.001 || m.Score-sum > 0.001) {
			t.Errorf("%s: factors sum to %v, score %v", m.ID, sum, m.Score)
		}
	}
}

func TestFilters(t *testing.T) {
	hidden := startup("hidden", func(s *makerlink.Startup) { s.Visibility = makerlink.VisibilityInvestors })
	e := newEngine(t, solar(), hidden, startup("open", nil),
		investor("accepting", nil),
		investor("closed", func(i *makerlink.Investor) { i.Accepting = false }),
		mentor("free", nil),
		mentor("full", nil),
		mentor("no-capacity", func(m *makerlink.Mentor) { m.Capacity = 0 }),
	)
	e.SetMentees("full", 2)
	if got := ids(match(t, e, toInvestors)); !slices.Equal(got, []string{"accepting"}) {
		t.Errorf("investors = %v, want only the accepting one", got)
	}
	toMentors := matching.Query{FromKind: makerlink.KindStartup, FromID: "s-solar", ToKind: makerlink.KindMentor}
	if got := ids(match(t, e, toMentors)); !slices.Equal(got, []string{"free"}) {
		t.Errorf("mentors = %v, want only the one with places left", got)
	}
	e.SetMentees("full", 1)
	if got := ids(match(t, e, toMentors)); len(got) != 2 {
		t.Errorf("mentors after a place freed = %v, want 2", got)
	}
	e.SetPaused("free", true)
	if got := ids(match(t, e, toMentors)); !slices.Equal(got, []string{"full"}) {
		t.Errorf("mentors with one paused = %v, want only the one still taking mentees", got)
	}
	if got := e.MentorsWithPlaces(); slices.Contains(got, "free") {
		t.Errorf("mentors with places %v include the paused one", got)
	}
	e.SetPaused("free", false)
	if got := ids(match(t, e, toMentors)); len(got) != 2 {
		t.Errorf("mentors after resuming = %v, want 2", got)
	}

	dealFlow := matching.Query{FromKind: makerlink.KindInvestor, FromID: "accepting", ToKind: makerlink.KindStartup}
	if got := ids(match(t, e, dealFlow)); !slices.Contains(got, "hidden") {
		t.Errorf("deal flow %v lacks the investors-only startup", got)
	}
	e.SetPassed("accepting", []string{"open"})
	if got := ids(match(t, e, dealFlow)); slices.Contains(got, "open") || !slices.Contains(got, "s-solar") {
		t.Errorf("deal flow after passing on open = %v", got)
	}
	e.SetPassed("accepting", nil)
	if got := ids(match(t, e, dealFlow)); !slices.Contains(got, "open") {
		t.Errorf("deal flow after the pass was undone = %v", got)
	}
	mentorOwner := &makerlink.User{ID: "u-free", Roles: []makerlink.Role{makerlink.RoleMentor}}
	mq := matching.Query{FromKind: makerlink.KindMentor, FromID: "free", ToKind: makerlink.KindStartup, Viewer: mentorOwner}
	if got := ids(match(t, e, mq)); slices.Contains(got, "hidden") || len(got) != 2 {
		t.Errorf("a mentor sees %v, want the two public startups", got)
	}
	mentorOwner.Roles = append(mentorOwner.Roles, makerlink.RoleInvestor)
	if got := ids(match(t, e, mq)); !slices.Contains(got, "hidden") {
		t.Errorf("a mentor who is also an investor sees %v, want the investors-only startup too", got)
	}
}

func TestDismissNeverReturns(t *testing.T) {
	e := newEngine(t, solar(), investor("a", nil), investor("b", nil))
	if err := e.SetFeedback(makerlink.KindStartup, "s-solar", makerlink.KindInvestor, "a", matching.ActionDismiss); err != nil {
		t.Fatal(err)
	}
	for step := range 3 {
		if got := ids(match(t, e, toInvestors)); slices.Contains(got, "a") {
			t.Fatalf("step %d: dismissed investor came back: %v", step, got)
		}
		// Updates of either side must not bring it back.
		_ = e.Upsert(investor("a", func(i *makerlink.Investor) { i.Thesis += " 更新" }))
		_ = e.Upsert(solar())
	}
	if got := ids(match(t, e, matching.Query{FromKind: makerlink.KindInvestor, FromID: "a", ToKind: makerlink.KindStartup})); !slices.Contains(got, "s-solar") {
		t.Errorf("a dismissal hides the other direction too: %v", got)
	}
	if err := e.SetFeedback(makerlink.KindStartup, "s-solar", makerlink.KindInvestor, "a", matching.ActionClear); err != nil {
		t.Fatal(err)
	}
	if got := ids(match(t, e, toInvestors)); !slices.Contains(got, "a") {
		t.Errorf("cleared dismissal still hides the investor: %v", got)
	}
}

func TestSaveFeedsPortfolio(t *testing.T) {
	other := startup("twin", func(s *makerlink.Startup) { s.Name = "Twin" })
	e := newEngine(t, solar(), other, investor("i", nil))
	before := find(match(t, e, toInvestors), "i")
	if before.Factors["portfolio"] != 0 {
		t.Fatalf("portfolio factor %v before any save", before.Factors["portfolio"])
	}
	if err := e.SetFeedback(makerlink.KindInvestor, "i", makerlink.KindStartup, "twin", matching.ActionSave); err != nil {
		t.Fatal(err)
	}
	after := find(match(t, e, toInvestors), "i")
	if after.Factors["portfolio"] <= 0 || after.Score <= before.Score {
		t.Errorf("a saved similar startup did not raise the score: %v -> %v (%v)", before.Score, after.Score, after.Factors)
	}
	found := false
	for _, r := range after.Reasons {
		if r.Code == "portfolio" {
			found = r.ZH == "关注过 1 家相似企业" && r.EN == "saved 1 similar startup"
		}
	}
	if !found {
		t.Errorf("reasons %+v lack the saved-startups reason", after.Reasons)
	}
}

func TestExposure(t *testing.T) {
	e := newEngine(t, solar(), investor("busy", nil), investor("quiet", nil))
	ms := match(t, e, toInvestors)
	if ms[0].Score != ms[1].Score {
		t.Fatalf("identical investors score %v and %v", ms[0].Score, ms[1].Score)
	}
	e.SetOpenRequests(makerlink.KindInvestor, "busy", 30)
	ms = match(t, e, toInvestors)
	if got := ids(ms); !slices.Equal(got, []string{"quiet", "busy"}) {
		t.Errorf("order with busy having 30 open requests = %v", got)
	}
	if ms[1].Factors["exposure"] >= 0 {
		t.Errorf("busy investor exposure factor %v, want negative", ms[1].Factors["exposure"])
	}
	for _, r := range ms[1].Reasons {
		if r.Code == "exposure" {
			t.Error("exposure given as a reason")
		}
	}
	e.SetOpenRequests(makerlink.KindInvestor, "busy", 2) // within the free requests
	ms = match(t, e, toInvestors)
	if ms[0].Score != ms[1].Score {
		t.Errorf("two open requests still penalised: %v vs %v", ms[0].Score, ms[1].Score)
	}
}

func TestInPlaceUpdate(t *testing.T) {
	e := newEngine(t, solar(), investor("a", nil),
		investor("b", func(i *makerlink.Investor) { i.Sectors, i.Thesis = []string{"biotech"}, "创新药" }))
	if got := ids(match(t, e, toInvestors)); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("before: %v", got)
	}
	before := e.Stats(makerlink.KindInvestor)
	// b changes its focus to new energy and its ticket to fit better than a's.
	if err := e.Upsert(investor("b", func(i *makerlink.Investor) { i.Thesis = "储能电池管理系统 光伏逆变器 户用储能" })); err != nil {
		t.Fatal(err)
	}
	if err := e.Upsert(investor("a", func(i *makerlink.Investor) { i.Sectors = []string{"culture_creative"} })); err != nil {
		t.Fatal(err)
	}
	if got := ids(match(t, e, toInvestors)); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("after the updates: %v, want [b a]", got)
	}
	if after := e.Stats(makerlink.KindInvestor); after != before {
		t.Errorf("updates changed the table from %+v to %+v", before, after)
	}
	e.Remove(makerlink.KindInvestor, "a")
	_ = e.Upsert(investor("c", nil))
	if after := e.Stats(makerlink.KindInvestor); after.Rows != before.Rows || after.Live != 2 {
		t.Errorf("a removal then an insert gave %+v, want the freed row reused", after)
	}
	if got := ids(match(t, e, toInvestors)); slices.Contains(got, "a") {
		t.Errorf("removed investor still listed: %v", got)
	}
}

func TestBadInput(t *testing.T) {
	e := newEngine(t, solar(), investor("a", nil))
	owner := &makerlink.User{ID: "u-founder", Roles: []makerlink.Role{makerlink.RoleFounder}}
	stranger := &makerlink.User{ID: "u-x", Roles: []makerlink.Role{makerlink.RoleFounder}}
	admin := &makerlink.User{ID: "u-admin", Roles: []makerlink.Role{makerlink.RoleAdmin}}
	tests := []struct {
		name string
		q    matching.Query
		code string
		n    int
	}{
		{"unknown startup", matching.Query{FromKind: "startup", FromID: "nope", ToKind: "investor"}, makerlink.ENotFound, 0},
		{"investor to investor", matching.Query{FromKind: "investor", FromID: "a", ToKind: "investor"}, makerlink.EBadRequest, 0},
		{"unknown kind", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "space"}, makerlink.EBadRequest, 0},
		{"empty kinds", matching.Query{}, makerlink.EBadRequest, 0},
		{"negative limit", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "investor", Limit: -1}, makerlink.EBadRequest, 0},
		{"limit 0 is the default", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "investor"}, "", 1},
		{"limit 10000 is clamped", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "investor", Limit: 10000}, "", 1},
		{"owner", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "investor", Viewer: owner}, "", 1},
		{"admin", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "investor", Viewer: admin}, "", 1},
		{"someone else", matching.Query{FromKind: "startup", FromID: "s-solar", ToKind: "investor", Viewer: stranger}, makerlink.EForbidden, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := e.Match(tt.q)
			if got := makerlink.ErrorCode(err); got != tt.code {
				t.Fatalf("code %q (%v), want %q", got, err, tt.code)
			}
			if len(ms) != tt.n {
				t.Errorf("%d matches, want %d", len(ms), tt.n)
			}
		})
	}
	fb := []struct {
		from, to makerlink.Kind
		fromID   string
		action   string
	}{
		{"startup", "investor", "s-solar", "like"},
		{"investor", "investor", "a", "save"},
		{"startup", "investor", "", "save"},
	}
	for _, f := range fb {
		if err := e.SetFeedback(f.from, f.fromID, f.to, "a", f.action); makerlink.ErrorCode(err) != makerlink.EValidation {
			t.Errorf("SetFeedback(%v) = %v, want validation_failed", f, err)
		}
	}
	if err := e.Upsert(&makerlink.Startup{}); makerlink.ErrorCode(err) != makerlink.EValidation {
		t.Errorf("Upsert without id = %v", err)
	}
	if err := e.Upsert(&makerlink.Space{Meta: meta("sp", "u")}); err != nil {
		t.Errorf("Upsert of a space = %v, want ignored", err)
	}
	e.Remove(makerlink.KindMentor, "nobody") // no panic
}

func TestLimitClamp(t *testing.T) {
	ps := []makerlink.Profile{solar()}
	for i := range 130 {
		ps = append(ps, investor(fmt.Sprintf("i%03d", i), nil))
	}
	e := newEngine(t, ps...)
	if n := len(match(t, e, toInvestors)); n != matching.DefaultLimit {
		t.Errorf("default limit gave %d", n)
	}
	q := toInvestors
	q.Limit = 10000
	if n := len(match(t, e, q)); n != matching.MaxLimit {
		t.Errorf("limit 10000 gave %d, want %d", n, matching.MaxLimit)
	}
}

// TestSparseProfiles ranks profiles without text, portfolio, ticket or
// sectors: sensible results, scores in [0,1], no panic.
func TestSparseProfiles(t *testing.T) {
	e := newEngine(t,
		&makerlink.Startup{Meta: meta("bare", "u"), Name: "Bare", Sectors: []string{"biotech"}, Stage: "idea", City: "固原"},
		&makerlink.Investor{Meta: meta("empty", "u2"), Name: "Empty", Accepting: true, Portfolio: []string{"no such startup"}},
		&makerlink.Mentor{Meta: meta("m", "u3"), Name: "M", Capacity: 1},
		&makerlink.Equipment{Meta: meta("eq", "u4"), Name: "E", City: "固原"},
	)
	for _, k := range []makerlink.Kind{"investor", "mentor", "equipment"} {
		ms := match(t, e, matching.Query{FromKind: "startup", FromID: "bare", ToKind: k})
		checkReasons(t, ms)
		if len(ms) != 1 {
			t.Errorf("%s: %d matches, want 1", k, len(ms))
		}
	}
	for _, q := range []matching.Query{
		{FromKind: "investor", FromID: "empty", ToKind: "startup"},
		{FromKind: "mentor", FromID: "m", ToKind: "startup"},
	} {
		checkReasons(t, match(t, e, q))
	}
}

// TestRandomProfiles checks the invariants on many random profiles.
func TestRandomProfiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pick := func(ls []makerlink.Label) string { return ls[rng.IntN(len(ls))].Code }
	words := []string{"储能", "光伏", "电池", "芯片", "医疗", "农业", "枸杞", "葡萄酒", "software", "AI", "检测", "材料", ""}
	txt := func() string {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		return b.String()
	}
	cities := []string{"银川", "吴忠", "固原", "北京", ""}
	e := matching.NewEngine(matching.Options{})
	var startups []string
	for i := range 60 {
		id := fmt.Sprintf("s%d", i)
		startups = append(startups, id)
		_ = e.Upsert(&makerlink.Startup{Meta: meta(id, "u"), Name: id, Description: txt(), Sectors: []string{pick(makerlink.Sectors)},
			Stage: pick(makerlink.Stages), City: cities[rng.IntN(len(cities))], FundingAskCNY: rng.Int64N(100_000_000), Needs: []string{txt()}})
	}
	for i := range 40 {
		lo := rng.Int64N(10_000_000)
		_ = e.Upsert(&makerlink.Investor{Meta: meta(fmt.Sprintf("i%d", i), "u"), Name: "i", Accepting: rng.IntN(4) > 0,
			Sectors: []string{pick(makerlink.Sectors)}, Stages: []string{pick(makerlink.Stages)}, TicketMinCNY: lo, TicketMaxCNY: lo * rng.Int64N(10),
			Regions: []string{cities[rng.IntN(len(cities))]}, Thesis: txt(), Portfolio: []string{startups[rng.IntN(len(startups))]}})
		_ = e.Upsert(&makerlink.Mentor{Meta: meta(fmt.Sprintf("m%d", i), "u"), Name: "m", Bio: txt(), Capacity: rng.IntN(3),
			Sectors: []string{pick(makerlink.Sectors)}, City: cities[rng.IntN(len(cities))]})
		e.SetOpenRequests(makerlink.KindInvestor, fmt.Sprintf("i%d", i), rng.IntN(40))
	}
	for _, s := range startups[:20] {
		for _, k := range []makerlink.Kind{"investor", "mentor", "equipment"} {
			checkReasons(t, match(t, e, matching.Query{FromKind: "startup", FromID: s, ToKind: k, Limit: 100}))
		}
	}
	for i := range 10 {
		checkReasons(t, match(t, e, matching.Query{FromKind: "investor", FromID: fmt.Sprintf("i%d", i), ToKind: "startup", Limit: 100}))
		checkReasons(t, match(t, e, matching.Query{FromKind: "mentor", FromID: fmt.Sprintf("m%d", i), ToKind: "startup", Limit: 100}))
	}
}

// TestConcurrent runs queries and updates at once (run with -race).
func TestConcurrent(t *testing.T) {
	e := newEngine(t, solar(), investor("a", nil), investor("b", nil), startup("x", nil))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				switch (g + i) % 4 {
				case 0:
					if _, err := e.Match(toInvestors); err != nil {
						t.Error(err)
						return
					}
				case 1:
					_ = e.Upsert(investor(fmt.Sprintf("c%d", i%7), nil))
				case 2:
					e.SetOpenRequests(makerlink.KindInvestor, "a", i%9)
				case 3:
					_ = e.SetFeedback(makerlink.KindInvestor, "b", makerlink.KindStartup, "x", matching.ActionSave)
					_ = e.Upsert(startup("x", nil))
				}
			}
		}()
	}
	wg.Wait()
}

// TestCustomTokenizer swaps in a stemming tokenizer: reasons still show
// the words people wrote.
func TestCustomTokenizer(t *testing.T) {
	stem := func(s string) []string {
		var out []string
		for _, w := range strings.Fields(strings.ToLower(s)) {
			out = append(out, strings.TrimSuffix(w, "e"))
		}
		return out
	}
	e := matching.NewEngine(matching.Options{Tokenizer: stem})
	s := solar()
	s.Description = "home storage inverter"
	i := investor("i", func(i *makerlink.Investor) {
		i.Thesis, i.Regions, i.Stages, i.TicketMinCNY, i.TicketMaxCNY = "storage software", nil, nil, 0, 0
	})
	if err := e.UpsertAll([]makerlink.Profile{s, i}); err != nil {
		t.Fatal(err)
	}
	ms := match(t, e, toInvestors)
	for _, r := range ms[0].Reasons {
		if r.Code == "text" && !strings.Contains(r.EN, "storage") {
			t.Errorf("text reason %q, want the word storage", r.EN)
		}
	}
	if !slices.Contains(codes(ms[0]), "text") {
		t.Errorf("reasons %v lack text", codes(ms[0]))
	}
}
