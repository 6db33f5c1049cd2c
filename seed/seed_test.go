package seed_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"makerlink"
	"makerlink/seed"
)

// gen caches data sets: generating is cheap, but many tests read the same.
var cache = map[seed.Options]*seed.Dataset{}

func gen(t testing.TB, o seed.Options) *seed.Dataset {
	t.Helper()
	if d, ok := cache[o]; ok {
		return d
	}
	d := seed.Generate(o)
	cache[o] = d
	return d
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ofKind[T makerlink.Profile](d *seed.Dataset) []T {
	var out []T
	for _, p := range d.Profiles {
		if x, ok := p.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, o := range []seed.Options{{Seed: 1}, {Seed: 42, Total: 2000}} {
		a := mustJSON(t, seed.Generate(o))
		b := mustJSON(t, seed.Generate(o))
		if !bytes.Equal(a, b) {
			t.Errorf("%+v: two runs differ", o)
		}
	}
	if bytes.Equal(mustJSON(t, seed.Generate(seed.Options{Seed: 1})), mustJSON(t, seed.Generate(seed.Options{Seed: 2}))) {
		t.Error("seeds 1 and 2 give the same data")
	}
}

// TestDefaultIsStable pins a few facts of the default data that search and
// matching fixtures depend on. If it fails after an intended change to the
// generator, update those fixtures too.
func TestDefaultIsStable(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	if got := seed.Generate(seed.Options{}); !bytes.Equal(mustJSON(t, got), mustJSON(t, seed.Generate(seed.Options{Seed: 0}))) {
		t.Error("zero options are not deterministic")
	}
	st := ofKind[*makerlink.Startup](d)
	founder := d.UserByEmail(seed.FounderEmail)
	if st[0].OwnerID != founder.ID || st[1].OwnerID != founder.ID {
		t.Errorf("the first two startups are not the demo founder's")
	}
	if st[0].Stage != "angel" || !slices.Contains(st[0].Sectors, "modern_agriculture") {
		t.Errorf("first demo startup = %s %v, want an angel-stage agriculture company", st[0].Stage, st[0].Sectors)
	}
}

func TestDefaultCounts(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	for _, c := range []struct {
		kind makerlink.Kind
		min  int
	}{
		{makerlink.KindStartup, 240}, {makerlink.KindInvestor, 70}, {makerlink.KindMentor, 70},
		{makerlink.KindEquipment, 90}, {makerlink.KindSpace, 24},
	} {
		if n := d.Count(c.kind); n < c.min {
			t.Errorf("%d %s profiles, want at least %d", n, c.kind, c.min)
		}
	}
	if len(d.Profiles) != seed.DefaultTotal {
		t.Errorf("%d profiles, want DefaultTotal = %d", len(d.Profiles), seed.DefaultTotal)
	}
}

func TestTotalKeepsProportions(t *testing.T) {
	def := gen(t, seed.Options{Seed: 1})
	for _, total := range []int{10, 100, 1000, 5000} {
		d := seed.Generate(seed.Options{Seed: 1, Total: total})
		if diff := math.Abs(float64(len(d.Profiles) - total)); diff > math.Max(5, 0.02*float64(total)) {
			t.Errorf("Total %d: %d profiles", total, len(d.Profiles))
		}
		for _, k := range makerlink.Kinds {
			if d.Count(k) == 0 {
				t.Errorf("Total %d: no %s", total, k)
			}
			if total >= 1000 {
				want := float64(def.Count(k)) / float64(len(def.Profiles))
				got := float64(d.Count(k)) / float64(len(d.Profiles))
				if math.Abs(got-want) > 0.01 {
					t.Errorf("Total %d: %s share %.3f, default %.3f", total, k, got, want)
				}
			}
		}
		for _, a := range d.Accounts {
			if d.UserByEmail(a.Email) == nil {
				t.Errorf("Total %d: demo account %s missing", total, a.Email)
			}
		}
	}
}

func TestEveryProfileValidates(t *testing.T) {
	for _, o := range []seed.Options{{Seed: 1}, {Seed: 2}, {Seed: 7, Total: 3000}} {
		d := gen(t, o)
		for _, p := range d.Profiles {
			before := mustJSON(t, p)
			if err := p.Validate(); err != nil {
				t.Fatalf("%+v: %s %s: %v %+v", o, p.Kind(), p.Base().ID, err, makerlink.ErrorFields(err))
			}
			if !bytes.Equal(before, mustJSON(t, p)) {
				t.Fatalf("%+v: Validate changed %s %s (city not canonical?)", o, p.Kind(), p.Base().ID)
			}
		}
	}
}

func TestCoverage(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	sectors, stages, cities, districts := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	for _, s := range ofKind[*makerlink.Startup](d) {
		for _, c := range s.Sectors {
			sectors[c]++
		}
		stages[s.Stage]++
		cities[s.City]++
		districts[s.District]++
	}
	for _, l := range makerlink.Sectors {
		if sectors[l.Code] < 5 {
			t.Errorf("sector %s: %d startups", l.Code, sectors[l.Code])
		}
	}
	for _, l := range makerlink.Stages {
		if stages[l.Code] < 5 {
			t.Errorf("stage %s: %d startups", l.Code, stages[l.Code])
		}
	}
	for _, c := range makerlink.Cities {
		if cities[c.ZH] < 5 {
			t.Errorf("city %s: %d startups", c.ZH, cities[c.ZH])
		}
	}
	if len(districts) < 15 {
		t.Errorf("startups in only %d districts", len(districts))
	}
	if cities["银川"]*2 < len(ofKind[*makerlink.Startup](d))*2/5 {
		t.Errorf("Yinchuan has %d startups; the capital should have the most", cities["银川"])
	}

	kinds := map[string]bool{}
	for _, i := range ofKind[*makerlink.Investor](d) {
		kinds[i.Type] = true
	}
	for _, k := range makerlink.InvestorKinds {
		if !kinds[k] {
			t.Errorf("no investor of kind %s", k)
		}
	}
	kinds = map[string]bool{}
	names := map[string]bool{}
	for _, s := range ofKind[*makerlink.Space](d) {
		kinds[s.Type] = true
		names[s.Name] = true
	}
	for _, k := range makerlink.SpaceKinds {
		if !kinds[k] {
			t.Errorf("no space of kind %s", k)
		}
	}
	for _, n := range []string{"银川iBi育成中心", "宁夏中关村科技产业园", "宁夏中关村智能硬件产业园（宁夏智谷）", "宁夏沙湖众创小镇",
		"中阿物流园创业基地", "宁夏高新技术创业服务中心", "银川科技园", "北方民族大学创客空间"} {
		if !names[n] {
			t.Errorf("space %s missing", n)
		}
	}
	var hz int
	for n := range names {
		if strings.Contains(n, "高新技术产业开发区") {
			hz++
		}
	}
	if hz < 2 {
		t.Errorf("%d high-tech zone spaces, want Yinchuan's and Shizuishan's", hz)
	}

	inst := map[string]bool{}
	eqCities := map[string]bool{}
	for _, e := range ofKind[*makerlink.Equipment](d) {
		inst[e.Institution] = true
		eqCities[e.City] = true
	}
	for _, n := range []string{"宁夏大学", "北方民族大学", "宁夏医科大学", "宁夏农林科学院", "宁夏回族自治区分析测试中心"} {
		if !inst[n] {
			t.Errorf("no instrument at %s", n)
		}
	}
	if len(eqCities) < 4 {
		t.Errorf("instruments in only %d cities", len(eqCities))
	}
	langs := map[string]int{}
	for _, m := range ofKind[*makerlink.Mentor](d) {
		for _, l := range m.Languages {
			langs[l]++
		}
	}
	if langs["中文"] != d.Count(makerlink.KindMentor) || langs["English"] < 10 || langs["阿拉伯语"] < 1 {
		t.Errorf("mentor languages %v", langs)
	}
}

const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

func checkID(t *testing.T, what, id string, created time.Time) {
	t.Helper()
	if len(id) != 24 || strings.Trim(id, idAlphabet) != "" {
		t.Errorf("%s: id %q is not 24 lowercase base32 characters", what, id)
		return
	}
	// the first 48 bits are the creation time in ms, as makerlink.NewID
	want := makerlink.NewID(created)[:9] // 45 bits: unaffected by the random part
	if id[:9] != want {
		t.Errorf("%s: id %s does not start with the time of %s (%s)", what, id, created, want)
	}
}

func TestIDsOwnersAndReferences(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	users := map[string]*makerlink.User{}
	emails := map[string]bool{}
	for _, u := range d.Users {
		checkID(t, "user "+u.Email, u.ID, u.CreatedAt)
		if users[u.ID] != nil || emails[u.Email] {
			t.Errorf("duplicate user %s %s", u.ID, u.Email)
		}
		users[u.ID], emails[u.Email] = u, true
		if u.Email != strings.ToLower(u.Email) || !strings.Contains(u.Email, "@") {
			t.Errorf("bad email %q", u.Email)
		}
		if u.Name == "" || len(u.Roles) == 0 {
			t.Errorf("user %s lacks a name or roles", u.Email)
		}
	}
	if last := d.Users[len(d.Users)-1]; last.Email != seed.AdminEmail || !last.IsAdmin() {
		t.Errorf("last user is %s, want the admin marker", last.Email)
	}

	want := map[makerlink.Kind]makerlink.Role{
		makerlink.KindStartup: makerlink.RoleFounder, makerlink.KindInvestor: makerlink.RoleInvestor,
		makerlink.KindMentor: makerlink.RoleMentor, makerlink.KindEquipment: makerlink.RoleLab, makerlink.KindSpace: makerlink.RoleOrganizer,
	}
	ids := map[string]makerlink.Profile{}
	perOwner := map[string]int{}
	for _, p := range d.Profiles {
		m := p.Base()
		checkID(t, string(p.Kind()), m.ID, m.CreatedAt)
		if ids[m.ID] != nil {
			t.Errorf("duplicate profile id %s", m.ID)
		}
		ids[m.ID] = p
		owner := users[m.OwnerID]
		if owner == nil {
			t.Errorf("%s %s: owner %s is not a user", p.Kind(), m.ID, m.OwnerID)
			continue
		}
		if !owner.Has(want[p.Kind()]) {
			t.Errorf("%s %s: owner %s has roles %v", p.Kind(), m.ID, owner.Email, owner.Roles)
		}
		if m.Version != 1 || m.CreatedAt.Location() != time.UTC || m.UpdatedAt.Before(m.CreatedAt) ||
			m.CreatedAt.Before(owner.CreatedAt) || m.CreatedAt.Nanosecond() != 0 || m.UpdatedAt.After(time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("%s %s: bad meta %+v (owner created %s)", p.Kind(), m.ID, *m, owner.CreatedAt)
		}
		perOwner[m.OwnerID]++
	}
	twoStartups := 0
	for _, s := range ofKind[*makerlink.Startup](d) {
		if s.SpaceID != "" {
			if sp, ok := ids[string(s.SpaceID)].(*makerlink.Space); !ok {
				t.Errorf("startup %s: space_id %s is not a space", s.Name, s.SpaceID)
			} else if sp.City != s.City {
				t.Errorf("startup %s in %s sits in space %s in %s", s.Name, s.City, sp.Name, sp.City)
			}
		}
		if perOwner[s.OwnerID] == 2 {
			twoStartups++
		}
	}
	if twoStartups < 4 {
		t.Errorf("only %d startups have a founder with two", twoStartups)
	}
	withPortfolio := 0
	for _, inv := range ofKind[*makerlink.Investor](d) {
		if len(inv.Portfolio) > 0 {
			withPortfolio++
		}
		minStage := 99
		for _, s := range inv.Stages {
			minStage = min(minStage, makerlink.StageIndex(s))
		}
		for _, id := range inv.Portfolio {
			s, ok := ids[id].(*makerlink.Startup)
			if !ok {
				t.Errorf("investor %s: portfolio id %s is not a startup", inv.Name, id)
				continue
			}
			if !slices.ContainsFunc(s.Sectors, func(c string) bool { return slices.Contains(inv.Sectors, c) }) {
				t.Errorf("investor %s (%v) backs %s (%v): no common sector", inv.Name, inv.Sectors, s.Name, s.Sectors)
			}
			if makerlink.StageIndex(s.Stage) < minStage {
				t.Errorf("investor %s (%v) backs %s at %s, before its stages", inv.Name, inv.Stages, s.Name, s.Stage)
			}
		}
	}
	if withPortfolio < d.Count(makerlink.KindInvestor)/2 {
		t.Errorf("only %d investors have a portfolio", withPortfolio)
	}
}

func TestFieldsAreConsistent(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	ask := map[string][2]int64{ // yuan, by stage
		"idea": {0, 500_000}, "seed": {500_000, 3_000_000}, "angel": {1_000_000, 8_000_000},
		"pre_a": {5_000_000, 20_000_000}, "a": {20_000_000, 80_000_000}, "b_plus": {80_000_000, 300_000_000},
	}
	st := ofKind[*makerlink.Startup](d)
	english, hidden := 0, 0
	descs := map[string]bool{}
	for _, s := range st {
		r := ask[s.Stage]
		if s.FundingAskCNY < r[0] || s.FundingAskCNY > r[1] {
			t.Errorf("%s at %s asks %d", s.Name, s.Stage, s.FundingAskCNY)
		}
		if s.Stage != "idea" && s.FoundedOn == "" {
			t.Errorf("%s at %s has no founding date", s.Name, s.Stage)
		}
		if s.FoundedOn > "2025-09-01" {
			t.Errorf("%s founded in the future: %s", s.Name, s.FoundedOn)
		}
		if s.TeamSize < 1 || len(s.Needs) == 0 || len(s.Sectors) > 2 {
			t.Errorf("%s: team %d, needs %v, sectors %v", s.Name, s.TeamSize, s.Needs, s.Sectors)
		}
		if hasLatinSentence(s.Description) {
			english++
		}
		if s.Visibility == makerlink.VisibilityInvestors {
			hidden++
		}
		if descs[s.Description] {
			t.Errorf("%s: description repeats another startup's", s.Name)
		}
		descs[s.Description] = true
		if !strings.ContainsFunc(s.Description, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%s: no Chinese in the description", s.Name)
		}
	}
	if f := float64(english) / float64(len(st)); f < 0.2 || f > 0.4 {
		t.Errorf("%.2f of startups have English text, want about 0.3", f)
	}
	if f := float64(hidden) / float64(len(st)); f < 0.05 || f > 0.16 {
		t.Errorf("%.2f of startups are investors-only, want about 0.1", f)
	}

	tickets := map[string][2]int64{
		"angel": {100_000, 3_000_000}, "fund": {1_000_000, 50_000_000}, "bank": {300_000, 20_000_000},
		"corporate": {2_000_000, 30_000_000}, "government_fund": {1_000_000, 30_000_000},
	}
	accepting := 0
	for _, inv := range ofKind[*makerlink.Investor](d) {
		r := tickets[inv.Type]
		if inv.TicketMinCNY < r[0] || inv.TicketMaxCNY > r[1] || inv.TicketMinCNY >= inv.TicketMaxCNY {
			t.Errorf("%s (%s): ticket %d–%d", inv.Name, inv.Type, inv.TicketMinCNY, inv.TicketMaxCNY)
		}
		if len(inv.Stages) == 0 || len(inv.Sectors) == 0 || len(inv.Regions) == 0 || inv.Thesis == "" {
			t.Errorf("%s: incomplete %+v", inv.Name, inv)
		}
		if inv.Accepting {
			accepting++
		}
	}
	if accepting*10 < d.Count(makerlink.KindInvestor)*7 {
		t.Errorf("only %d investors accept pitches", accepting)
	}

	saturday, allDay := 0, 0
	for _, e := range ofKind[*makerlink.Equipment](d) {
		longest, continuous := 0, len(e.OpenHours) == 7
		for _, h := range e.OpenHours {
			from, _ := makerlink.ParseClock(h.From)
			to, _ := makerlink.ParseClock(h.To)
			longest = max(longest, to-from)
			if h.Day == 6 {
				saturday++
			}
			if h.To == "24:00" && h.Day == 1 {
				allDay++
			}
			continuous = continuous && h.From == "00:00" && h.To == "24:00"
		}
		if !continuous && e.MaxMinutes > longest {
			t.Errorf("%s: max %d minutes does not fit its longest window of %d", e.Name, e.MaxMinutes, longest)
		}
		if e.PricePerHourCNY <= 0 || e.Specs == "" || e.Category == "" {
			t.Errorf("%s: incomplete %+v", e.Name, e)
		}
	}
	if saturday == 0 || allDay == 0 {
		t.Errorf("%d instruments open on Saturday, %d until 24:00; want some of each", saturday, allDay)
	}

	for _, p := range d.Profiles {
		for _, s := range texts(p) {
			if strings.ContainsAny(s, "{}") {
				t.Errorf("%s %s: unexpanded placeholder in %q", p.Kind(), p.Base().ID, s)
			}
		}
	}
}

// texts returns the free-text fields of a profile.
func texts(p makerlink.Profile) []string {
	switch x := p.(type) {
	case *makerlink.Startup:
		return append([]string{x.Name, x.Tagline, x.Description}, x.Needs...)
	case *makerlink.Investor:
		return []string{x.Name, x.Organization, x.Thesis}
	case *makerlink.Mentor:
		return append([]string{x.Name, x.Bio, x.Organization}, x.Expertise...)
	case *makerlink.Equipment:
		return []string{x.Name, x.Description, x.Specs}
	case *makerlink.Space:
		return append([]string{x.Name, x.Description}, x.Services...)
	}
	return nil
}

// hasLatinSentence reports whether s has a run of at least four English
// words, as the English paragraphs of bilingual profiles do.
func hasLatinSentence(s string) bool {
	words := 0
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' }) {
		if f != "" && f[0] < 0x80 && unicode.IsLetter(rune(f[0])) {
			words++
			if words >= 4 {
				return true
			}
		} else {
			words = 0
		}
	}
	return false
}

func TestDemoAccounts(t *testing.T) {
	d := gen(t, seed.Options{Seed: 1})
	if len(d.Accounts) != 6 {
		t.Fatalf("%d demo accounts, want 6", len(d.Accounts))
	}
	for _, a := range d.Accounts {
		u := d.UserByEmail(a.Email)
		if u == nil || !u.Has(makerlink.Role(a.Role)) || a.Note == "" || a.Email != strings.ToLower(a.Email) {
			t.Errorf("demo account %+v: user %+v", a, u)
		}
	}
	owned := func(email string) []makerlink.Profile { return d.OwnedBy(d.UserByEmail(email).ID) }

	var startups []*makerlink.Startup
	for _, p := range owned(seed.FounderEmail) {
		startups = append(startups, p.(*makerlink.Startup))
	}
	if len(startups) < 2 {
		t.Fatalf("founder owns %d startups, want 2", len(startups))
	}
	inv := owned(seed.InvestorEmail)
	if len(inv) != 1 {
		t.Fatalf("investor owns %d profiles", len(inv))
	}
	angel := inv[0].(*makerlink.Investor)
	for _, s := range startups {
		// the demo investor's deal flow shows the demo founder's startups
		if !slices.Contains(angel.Stages, s.Stage) || !slices.Contains(angel.Regions, s.City) ||
			!slices.ContainsFunc(s.Sectors, func(c string) bool { return slices.Contains(angel.Sectors, c) }) ||
			s.FundingAskCNY > angel.TicketMaxCNY*5 {
			t.Errorf("demo investor %+v does not fit demo startup %s (%s, %s, %v)", angel, s.Name, s.Stage, s.City, s.Sectors)
		}
	}
	if m := owned(seed.MentorEmail); len(m) != 1 || m[0].Kind() != makerlink.KindMentor {
		t.Errorf("mentor owns %v", m)
	}
	eq := owned(seed.LabEmail)
	if len(eq) < 4 {
		t.Fatalf("lab owns %d instruments, want several", len(eq))
	}
	// every demo startup needs an instrument the demo lab runs
	for _, s := range startups {
		found := false
		for _, p := range eq {
			e := p.(*makerlink.Equipment)
			abbr := e.Name[strings.LastIndex(e.Name, "（")+len("（") : strings.LastIndex(e.Name, "）")]
			for _, n := range s.Needs {
				found = found || strings.Contains(n, abbr)
			}
		}
		if !found {
			t.Errorf("no need of %s (%v) names an instrument of the demo lab", s.Name, s.Needs)
		}
	}
	if sp := owned(seed.OrganizerEmail); len(sp) != 1 || sp[0].(*makerlink.Space).Name != "银川iBi育成中心" {
		t.Errorf("organizer owns %v", sp)
	}
	if a := d.UserByEmail(seed.AdminEmail); !a.IsAdmin() || len(owned(seed.AdminEmail)) != 0 {
		t.Errorf("admin %+v", a)
	}
}

// TestREADMEListsDemoLogins keeps README.md in step with the accounts.
func TestREADMEListsDemoLogins(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	if !strings.Contains(readme, "`"+seed.DemoPassword+"`") {
		t.Error("README.md does not give DemoPassword")
	}
	for _, a := range gen(t, seed.Options{Seed: 1}).Accounts {
		if !strings.Contains(readme, "`"+a.Email+"` | "+a.Role+" |") {
			t.Errorf("README.md does not list %s as %s", a.Email, a.Role)
		}
	}
}

func BenchmarkGenerate100k(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d := seed.Generate(seed.Options{Seed: 1, Total: 100_000})
		if len(d.Profiles) < 99_000 {
			b.Fatal(len(d.Profiles))
		}
	}
}

func BenchmarkGenerateDefault(b *testing.B) {
	for b.Loop() {
		seed.Generate(seed.Options{Seed: 1})
	}
}
