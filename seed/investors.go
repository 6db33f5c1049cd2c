package seed

import (
	"strconv"
	"strings"

	"makerlink"
)

var (
	investorKindWeights = []int{45, 30, 7, 8, 10} // order of makerlink.InvestorKinds
	// portfolio sizes by kind
	portfolioSize = map[string][2]int{"angel": {0, 4}, "fund": {2, 8}, "bank": {0, 3}, "corporate": {1, 4}, "government_fund": {3, 10}}
)

const wan = 10_000

// genInvestors makes n investors, the first owned by the investor demo
// account; then it fills their portfolios with fitting seeded startups.
func (g *generator) genInvestors(n int) {
	r := newRNG(g.seed, streamInvestors)
	ids := newRNG(g.seed, streamInvestors+100)
	gov := 0
	var all []*makerlink.Investor
	for i := 0; i < n; i++ {
		var inv *makerlink.Investor
		var owner *makerlink.User
		if i == 0 {
			owner = g.demo[InvestorEmail]
			inv = g.demoInvestor(r, owner.Name)
		} else {
			kind := makerlink.InvestorKinds[r.weighted(investorKindWeights)]
			if kind == "government_fund" && gov >= len(governmentFunds) {
				kind = "fund"
			}
			p := r.person()
			switch kind {
			case "angel":
				inv = g.angel(r, p.name)
			case "fund":
				inv = g.fund(r)
			case "bank":
				inv = g.bank(r)
			case "corporate":
				inv = g.corporate(r)
			default:
				inv = g.governmentFund(r, gov)
				gov++
			}
			owner = g.newUser(ids, userTime(r), personEmail(p, "i", i), p.name, makerlink.RoleInvestor)
			if kind == "angel" {
				g.angels = append(g.angels, owner)
			}
		}
		inv.Accepting = i == 0 || r.chance(0.85)
		setMeta(&inv.Meta, r, ids, owner)
		all = append(all, inv)
		g.d.Profiles = append(g.d.Profiles, inv)
	}
	pr := newRNG(g.seed, streamPortfolio)
	for _, inv := range all {
		size := portfolioSize[inv.Type]
		inv.Portfolio = g.portfolio(pr, inv, pr.between(size[0], size[1]))
	}
}

// demoInvestor is the investor demo account's angel profile: it invests in
// the sectors, stages and cities of the founder demo account's startups.
func (g *generator) demoInvestor(r *rng, name string) *makerlink.Investor {
	inv := &makerlink.Investor{
		Name: name, Type: "angel", Organization: "宁夏杞泰投资有限公司",
		Sectors:      []string{"biotech", "modern_agriculture", "new_energy", "new_materials"},
		Stages:       []string{"seed", "angel", "pre_a"},
		TicketMinCNY: 30 * wan, TicketMaxCNY: 200 * wan,
		Regions: []string{"银川", "石嘴山", "中卫"},
	}
	inv.Thesis = name + "，宁夏本地枸杞深加工企业的创始人，公司年营收超过5亿元，2019年起以个人身份做天使投资。" +
		"重点关注枸杞、葡萄酒等特色农产品的精深加工，以及高校团队的新能源和新材料成果转化。" +
		"主要投资种子轮、天使轮和Pre-A轮项目，单笔投资30万元至200万元，可以为被投企业提供产业链上下游资源对接、政府科技项目申报辅导。" +
		"偏好有核心技术和知识产权的团队，愿意陪伴高校科研团队完成成果转化。" +
		"\n\nAngel investor in goji processing, agri-biotech, new energy and new materials in Ningxia; tickets ¥300k–¥2M."
	return inv
}

func (g *generator) angel(r *rng, name string) *makerlink.Investor {
	inv := &makerlink.Investor{Name: name, Type: "angel", Sectors: r.sectors(r.between(1, 3))}
	if r.chance(0.5) {
		inv.Organization = g.uniqueName(r, func(extra string) string {
			return pick(r, fundPrefixes) + pick(r, brandWords) + extra + "投资有限公司"
		})
	}
	lo := r.between(0, 1)
	inv.Stages = stageRange(lo, r.between(2, 3))
	inv.TicketMinCNY = int64(pick(r, []int{10, 20, 30, 50})) * wan
	inv.TicketMaxCNY = int64(pick(r, []int{100, 150, 200, 300})) * wan
	inv.Regions = g.regions(r, 1, 3)
	bg := expand(r, pick(r, angelBackgrounds), vars{"industry": g.industry(r, inv.Sectors)})
	inv.Thesis = name + "，" + bg + "。" + g.thesisBody(r, inv)
	return inv
}

