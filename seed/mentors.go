package seed

import (
	"strings"

	"makerlink"
)

var (
	archetypeWeights = func() []int {
		w := make([]int, len(mentorArchetypes))
		for i, a := range mentorArchetypes {
			w[i] = a.weight
		}
		return w
	}()
	capacityWeights = []int{0, 6, 14, 22, 20, 16, 10, 7, 5} // capacity 1..8 (index 0 unused)
	// universityColleges are the colleges and institutes professors work
	// in, with the sectors each serves (primary first).
	universityColleges = map[string][]college{
		"宁夏大学": {{"化学化工学院", []string{"new_materials", "energy_saving"}}, {"农学院", []string{"modern_agriculture", "biotech"}},
			{"生命科学学院", []string{"biotech", "medicine_health"}}, {"机械工程学院", []string{"advanced_equipment", "new_energy"}},
			{"信息工程学院", []string{"electronic_info", "modern_services"}}, {"经济管理学院", []string{"modern_services", "culture_creative"}},
			{"葡萄酒与园艺学院", []string{"modern_agriculture", "culture_creative"}}, {"物理与电子电气工程学院", []string{"new_energy", "electronic_info"}}},
		"北方民族大学": {{"化学与化学工程学院", []string{"new_materials", "energy_saving"}}, {"材料科学与工程学院", []string{"new_materials", "new_energy"}},
			{"电气信息工程学院", []string{"electronic_info", "new_energy"}}, {"商学院", []string{"modern_services"}}, {"设计艺术学院", []string{"culture_creative"}}},
		"宁夏医科大学": {{"药学院", []string{"medicine_health", "biotech"}}, {"基础医学院", []string{"medicine_health", "biotech"}},
			{"公共卫生与管理学院", []string{"medicine_health", "modern_services"}}, {"中医学院", []string{"medicine_health", "modern_agriculture"}}},
		"宁夏理工学院": {{"机械工程学院", []string{"advanced_equipment"}}, {"材料与化学工程学院", []string{"new_materials", "energy_saving"}},
			{"电气信息工程学院", []string{"electronic_info", "new_energy"}}},
		"宁夏师范大学": {{"化学化工学院", []string{"new_materials", "medicine_health"}}, {"生命科学学院", []string{"biotech", "modern_agriculture"}},
			{"旅游与历史文化学院", []string{"culture_creative", "modern_services"}}},
		"宁夏农林科学院": {{"枸杞科学研究所", []string{"modern_agriculture", "biotech"}}, {"农业资源与环境研究所", []string{"modern_agriculture", "energy_saving"}},
			{"动物科学研究所", []string{"modern_agriculture", "biotech"}}, {"园艺研究所", []string{"modern_agriculture"}}},
	}
	universityCity = map[string]place{
		"宁夏大学": {"银川", "西夏区"}, "北方民族大学": {"银川", "西夏区"}, "宁夏医科大学": {"银川", "兴庆区"},
		"宁夏理工学院": {"石嘴山", "大武口区"}, "宁夏师范大学": {"固原", "原州区"}, "宁夏农林科学院": {"银川", "金凤区"},
	}
)

// college is a college of a university and the sectors it serves.
type college struct {
	name    string
	sectors []string
}

// genMentors makes n mentors, the first owned by the mentor demo account. A
// few mentors are angel investors who also coach (one account, two roles).
func (g *generator) genMentors(n int) {
	r := newRNG(g.seed, streamMentors)
	ids := newRNG(g.seed, streamMentors+100)
	angels := append([]*makerlink.User(nil), g.angels...)
	for i := 0; i < n; i++ {
		var m *makerlink.Mentor
		var owner *makerlink.User
		switch {
		case i == 0:
			owner = g.demo[MentorEmail]
			m = demoMentor(owner.Name)
		case len(angels) > 0 && r.chance(0.07):
			k := r.IntN(len(angels))
			owner = angels[k]
			angels = append(angels[:k], angels[k+1:]...)
			owner.Roles = append(owner.Roles, makerlink.RoleMentor)
			m = g.mentor(r, owner.Name, 2) // the investor archetype
			m.Organization = "个人天使投资人"
		default:
			p := r.person()
			m = g.mentor(r, p.name, r.weighted(archetypeWeights))
			owner = g.newUser(ids, userTime(r), personEmail(p, "m", i), p.name, makerlink.RoleMentor)
		}
		setMeta(&m.Meta, r, ids, owner)
		g.d.Profiles = append(g.d.Profiles, m)
	}
}

