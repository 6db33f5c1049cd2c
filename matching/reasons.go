package matching

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"makerlink"
)

// Thresholds for a factor to be worth a reason: its value must reach
// minFactor and its share of the score minShare.
var minFactor = [NumFactors]float32{
	FactorSector: 0.3, FactorStage: 0.5, FactorTicket: 0.3, FactorLocation: 0.2,
	FactorText: 0.05, FactorPortfolio: 0.15, FactorCapacity: 0.01, FactorNeeds: 0.05,
}

const (
	minShare   = 0.02
	maxReasons = 4
	// similarStartup is the similarity from which a portfolio startup counts
	// as similar in a reason.
	similarStartup = 0.5
)

// reasons returns up to maxReasons explanations for the factors that
// contributed most to a candidate's score, strongest first. Only factors
// with a positive contribution above the thresholds are explained.
func (e *Engine) reasons(qu *query, cand *item, f *[NumFactors]float32) []Reason {
	type contrib struct {
		k Factor
		c float32
	}
	var cs []contrib
	for k := range NumFactors {
		if k == FactorExposure || qu.unit[k] == nil {
			continue
		}
		c := qu.w[k] * f[k]
		if c <= 0 || f[k] < minFactor[k] || c/qu.denom < minShare {
			continue
		}
		cs = append(cs, contrib{k, c})
	}
	slices.SortStableFunc(cs, func(a, b contrib) int {
		switch {
		case a.c > b.c:
			return -1
		case a.c < b.c:
			return 1
		}
		return int(a.k - b.k)
	})
	out := []Reason{}
	for _, c := range cs {
		if len(out) == maxReasons {
			break
		}
		if r, ok := e.explain(qu, cand, c.k, f[c.k]); ok {
			r.Code = c.k.Code()
			out = append(out, r)
		}
	}
	return out
}

// startupAndOther returns the startup of a query and the other profile.
func startupAndOther(qu *query, cand *item) (s, o *item) {
	if qu.from.kind == makerlink.KindStartup {
		return qu.from, cand
	}
	return cand, qu.from
}

func (e *Engine) explain(qu *query, cand *item, k Factor, v float32) (Reason, bool) {
	s, o := startupAndOther(qu, cand)
	fromStartup := qu.from.kind == makerlink.KindStartup
	switch k {
	case FactorSector:
		return sectorReason(s.sectors, o.sectors)
	case FactorStage:
		return stageReason(s.stage, o.stages, fromStartup)
	case FactorTicket:
		return ticketReason(s.ask, o.tmin, o.tmax)
	case FactorLocation:
		return locationReason(s.city, o, fromStartup)
	case FactorText:
		return textReason(qu.from, cand, qu.dir)
	case FactorNeeds:
		return needsReason(qu.needs, qu.from.needs, cand.top)
	case FactorPortfolio:
		return e.portfolioReason(s, o, fromStartup)
	case FactorCapacity:
		left := e.placesLeft(o.id, o.capacity)
		if left <= 0 {
			return Reason{}, false
		}
		return Reason{ZH: fmt.Sprintf("还可接收 %d 名学员", left), EN: fmt.Sprintf("%d mentee %s left", left, plural(left, "place", "places"))}, true
	}
	return Reason{}, false
}

func sectorLabel(code string) (zh, en string) {
	if l, ok := makerlink.SectorByCode(code); ok {
		return l.ZH, lowerFirst(l.EN)
	}
	return code, code
}

func sectorReason(ss, os []string) (Reason, bool) {
	var zh, en []string
	for _, c := range ss {
		if slices.Contains(os, c) {
			z, e := sectorLabel(c)
			zh, en = append(zh, z), append(en, e)
		}
	}
	if len(zh) > 0 {
		return Reason{ZH: "同属" + strings.Join(zh, "、"), EN: "both in " + joinEN(en)}, true
	}
	var best float32
	var a, b string
	for _, x := range ss {
		for _, y := range os {
			if v := SectorSimilarity(x, y); v > best {
				best, a, b = v, x, y
			}
		}
	}
	if best < minFactor[FactorSector] {
		return Reason{}, false
	}
	az, ae := sectorLabel(a)
	bz, be := sectorLabel(b)
	return Reason{ZH: az + "与" + bz + "相近", EN: ae + " is close to " + be}, true
}

func stageLabel(code string) (zh, en string) {
	if l, ok := makerlink.StageByCode(code); ok {
		return l.ZH, l.EN
	}
	return code, code
}

func stageReason(stage string, stages []string, fromStartup bool) (Reason, bool) {
	zh, en := stageLabel(stage)
	if slices.Contains(stages, stage) {
		if fromStartup {
			return Reason{ZH: "投资" + zh + "项目", EN: "invests at the " + en + " stage"}, true
		}
		return Reason{ZH: "处于" + zh + "，在投资阶段内", EN: "at the " + en + " stage, one it invests in"}, true
	}
	i := makerlink.StageIndex(stage)
	for _, s := range stages {
		if j := makerlink.StageIndex(s); i >= 0 && j >= 0 && (i-j == 1 || j-i == 1) {
			oz, oe := stageLabel(s)
			return Reason{ZH: zh + "与其投资阶段" + oz + "相邻", EN: en + " is next to its " + oe + " stage"}, true
		}
	}
	return Reason{}, false
}

