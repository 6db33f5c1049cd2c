package seed

import (
	"strconv"
	"strings"
	"time"

	"makerlink"
)

var (
	stageWeights = []int{12, 25, 28, 17, 12, 6} // order of makerlink.Stages
	// founding age in months by stage
	foundedMonths = [][2]int{{0, 10}, {4, 30}, {12, 48}, {24, 72}, {36, 96}, {60, 144}}
	// funding ask in units of 10,000 yuan (万) by stage, and its step
	askWan = [][3]int64{{10, 50, 5}, {50, 300, 10}, {100, 800, 50}, {500, 2000, 100}, {2000, 8000, 500}, {8000, 30000, 1000}}
	teamBy = [][2]int{{1, 4}, {2, 8}, {4, 15}, {8, 30}, {15, 80}, {40, 300}}
)

var topicsBySector = func() map[string][]*topic {
	m := make(map[string][]*topic)
	for i := range topics {
		t := &topics[i]
		m[t.sectors[0]] = append(m[t.sectors[0]], t)
	}
	return m
}()

func cityByZH(zh string) makerlink.City {
	for _, c := range makerlink.Cities {
		if c.ZH == zh {
			return c
		}
	}
	return makerlink.Cities[0]
}

func topicByKey(key string) *topic {
	for i := range topics {
		if topics[i].key == key {
			return &topics[i]
		}
	}
	return nil
}

// demoStartups are the demo founder's companies: a goji processor in an
// incubator asking for angel money, and a perovskite team at seed stage.
// Both need instruments that the demo lab runs.
var demoStartups = []struct {
	topic, stage string
	place        place
	sectors      []string
}{
	{"goji_processing", "angel", place{"银川", "金凤区"}, []string{"modern_agriculture", "biotech"}},
	{"perovskite", "seed", place{"银川", "西夏区"}, []string{"new_energy", "new_materials"}},
}

// genStartups makes n startups, the first two owned by the founder demo
// account. A few generated founders own two startups.
func (g *generator) genStartups(n int) {
	r := newRNG(g.seed, streamStartups)
	ids := newRNG(g.seed, streamStartups+100)
	var single []*makerlink.User // generated founders with one startup so far
	g.startups = make([]*makerlink.Startup, 0, n)
	for i := 0; i < n; i++ {
		var s *makerlink.Startup
		var owner *makerlink.User
		if i < len(demoStartups) {
			ds := demoStartups[i]
			s = g.startup(r, topicByKey(ds.topic), makerlink.StageIndex(ds.stage), ds.place, ds.sectors)
			s.Visibility = makerlink.VisibilityPublic
			if len(g.spaces) > 0 {
				s.SpaceID = makerlink.OptText(g.spaces[0].ID) // 银川iBi育成中心
			}
			owner = g.demo[FounderEmail]
		} else {
			sec := sectorTexts[r.weighted(sectorWeights)].code
			t := pick(r, topicsBySector[sec])
			pl := r.place()
			if len(t.places) > 0 {
				// most companies sit where their business is; a few elsewhere in the same city
				pl = pick(r, t.places)
				if r.chance(0.15) {
					pl.district = pick(r, cityByZH(pl.city).Districts)
				}
			}
			s = g.startup(r, t, r.weighted(stageWeights), pl, nil)
			if len(single) > 0 && r.chance(0.07) {
				k := r.IntN(len(single))
				owner = single[k]
				single = append(single[:k], single[k+1:]...)
			} else {
				p := r.person()
				owner = g.newUser(ids, userTime(r), personEmail(p, "f", i), p.name, makerlink.RoleFounder)
				single = append(single, owner)
			}
		}
		setMeta(&s.Meta, r, ids, owner)
		for _, sec := range s.Sectors {
			g.bySector[sec] = append(g.bySector[sec], len(g.startups))
		}
		g.startups = append(g.startups, s)
		g.d.Profiles = append(g.d.Profiles, s)
	}
}