// demoMentor fits the founder demo account's goji startup.
func demoMentor(name string) *makerlink.Mentor {
	return &makerlink.Mentor{
		Name: name, Organization: "宁夏医科大学",
		Bio: name + "，宁夏医科大学药学院教授，长期从事枸杞等宁夏道地药材的功效物质研究，" +
			"曾帮助多家食品和保健品企业通过GMP认证和保健食品注册。每月可安排2次一对一辅导，乐于帮助大学生和返乡青年创业者。" +
			"\n\nProfessor of pharmacy; coaches founders on GMP, functional food registration and fundraising, in Chinese or English.",
		Expertise: []string{"GMP认证", "保健食品注册备案", "功能因子提取纯化", "融资路演", "科技成果转化"},
		Sectors:   []string{"biotech", "modern_agriculture", "medicine_health"},
		Languages: []string{"中文", "English"},
		Capacity:  5, City: "银川",
	}
}

// mentor generates a mentor of archetype a.
func (g *generator) mentor(r *rng, name string, a int) *makerlink.Mentor {
	at := &mentorArchetypes[a]
	m := &makerlink.Mentor{Name: name}
	pl := r.place()
	org := pick(r, at.orgs)
	primary := ""
	if colleges, ok := universityColleges[org]; ok {
		// a professor: the college decides the sectors
		c := pick(r, colleges)
		pl = universityCity[org]
		m.Organization = org
		primary = c.sectors[0]
		m.Sectors = sortSectors(pickN(r, c.sectors, r.between(1, len(c.sectors))))
		if !contains(m.Sectors, primary) {
			m.Sectors = sortSectors(append(m.Sectors, primary))
		}
		org += c.name
	} else {
		m.Sectors = r.sectors(r.between(1, 3))
		primary = m.Sectors[r.IntN(len(m.Sectors))]
		switch org {
		case "企业":
			org = "宁夏" + pick(r, brandWords) + pick(r, pick(r, topicsBySector[primary]).suffixes)
		case "投资机构":
			org = pick(r, fundPrefixes) + pick(r, brandWords) + pick(r, fundSuffixes)
		case "律师事务所":
			org = "宁夏" + pick(r, brandWords) + "律师事务所"
		case "会计师事务所":
			org = pick(r, brandWords) + "会计师事务所宁夏分所"
		case "市场营销":
			org = "宁夏" + pick(r, brandWords) + "品牌管理有限公司"
		}
		m.Organization = org
	}
	st := sectorTextByCode[primary]
	v := vars{"org": org, "title": pick(r, at.titles), "research": pick(r, st.research),
		"industry": pick(r, st.industry), "city": pl.city}

	var b strings.Builder
	b.WriteString(name + "，")
	b.WriteString(expand(r, pick(r, at.bios), v))
	if len(m.Sectors) > 1 {
		b.WriteString("熟悉" + joinZH(sectorNames(m.Sectors)) + "领域的创业规律。")
	}

	if a <= 1 {
		// professors and entrepreneurs know their sectors in depth
		m.Expertise = pickN(r, st.expertise, 2)
		for _, s := range m.Sectors {
			if s != primary {
				m.Expertise = append(m.Expertise, pick(r, sectorTextByCode[s].expertise))
			}
		}
		m.Expertise = append(m.Expertise, pickN(r, at.generic, r.between(1, 2))...)
	} else {
		// investors and professionals bring their trade, with a sector angle
		m.Expertise = append(pickN(r, at.generic, r.between(2, 3)), pick(r, st.expertise))
	}

	m.Languages = []string{"中文"}
	english := r.chance(0.35) || (a == 0 && r.chance(0.5))
	if english {
		m.Languages = append(m.Languages, "English")
	}
	if r.chance(0.06) {
		m.Languages = append(m.Languages, "阿拉伯语")
		b.WriteString(expand(r, pick(r, mentorArabicBios), v))
		m.Expertise = append(m.Expertise, "中东市场开拓")
		if !contains(m.Sectors, "modern_services") && len(m.Sectors) < 3 {
			m.Sectors = sortSectors(append(m.Sectors, "modern_services"))
		}
	}
	b.WriteString(expand(r, pick(r, mentorStyles), v))
	if english && r.chance(0.3) {
		b.WriteString("可以用中文和英文交流，也接受线上辅导。")
	}
	if english && r.chance(0.5) {
		b.WriteString("\n\nMentor in " + st.en + "; happy to coach in English.")
	}
	m.Bio = b.String()
	m.Capacity = r.weighted(capacityWeights)
	m.City = pl.city
	return m
}