func ticketReason(ask, tmin, tmax int64) (Reason, bool) {
	if ask <= 0 || (tmin <= 0 && tmax <= 0) {
		return Reason{}, false
	}
	rz, re := moneyRange(tmin, tmax)
	az, ae := moneyZH(ask), moneyEN(ask)
	if (tmin <= 0 || ask >= tmin) && (tmax <= 0 || ask <= tmax) {
		return Reason{ZH: "融资需求 " + az + " 在其 " + rz + " 区间", EN: "ask " + ae + " within ticket " + re}, true
	}
	return Reason{ZH: "融资需求 " + az + " 接近其 " + rz + " 区间", EN: "ask " + ae + " close to ticket " + re}, true
}

func cityNames(zh string) (string, string) {
	if en := makerlink.CityEN(zh); en != "" {
		return zh, en
	}
	return zh, zh
}

func locationReason(city string, o *item, fromStartup bool) (Reason, bool) {
	if city == "" {
		return Reason{}, false
	}
	cz, ce := cityNames(city)
	if o.kind == makerlink.KindInvestor {
		for _, r := range o.regions {
			if r == city {
				if fromStartup {
					return Reason{ZH: "投资地区包括" + cz, EN: "invests in " + ce}, true
				}
				return Reason{ZH: "位于其投资地区" + cz, EN: "in " + ce + ", where it invests"}, true
			}
		}
		for _, r := range o.regions {
			if isNingxiaRegion(r) && isNingxia(city) {
				return Reason{ZH: "投资地区覆盖宁夏", EN: "invests across Ningxia"}, true
			}
		}
		for _, r := range o.regions {
			if isNingxia(r) && isNingxia(city) {
				return Reason{ZH: "同在宁夏", EN: "both in Ningxia"}, true
			}
		}
		return Reason{}, false
	}
	switch {
	case o.city == city:
		return Reason{ZH: "同在" + cz, EN: "both in " + ce}, true
	case isNingxia(o.city) && isNingxia(city):
		return Reason{ZH: "同在宁夏", EN: "both in Ningxia"}, true
	}
	return Reason{}, false
}

// sharedTerms returns up to n terms in both lists, in a's order, words and
// bigrams before single Han characters, skipping terms that overlap a
// chosen one ("电池" hides "池").
func sharedTerms(a, b []string, n int) []string {
	var both []string
	for _, t := range a {
		if slices.Contains(b, t) {
			both = append(both, t)
		}
	}
	slices.SortStableFunc(both, func(x, y string) int {
		return min(utf8.RuneCountInString(y), 2) - min(utf8.RuneCountInString(x), 2)
	})
	var out []string
	for _, t := range both {
		if len(out) == n {
			break
		}
		if utf8.RuneCountInString(t) == 1 && isHan(t) {
			break // one character (烘) explains nothing
		}
		covered := false
		for _, o := range out {
			if strings.Contains(o, t) || strings.Contains(t, o) || (isHan(o) && isHan(t) && strings.ContainsAny(o, t)) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, t)
		}
	}
	return out
}

func isHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// shown returns how a term of it appears in reasons: the word it came from.
func (it *item) shown(t string) string {
	if w, ok := it.surface[t]; ok {
		return w
	}
	return t
}

func textReason(from, cand *item, dir Direction) (Reason, bool) {
	shared := sharedTerms(from.top, cand.top, 3)
	for i, t := range shared {
		shared[i] = from.shown(t)
	}
	var zh, en string
	switch dir {
	case Direction{makerlink.KindStartup, makerlink.KindInvestor}:
		zh, en = "业务与其投资方向相近", "matches its thesis"
	case Direction{makerlink.KindStartup, makerlink.KindMentor}:
		zh, en = "业务与其专长相近", "matches its expertise"
	case Direction{makerlink.KindStartup, makerlink.KindEquipment}:
		zh, en = "与仪器用途相关", "related to what the instrument does"
	case Direction{makerlink.KindInvestor, makerlink.KindStartup}:
		zh, en = "业务符合投资方向", "fits the thesis"
	default:
		zh, en = "业务与专长相近", "matches the expertise"
	}
	if len(shared) == 0 {
		// the texts are close (hashed TF-IDF), but no word a user would
		// recognise is shared: no reason rather than one they cannot check
		return Reason{}, false
	}
	return Reason{ZH: zh + "：" + strings.Join(shared, "、"), EN: en + ": " + strings.Join(shared, ", ")}, true
}