func (g *generator) fund(r *rng) *makerlink.Investor {
	inv := &makerlink.Investor{Type: "fund", Sectors: r.sectors(r.between(2, 4))}
	inv.Name = g.uniqueName(r, func(extra string) string {
		return pick(r, fundPrefixes) + pick(r, brandWords) + extra + pick(r, fundSuffixes)
	})
	early := r.chance(0.5)
	if early {
		inv.Stages = stageRange(1, 3)
		inv.TicketMinCNY = int64(r.between(1, 3)) * 100 * wan
		inv.TicketMaxCNY = int64(r.between(5, 10)) * 100 * wan
	} else {
		inv.Stages = stageRange(3, 5)
		inv.TicketMinCNY = int64(r.between(5, 10)) * 100 * wan
		inv.TicketMaxCNY = int64(r.between(20, 50)) * 100 * wan
	}
	inv.Regions = g.regions(r, 2, 5)
	phase := "成长期"
	if early {
		phase = "早期"
	}
	inv.Thesis = inv.Name + "是一家专注于" + joinZH(sectorNames(inv.Sectors)) + "领域的" + phase +
		"投资机构，管理资金规模" + strconv.Itoa(r.between(3, 50)) + "亿元，已投资项目" + strconv.Itoa(r.between(15, 120)) + "个。" +
		g.thesisBody(r, inv)
	return inv
}

func (g *generator) bank(r *rng) *makerlink.Investor {
	inv := &makerlink.Investor{Type: "bank", Sectors: r.sectors(r.between(3, 6)), Stages: stageRange(2, 5)}
	for try := 0; inv.Name == "" || g.names[inv.Name]; try++ {
		b := pick(r, banks)
		switch {
		case try < 3:
			inv.Name = b
		case try < 40:
			inv.Name = b + "（" + r.place().district + "支行）"
		default:
			inv.Name = b + "（第" + strconv.Itoa(try) + "支行）"
		}
	}
	g.names[inv.Name] = true
	inv.TicketMinCNY = int64(pick(r, []int{30, 50, 100})) * wan
	inv.TicketMaxCNY = int64(pick(r, []int{500, 1000, 2000})) * wan
	inv.Regions = g.regions(r, 1, 5)
	inv.Thesis = inv.Name + "面向科技型中小企业提供知识产权质押贷款、科技信用贷和投贷联动服务。" +
		"重点支持" + joinZH(sectorNames(inv.Sectors)) + "领域、处于" + joinZH(stageNames(inv.Stages)) + "阶段的企业，单户授信" +
		yuan(inv.TicketMinCNY) + "至" + yuan(inv.TicketMaxCNY) + "。" +
		"对获得政府引导基金或知名机构投资的企业可提高授信额度，并协助申请科技贷款贴息和科技担保。"
	if r.chance(0.3) {
		inv.Thesis += "\n\nLoans for technology SMEs, including IP-backed loans, " + yuanEN(inv.TicketMinCNY) + "–" + yuanEN(inv.TicketMaxCNY) + "."
	}
	return inv
}

func (g *generator) corporate(r *rng) *makerlink.Investor {
	inv := &makerlink.Investor{Type: "corporate", Sectors: r.sectors(r.between(1, 2)), Stages: stageRange(3, 5)}
	org := g.uniqueName(r, func(extra string) string { return "宁夏" + pick(r, brandWords) + extra })
	inv.Name = org + pick(r, corporateSuffixes)
	inv.Organization = org + "集团"
	inv.TicketMinCNY = int64(r.between(2, 5)) * 100 * wan
	inv.TicketMaxCNY = int64(r.between(10, 30)) * 100 * wan
	inv.Regions = g.regions(r, 1, 3)
	inv.Thesis = inv.Organization + "是宁夏" + g.industry(r, inv.Sectors) + "领域的龙头企业，" + inv.Name +
		"围绕产业链上下游开展战略投资，可以为被投企业提供应用场景、订单和生产基地。" + g.thesisBody(r, inv)
	return inv
}