// startup generates one company of topic t at stage index st in pl. When
// sectors is nil the topic's secondary sectors are added at random.
func (g *generator) startup(r *rng, t *topic, st int, pl place, sectors []string) *makerlink.Startup {
	stage := makerlink.Stages[st].Code
	if sectors == nil {
		sectors = []string{t.sectors[0]}
		for _, s := range t.sectors[1:] {
			if r.chance(0.6) {
				sectors = append(sectors, s)
			}
		}
		sectors = sortSectors(sectors)
	}
	suffix := pick(r, t.suffixes)
	name := g.uniqueName(r, func(extra string) string {
		return placePrefix(r, pl.city) + pick(r, brandWords) + extra + suffix
	})

	// founding date, team and ask follow the stage
	var founded string
	year := ""
	if st > 0 || r.chance(0.65) {
		fm := foundedMonths[st]
		d := base.AddDate(0, -r.between(fm[0], fm[1]), -r.IntN(28))
		founded = d.Format(time.DateOnly)
		year = strconv.Itoa(d.Year())
	}
	team := r.between(teamBy[st][0], teamBy[st][1])
	var ask int64
	if st > 0 || r.chance(0.6) {
		a := askWan[st]
		steps := (a[1] - a[0]) / a[2]
		ask = (a[0] + r.Int64N(steps+1)*a[2]) * 10_000
	}

	v := vars{"name": name, "city": pl.city, "district": pl.district, "year": year,
		"team": strconv.Itoa(team), "s": pick(r, teamSchools), "e": pick(r, teamEmployers)}

	var b strings.Builder
	if founded == "" {
		b.WriteString(expand(r, pick(r, ideaOpeners), v))
	} else {
		b.WriteString(expand(r, pick(r, startupOpeners), v))
	}
	body := t.body
	if st <= 1 {
		body = body[:2] // what they do, not traction they cannot have yet
	}
	for _, s := range pickN(r, body, r.between(2, 3)) {
		b.WriteString(expand(r, s, v))
	}
	if team <= 3 {
		b.WriteString(expand(r, pick(r, smallTeamSentences), v))
	} else {
		b.WriteString(expand(r, pick(r, teamSentences), v))
	}
	b.WriteString(expand(r, pick(r, stageTraction[st]), v))
	if ask > 0 {
		uses := pickN(r, fundUses, 2)
		b.WriteString("本轮计划融资" + yuan(ask) + "，资金主要用于" + uses[0] + "、" + uses[1] + "。")
	}

	tagline := expand(r, pick(r, t.taglines), v)
	if r.chance(0.3) {
		// a bilingual founder adds an English paragraph, and often an English tagline
		if r.chance(0.5) {
			tagline += " | " + t.en
		}
		b.WriteString("\n\n" + t.enBody)
		if founded != "" {
			b.WriteString(" Founded in " + year + " in " + pl.district + ", " + makerlink.CityEN(pl.city) + "; team of " + strconv.Itoa(team) + ".")
		}
		if ask > 0 {
			b.WriteString(" We are raising " + yuanEN(ask) + " to " + pick(r, fundUsesEN) + ".")
		}
	}

	vis := makerlink.VisibilityPublic
	if r.chance(0.1) {
		vis = makerlink.VisibilityInvestors
	}
	var spaceID string
	if sp := g.byCity[pl.city]; len(sp) > 0 && r.chance(0.75-0.08*float64(st)) {
		spaceID = pick(r, sp).ID
	}
	return &makerlink.Startup{
		Name: name, Tagline: tagline, Description: b.String(), Sectors: sectors, Stage: stage,
		City: pl.city, District: pl.district, FundingAskCNY: ask, TeamSize: team, FoundedOn: makerlink.OptText(founded),
		SpaceID: makerlink.OptText(spaceID), Needs: needs(r, t, st), Visibility: vis,
	}
}

// needs lists what a startup asks for: topic needs, instruments it must
// use (named by kind, so equipment can be matched), and stage needs.
func needs(r *rng, t *topic, st int) []string {
	out := []string{}
	add := func(s string) {
		// angels invest early and series A later: skip asks that do not fit the stage
		late := st >= 3 && (strings.Contains(s, "天使") || strings.Contains(s, "联合创始人"))
		early := st <= 1 && (strings.Contains(s, "A轮") || strings.Contains(s, "上市"))
		if !late && !early && !contains(out, s) {
			out = append(out, s)
		}
	}
	for _, n := range pickN(r, t.needs, r.between(1, 2)) {
		add(n)
	}
	if len(t.kinds) > 0 {
		for _, k := range pickN(r, t.kinds, r.between(1, 2)) {
			add(pick(r, instrumentByKey[k].needs))
		}
	}
	if r.chance(0.7) {
		add(pick(r, stageNeeds[st]))
	}
	if r.chance(0.3) {
		add(pick(r, genericNeeds))
	}
	return out
}