func needsReason(needs [][]string, raw []string, candTop []string) (Reason, bool) {
	best, bestN := -1, 0
	for i, toks := range needs {
		n := 0
		for _, t := range toks {
			if slices.Contains(candTop, t) {
				n++
			}
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	if best < 0 || best >= len(raw) {
		return Reason{}, false // no stated need shares a word with it: nothing to check
	}
	n := shorten(raw[best], 30)
	return Reason{ZH: "可满足需求「" + n + "」", EN: "meets the need “" + n + "”"}, true
}

// shorten cuts s to at most n runes, with an ellipsis.
func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

func (e *Engine) portfolioReason(s, o *item, fromStartup bool) (Reason, bool) {
	st := e.tables[makerlink.KindStartup]
	r, ok := st.Lookup(s.id)
	if !ok || len(o.pf) == 0 {
		return Reason{}, false
	}
	q := slices.Clone(st.Row(r)[:descWidth])
	weightForSim(q)
	verbZH, verbEN := "投过", "backed"
	if o.kind == makerlink.KindMentor {
		verbZH, verbEN = "辅导过", "mentored"
	}
	var n [3]int // similar startups per source
	var bestSim float32
	var best *item
	var bestSrc pfSource
	for _, p := range o.pf {
		if p.id == s.id {
			continue
		}
		pr, ok := st.Lookup(p.id)
		if !ok {
			continue
		}
		sim := dot(st.Row(pr)[:descWidth], q)
		if sim >= similarStartup {
			n[p.src]++
		}
		if sim > bestSim {
			bestSim, best, bestSrc = sim, e.items[makerlink.KindStartup][p.id], p.src
		}
	}
	verb := func(src pfSource) (string, string) {
		switch src {
		case fromSaved:
			return "关注过", "saved"
		case fromInterest:
			if o.kind == makerlink.KindMentor {
				return "辅导过", "mentored"
			}
			return "接洽过", "engaged with"
		}
		return verbZH, verbEN
	}
	if fromStartup {
		for _, src := range []pfSource{fromPortfolio, fromInterest, fromSaved} {
			if c := n[src]; c > 0 {
				vz, ve := verb(src)
				return Reason{ZH: fmt.Sprintf("%s %d 家相似企业", vz, c), EN: fmt.Sprintf("%s %d similar %s", ve, c, plural(c, "startup", "startups"))}, true
			}
		}
		return Reason{}, false // no startup similar enough to name: nothing a user could check
	}
	if best == nil || bestSim < similarStartup {
		return Reason{}, false
	}
	vz, ve := verb(bestSrc)
	return Reason{ZH: fmt.Sprintf("与其%s的「%s」相似", vz, best.name), EN: fmt.Sprintf("similar to %s it %s", best.name, ve)}, true
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func joinEN(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// moneyZH formats yuan the Chinese way: ¥5000, ¥200万, ¥1.5亿.
func moneyZH(n int64) string {
	switch {
	case n >= 1e8:
		return "¥" + trimFloat(float64(n)/1e8) + "亿"
	case n >= 1e4:
		return "¥" + trimFloat(float64(n)/1e4) + "万"
	}
	return "¥" + strconv.FormatInt(n, 10)
}

// moneyEN formats yuan the English way: ¥5K, ¥2M, ¥1.5B.
func moneyEN(n int64) string {
	switch {
	case n >= 1e9:
		return "¥" + trimFloat(float64(n)/1e9) + "B"
	case n >= 1e6:
		return "¥" + trimFloat(float64(n)/1e6) + "M"
	case n >= 1e3:
		return "¥" + trimFloat(float64(n)/1e3) + "K"
	}
	return "¥" + strconv.FormatInt(n, 10)
}

func trimFloat(x float64) string {
	x = math.Round(x*100) / 100
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// moneyRange formats a ticket range: "¥100–500万" / "¥1–5M" when both ends
// share a unit, "¥500万–1.5亿" otherwise; "¥100万 起" / "from ¥1M" without
// a maximum, "¥500万 以内" / "up to ¥5M" without a minimum.
func moneyRange(lo, hi int64) (zh, en string) {
	switch {
	case lo > 0 && hi > 0:
		return joinRange(moneyZH(lo), moneyZH(hi)), joinRange(moneyEN(lo), moneyEN(hi))
	case lo > 0:
		return moneyZH(lo) + " 起", "from " + moneyEN(lo)
	}
	return moneyZH(hi) + " 以内", "up to " + moneyEN(hi)
}

// joinRange joins "¥100万" and "¥500万" as "¥100–500万", or "¥500万" and
// "¥1.5亿" as "¥500万–1.5亿".
func joinRange(a, b string) string {
	unit := func(s string) string {
		r, _ := utf8.DecodeLastRuneInString(s)
		if r >= '0' && r <= '9' {
			return ""
		}
		return string(r)
	}
	ua, ub := unit(a), unit(b)
	if ua == ub {
		return strings.TrimSuffix(a, ua) + "–" + strings.TrimPrefix(b, "¥")
	}
	return a + "–" + strings.TrimPrefix(b, "¥")
}