func (g *generator) governmentFund(r *rng, n int) *makerlink.Investor {
	gf := governmentFunds[n]
	inv := &makerlink.Investor{Name: gf.name, Type: "government_fund", Organization: gf.org,
		Sectors: r.sectors(r.between(3, 6)), Stages: stageRange(1, 4)}
	g.names[gf.name] = true
	inv.TicketMinCNY = int64(r.between(1, 3)) * 100 * wan
	inv.TicketMaxCNY = int64(r.between(10, 30)) * 100 * wan
	where := "宁夏"
	if gf.city != "" {
		inv.Regions = []string{gf.city}
		where = gf.city
	} else {
		for _, c := range makerlink.Cities {
			inv.Regions = append(inv.Regions, c.ZH)
		}
	}
	inv.Thesis = inv.Name + "由" + gf.org + "出资设立，通过阶段参股、跟进投资等方式引导社会资本投向初创期、早中期科技型中小企业。" +
		"重点支持" + joinZH(sectorNames(inv.Sectors)) + "领域。单个项目投资" + yuan(inv.TicketMinCNY) + "至" + yuan(inv.TicketMaxCNY) +
		"，原则上不控股、不成为第一大股东，被投企业需在" + where + "注册或把主要生产经营放在" + where + "。"
	if r.chance(0.4) {
		inv.Thesis += "\n\nA government guidance fund co-investing with private VCs in early-stage technology companies in " + makerlink.CityEN(gf.city)
		if gf.city == "" {
			inv.Thesis += "Ningxia"
		}
		inv.Thesis += "."
	}
	return inv
}

// thesisBody is the part of a thesis shared by angels, funds and corporate
// investors: focus, stages and tickets, value-add, preference and,
// sometimes, an English summary.
func (g *generator) thesisBody(r *rng, inv *makerlink.Investor) string {
	var b strings.Builder
	var focus []string
	for _, s := range inv.Sectors {
		focus = append(focus, pick(r, sectorTextByCode[s].focus))
	}
	b.WriteString("重点关注" + joinZH(focus) + "。")
	b.WriteString("主要投资" + joinZH(stageNames(inv.Stages)) + "项目，单笔投资" + yuan(inv.TicketMinCNY) + "至" + yuan(inv.TicketMaxCNY) + "。")
	b.WriteString("可以为被投企业提供" + joinZH(pickN(r, investorValueAdds, 2)) + "。")
	b.WriteString(pick(r, investorPreferences) + "。")
	if r.chance(0.3) {
		var sec, st []string
		for _, s := range inv.Sectors {
			sec = append(sec, sectorTextByCode[s].en)
		}
		for _, s := range inv.Stages {
			st = append(st, stageEN(s))
		}
		b.WriteString("\n\nWe invest in " + joinEN(sec) + " startups in Ningxia at the " + joinEN(st) +
			" stages; typical ticket " + yuanEN(inv.TicketMinCNY) + "–" + yuanEN(inv.TicketMaxCNY) + ".")
	}
	return b.String()
}

// industry names one of the sectors the way a Ningxia investor would.
func (g *generator) industry(r *rng, sectors []string) string {
	return pick(r, sectorTextByCode[pick(r, sectors)].industry)
}

// regions returns lo..hi cities in makerlink.Cities order.
func (g *generator) regions(r *rng, lo, hi int) []string {
	n := r.between(lo, hi)
	var picked []string
	for len(picked) < n {
		c := r.city().ZH
		if !contains(picked, c) {
			picked = append(picked, c)
		}
	}
	var out []string
	for _, c := range makerlink.Cities {
		if contains(picked, c.ZH) {
			out = append(out, c.ZH)
		}
	}
	return out
}

// portfolio picks up to n startups that share a sector with the investor
// and are at or past its earliest stage. Ids are in pick order.
func (g *generator) portfolio(r *rng, inv *makerlink.Investor, n int) []string {
	out := []string{}
	if n == 0 || len(inv.Sectors) == 0 {
		return out
	}
	minStage := len(makerlink.Stages)
	for _, s := range inv.Stages {
		minStage = min(minStage, makerlink.StageIndex(s))
	}
	for try := 0; try < 30*n && len(out) < n; try++ {
		bucket := g.bySector[pick(r, inv.Sectors)]
		if len(bucket) == 0 {
			continue
		}
		s := g.startups[pick(r, bucket)]
		if makerlink.StageIndex(s.Stage) < minStage || contains(out, s.ID) || s.OwnerID == g.demo[FounderEmail].ID {
			continue
		}
		out = append(out, s.ID)
	}
	return out
}

func stageRange(lo, hi int) []string {
	var out []string
	for i := lo; i <= hi && i < len(makerlink.Stages); i++ {
		out = append(out, makerlink.Stages[i].Code)
	}
	return out
}

func sectorNames(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = sectorZH(c)
	}
	return out
}

func stageNames(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = stageZH(c)
	}
	return out
}
