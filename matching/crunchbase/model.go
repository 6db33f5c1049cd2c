package crunchbase

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"

	"makerlink/matching"
)

// Params are the hyperparameters and factor weights of the Crunchbase
// ranker. The score of an investor for a startup is
//
//	WPopularity·pop + WSector·lift(category) + WStage·lift(round) + ...
//
// one weighted dot product of the investor's row with the startup's query
// vector, plus the co-investment terms (see [Model.Scores]).
type Params struct {
	HalfLifeYears    float64 // recency of the preference counts: an investment counts 0.5^(age/half-life)
	PopHalfLifeYears float64 // recency of the popularity prior
	Alpha            float64 // Dirichlet smoothing of the per-investor distributions (pseudo-investments)
	CatSim           float64 // share of category counts spread over similar categories (0..1)
	RegionSim        float64 // share of region counts spread over similar regions (0..1; cosine of their investor vectors)
	GraphPrior       float64 // share of the smoothing prior taken from the investor's co-investors (0..1)
	Regions          int     // regions with their own column; the rest share one

	WPopularity float64 // popularity prior: log(1 + recency-weighted investments)
	WSector     float64 // category lift
	WStage      float64 // round-type lift (when the round type is known)
	WAge        float64 // lift of the company's age at the round
	WFirst      float64 // lift of first rounds (no history) or follow-on rounds (history)
	WLocation   float64 // region lift
	WCoinvest   float64 // co-investment with the startup's earlier backers
	WFollow     float64 // investors who joined companies after the startup's backers
	WCity       float64 // city lift (finer than the metro region)
	Cities      int     // cities with their own column; the rest share one
	WSize       float64 // lift of the round's size (raised_usd, log-scale buckets) when the ask is known
	WTicket     float64 // log-density of the ask under the investor's log-normal of round sizes
	TicketPrior float64 // pseudo-investments of the ticket's prior (global mean and variance)
	// Latent preference factors (see [Model.fitFactors]): rank (0: none),
	// ridge, confidence per recency-weighted investment, ALS alternations.
	Factors      int
	FactorLambda float64
	FactorAlpha  float64
	FactorIters  int
	WFactor      float64 // investor factors · the factors of the startup's category, region, round segment and their pairs
	// Seg scales the preference weights (sector, stage, age, first round,
	// location, city, round size, ticket, latent factors) by the stage of the round the
	// startup raises: seed rounds are local and angel-led, late rounds
	// follow activity.
	Seg [numSegs]SegWeights
}

// SegWeights are multipliers of the preference weights for one segment of
// queries (see [Params.Seg]); 1 keeps the global weight.
type SegWeights struct {
	Sector, Stage, Age, First, Location, City, Size, Ticket, Factor float64
}

const numSegs = 4 // seed (angel, crowdfunding), early (series-a), late (b, c+, PE, post-IPO), other or unknown

// querySeg returns the segment of a query by the type of round it raises.
func querySeg(roundType string) int {
	if roundType == "" {
		return 3
	}
	switch roundType {
	case "angel", "crowdfunding":
		return 0
	case "series-a":
		return 1
	case "series-b", "series-c+", "private-equity", "post-ipo":
		return 2
	default:
		return 3
	}
}

// DefaultParams are the weights fitted by maximum likelihood ([Learn],
// `makerlink rank-eval -learn`) on the four yearly splits of the README
// split's training side (validation years from 2007-10-01 to 2011-09-30)
// with the latent factors (rank 16, chosen on the inner split); the
// half-lives and the smoothing were chosen before; see docs/benchmarks.md.
// The preference weights are all in the segment multipliers: every global
// preference weight is 1.
var DefaultParams = Params{
	HalfLifeYears: 1.5, PopHalfLifeYears: 0.75, Alpha: 5, CatSim: 0.3, GraphPrior: 0.5, Regions: 250, Cities: 400,
	WPopularity: 1, WSector: 1, WStage: 1, WAge: 1, WFirst: 1, WLocation: 1, WCity: 1,
	WCoinvest: 0.218, WFollow: 0.765, WSize: 1, WTicket: 1, TicketPrior: 5,
	Factors: 16, FactorLambda: 1, FactorAlpha: 5, FactorIters: 10, WFactor: 1,
	Seg: [numSegs]SegWeights{
		{Sector: -0.007, Stage: 0.549, Age: 0.178, First: 0.219, Location: 0.55, City: 0.228, Size: 0.191, Ticket: 0.3, Factor: 0.299},   // seed
		{Sector: 0.388, Stage: 0.22, Age: 0.463, First: 0.118, Location: 0.484, City: 0.197, Size: 0.206, Ticket: 0.723, Factor: 0.318},  // early
		{Sector: 0.582, Stage: 0.288, Age: 0.145, First: 0.588, Location: 0.333, City: 0.161, Size: 0.269, Ticket: 0.613, Factor: 0.269}, // late
		{Sector: 0.524, Stage: 0.631, Age: 0.305, First: 0.391, Location: 0.406, City: 0.182, Size: 0.383, Ticket: 0.411, Factor: 0.283}, // other, unknown
	},
}

// Block indexes the column blocks of an investor row.
type block int

const (
	bCat block = iota
	bRound
	bAge
	bFirst
	bRegion
	bPop
	bCity
	bSize   // round size buckets
	bTicket // log-normal of round sizes: μ/σ², -μ²/2σ² - log σ, -1/2σ²
	bFactor // latent preference factors (Params.Factors columns)
	numBlocks
)

// sizeEdges are the upper bounds in USD of the round-size buckets (about
// doubling: a log scale); a last bucket holds the larger rounds.
var sizeEdges = []float64{250e3, 500e3, 1e6, 2e6, 4e6, 8e6, 15e6, 30e6, 60e6}

const sizeBuckets = 10 // len(sizeEdges)+1

// sizeBucket returns the bucket of a round of usd dollars, -1 when unknown (negative).
func sizeBucket(usd float64) int {
	if usd < 0 {
		return -1
	}
	for i, e := range sizeEdges {
		if usd < e {
			return i
		}
	}
	return len(sizeEdges)
}

// logSize is the ticket factor's scale: log10 of the round in USD, centred
// on about 3 million.
func logSize(usd float64) float64 { return math.Log10(max(usd, 1e3)) - 6.5 }

const ageBuckets = 7 // 0-1, 2, 3-4, 5-7, 8-12, 13+ years, unknown

// Rounds are the round types of the data; "" (unknown) has its own column.
var Rounds = []string{"angel", "series-a", "series-b", "series-c+", "venture", "other", "private-equity", "post-ipo", "crowdfunding", ""}

// Model holds one row per investor with a training investment in a
// [matching.Table] (lifts of category, round type, age, first round,
// region, city and round size, the log-normal of its round sizes, the
// popularity prior and its latent preference factors) and the sparse
// co-investment graph of the training investments.
type Model struct {
	P   Params
	Now time.Time // the cutoff: investments before it were used

	table    *matching.Table
	invIDs   []string // row -> investor id (dense rows: a model is fitted once)
	invRow   map[string]int
	trainN   []float64 // raw training investments per row (tie-break)
	startups map[string]*Startup
	backers  map[string][]int // startup -> rows of its training investors
	cats     map[string]int
	regions  map[string]int
	cities   map[string]int
	size     [numBlocks]int
	off      [numBlocks]int
	width    int
	co       []map[int32]float32 // investor -> co-investors (shared startups, recency-weighted)
	coOrder  [][]int32           // investor -> its co-investors in row order
	follow   []map[int32]float32 // investor -> investors who joined its companies later
	items    map[string]int      // latent-factor item key -> index
	itemVec  []float32           // item factors, Params.Factors per item
}

// Fit builds the model from the investments dated before now.
func Fit(ds *Dataset, now time.Time, p Params) (*Model, error) {
	if p.Regions < 0 || p.Cities < 0 || p.HalfLifeYears <= 0 || p.PopHalfLifeYears <= 0 || p.Alpha < 0 || p.CatSim < 0 || p.CatSim > 1 || p.RegionSim < 0 || p.RegionSim > 1 || p.TicketPrior < 0 ||
		p.Factors < 0 || (p.Factors > 0 && (p.FactorLambda <= 0 || p.FactorAlpha < 0 || p.FactorIters <= 0)) {
		return nil, fmt.Errorf("bad parameters %+v", p)
	}
	m := &Model{P: p, Now: now, invRow: map[string]int{}, startups: map[string]*Startup{}, backers: map[string][]int{}}
	for i := range ds.Startups {
		m.startups[ds.Startups[i].ID] = &ds.Startups[i]
	}
	var train []Investment
	for _, iv := range ds.Investments {
		if iv.Date.Before(now) {
			train = append(train, iv)
		}
	}
	if len(train) == 0 {
		return nil, fmt.Errorf("no investments before %s to fit on", now.Format(time.DateOnly))
	}
	for _, iv := range train {
		m.invRow[iv.InvestorID] = -1
	}
	for id := range m.invRow {
		m.invIDs = append(m.invIDs, id)
	}
	slices.Sort(m.invIDs)
	for r, id := range m.invIDs {
		m.invRow[id] = r
	}
	n := len(m.invIDs)

	// Vocabularies: every category of the startups file, the most frequent regions.
	catList := []string{""}
	for _, s := range ds.Startups {
		catList = append(catList, s.Category)
	}
	slices.Sort(catList)
	catList = slices.Compact(catList)
	m.cats = map[string]int{}
	for i, c := range catList {
		m.cats[c] = i
	}
	regionCount := map[string]int{}
	for _, iv := range train {
		if s := m.startups[iv.StartupID]; s != nil && s.Region != "" {
			regionCount[s.Region]++
		}
	}
	regs := make([]string, 0, len(regionCount))
	for r := range regionCount {
		regs = append(regs, r)
	}
	slices.SortFunc(regs, func(a, b string) int { return cmp.Or(cmp.Compare(regionCount[b], regionCount[a]), cmp.Compare(a, b)) })
	regs = regs[:min(len(regs), p.Regions)]
	m.regions = map[string]int{}
	for i, r := range regs {
		m.regions[r] = i
	}
	cityCount := map[string]int{}
	for _, iv := range train {
		if s := m.startups[iv.StartupID]; s != nil && s.City != "" {
			cityCount[cityKey(s)]++
		}
	}
	cityList := make([]string, 0, len(cityCount))
	for c := range cityCount {
		cityList = append(cityList, c)
	}
	slices.SortFunc(cityList, func(a, b string) int { return cmp.Or(cmp.Compare(cityCount[b], cityCount[a]), cmp.Compare(a, b)) })
	cityList = cityList[:min(len(cityList), p.Cities)]
	m.cities = map[string]int{}
	for i, c := range cityList {
		m.cities[c] = i
	}
	nc, nr, ng := len(catList), len(Rounds), len(regs)+1
	m.size = [numBlocks]int{bCat: nc, bRound: nr, bAge: ageBuckets, bFirst: 2, bRegion: ng, bPop: 1, bCity: len(cityList) + 1,
		bSize: sizeBuckets, bTicket: 3, bFactor: p.Factors}
	for b := range numBlocks {
		m.off[b] = m.width
		m.width += m.size[b]
	}

	// First training investment date per startup: first rounds versus follow-ons.
	first := map[string]time.Time{}
	for _, iv := range train {
		if f, ok := first[iv.StartupID]; !ok || iv.Date.Before(f) {
			first[iv.StartupID] = iv.Date
		}
	}
	// Recency-weighted counts per investor and block value.
	counts := make([][]float64, numBlocks)
	for b := range numBlocks {
		counts[b] = make([]float64, n*m.size[b])
	}
	pop := make([]float64, n)
	m.trainN = make([]float64, n)
	// Ticket: recency-weighted sums of log sizes per investor (weight, Σx, Σx²).
	tk := make([]float64, 3*n)
	seen := map[[2]string]bool{}
	for _, iv := range train {
		r := m.invRow[iv.InvestorID]
		s := m.startups[iv.StartupID]
		w := recency(now, iv.Date, p.HalfLifeYears)
		pop[r] += recency(now, iv.Date, p.PopHalfLifeYears)
		m.trainN[r]++
		c, rt, g := m.catIndex(s), roundIndex(iv.RoundType), m.regionIndex(s)
		fi := 1
		if iv.Date.Equal(first[iv.StartupID]) {
			fi = 0
		}
		for b, v := range [numBlocks]int{bCat: c, bRound: rt, bAge: ageBucket(s, iv.Date), bFirst: fi, bRegion: g, bCity: m.cityIndex(s),
			bSize: sizeBucket(iv.RaisedUSD), bPop: -1, bTicket: -1, bFactor: -1} {
			if v >= 0 {
				counts[b][r*m.size[b]+v] += w
			}
		}
		if iv.RaisedUSD >= 0 {
			x := logSize(iv.RaisedUSD)
			tk[3*r] += w
			tk[3*r+1] += w * x
			tk[3*r+2] += w * x * x
		}
		k := [2]string{iv.StartupID, iv.InvestorID}
		if !seen[k] {
			seen[k] = true
			m.backers[iv.StartupID] = append(m.backers[iv.StartupID], r)
		}
	}
	if p.CatSim > 0 {
		counts[bCat] = spreadSimilar(counts[bCat], n, nc, p.CatSim)
	}
	if p.RegionSim > 0 {
		counts[bRegion] = spreadSimilar(counts[bRegion], n, ng, p.RegionSim)
	}
	m.coinvestGraph(train)
	var lift [numBlocks][]float32
	for _, b := range []block{bCat, bRound, bAge, bFirst, bRegion, bCity, bSize} {
		// Co-investors share a company's category and region and the
		// round itself (so its size), not its round type or age: only
		// those borrow from them.
		gp := 0.0
		if b == bCat || b == bRegion || b == bCity || b == bSize {
			gp = p.GraphPrior
		}
		lift[b] = m.lifts(counts[b], m.size[b], p.Alpha, gp)
	}
	lift[bTicket] = ticketColumns(tk, n, p.TicketPrior)
	if p.Factors > 0 {
		fx := m.fitFactors(train)
		lift[bFactor] = make([]float32, len(fx))
		for i, v := range fx {
			lift[bFactor][i] = float32(v)
		}
	}

	m.table = matching.NewTable(m.width)
	row := make([]float32, m.width)
	for r, id := range m.invIDs {
		for b := range numBlocks {
			if b == bPop {
				row[m.off[b]] = float32(math.Log1p(pop[r]))
				continue
			}
			sz := m.size[b]
			copy(row[m.off[b]:m.off[b]+sz], lift[b][r*sz:(r+1)*sz])
		}
		m.table.Set(id, row)
	}
	return m, nil
}

func recency(now, d time.Time, halfLife float64) float64 {
	years := now.Sub(d).Hours() / (24 * 365.25)
	return math.Pow(0.5, years/halfLife)
}

func (m *Model) catIndex(s *Startup) int {
	if s != nil {
		if i, ok := m.cats[s.Category]; ok {
			return i
		}
	}
	return m.cats[""]
}

func roundIndex(rt string) int {
	if i := slices.Index(Rounds, rt); i >= 0 {
		return i
	}
	return slices.Index(Rounds, "other")
}

func (m *Model) regionIndex(s *Startup) int {
	if s != nil {
		if i, ok := m.regions[s.Region]; ok {
			return i
		}
	}
	return len(m.regions)
}

// cityKey names a city within its region (city names repeat across states).
func cityKey(s *Startup) string { return s.Region + "|" + s.City }

func (m *Model) cityIndex(s *Startup) int {
	if s != nil && s.City != "" {
		if i, ok := m.cities[cityKey(s)]; ok {
			return i
		}
	}
	return len(m.cities)
}

func ageBucket(s *Startup, at time.Time) int {
	if s == nil || s.FoundedYear == 0 {
		return ageBuckets - 1
	}
	switch a := at.Year() - s.FoundedYear; {
	case a <= 1:
		return 0
	case a == 2:
		return 1
	case a <= 4:
		return 2
	case a <= 7:
		return 3
	case a <= 12:
		return 4
	default:
		return 5
	}
}

// globalDist returns the distribution of values over all investors.
func globalDist(counts []float64, n, k int) []float64 {
	g := make([]float64, k)
	var all float64
	for r := 0; r < n; r++ {
		for v := 0; v < k; v++ {
			g[v] += counts[r*k+v]
		}
	}
	for _, x := range g {
		all += x
	}
	for v := range g {
		g[v] = (g[v] + 1e-3) / (all + 1e-3*float64(k))
	}
	return g
}

// lifts returns log(P̂(v|i)/P(v)) for every investor i and value v, with
// P̂(v|i) = (n_iv + α π_i(v)) / (n_i + α): positive where the investor favours
// v more than investors overall, 0 without evidence. The prior π_i mixes
// the global distribution P with the distribution of the investor's
// co-investors (share gp), so that an investor with few investments
// borrows the preferences of the investors it invests with.
func (m *Model) lifts(counts []float64, k int, alpha, gp float64) []float32 {
	n := len(m.invIDs)
	global := globalDist(counts, n, k)
	// Raw per-investor distributions.
	raw := make([]float64, n*k)
	tot := make([]float64, n)
	for r := 0; r < n; r++ {
		for v := 0; v < k; v++ {
			tot[r] += counts[r*k+v]
		}
		if tot[r] > 0 {
			for v := 0; v < k; v++ {
				raw[r*k+v] = counts[r*k+v] / tot[r]
			}
		}
	}
	out := make([]float32, n*k)
	prior := make([]float64, k)
	for r := 0; r < n; r++ {
		copy(prior, global)
		if gp > 0 && len(m.co[r]) > 0 {
			nb := make([]float64, k)
			var z float64
			for _, j := range m.coOrder[r] {
				w := m.co[r][j]
				if tot[j] == 0 {
					continue
				}
				for v := 0; v < k; v++ {
					nb[v] += float64(w) * raw[int(j)*k+v]
				}
				z += float64(w)
			}
			if z > 0 {
				for v := 0; v < k; v++ {
					prior[v] = (1-gp)*global[v] + gp*nb[v]/z
				}
			}
		}
		for v := 0; v < k; v++ {
			p := (counts[r*k+v] + alpha*prior[v]) / (tot[r] + alpha)
			out[r*k+v] = float32(math.Log(p / global[v]))
		}
	}
	return out
}

// spreadSimilar mixes each investor's category counts with the counts spread
// by a category similarity learned from co-investment: the cosine between
// the categories' investor vectors. share is the mixed-in fraction.
func spreadSimilar(counts []float64, n, k int, share float64) []float64 {
	a := mat.NewDense(n, k, counts)
	var g mat.Dense
	g.Mul(a.T(), a) // k x k
	sim := mat.NewDense(k, k, nil)
	for i := 0; i < k; i++ {
		var rowSum float64
		for j := 0; j < k; j++ {
			d := math.Sqrt(g.At(i, i) * g.At(j, j))
			if d > 0 && i != j {
				v := g.At(i, j) / d
				sim.Set(i, j, v)
				rowSum += v
			}
		}
		if rowSum > 0 {
			for j := 0; j < k; j++ {
				sim.Set(i, j, sim.At(i, j)/rowSum)
			}
		}
	}
	var spread mat.Dense
	spread.Mul(a, sim)
	out := make([]float64, n*k)
	for r := 0; r < n; r++ {
		for c := 0; c < k; c++ {
			out[r*k+c] = (1-share)*counts[r*k+c] + share*spread.At(r, c)
		}
	}
	return out
}

// ticketColumns returns the three ticket columns of every investor from its
// recency-weighted sums of log round sizes (w, Σx, Σx² per investor): a
// normal N(μ, σ²) of the log size, shrunk towards the global one with prior
// pseudo-investments, as μ/σ², -μ²/(2σ²) - log σ and -1/(2σ²). The query
// (x, 1, x²) times these is the log-density of an ask x up to a constant.
func ticketColumns(tk []float64, n int, prior float64) []float32 {
	var w, sx, sxx float64
	for r := 0; r < n; r++ {
		w += tk[3*r]
		sx += tk[3*r+1]
		sxx += tk[3*r+2]
	}
	out := make([]float32, 3*n)
	if w == 0 {
		return out
	}
	mu0 := sx / w
	var0 := max(sxx/w-mu0*mu0, 1e-3)
	for r := 0; r < n; r++ {
		wr, s1, s2 := tk[3*r], tk[3*r+1], tk[3*r+2]
		if wr+prior <= 0 {
			continue
		}
		mu := (s1 + prior*mu0) / (wr + prior)
		// Σw(x-μ)² = s2 - 2μ s1 + μ² wr, plus the prior's spread around μ.
		ss := s2 - 2*mu*s1 + mu*mu*wr + prior*(var0+(mu0-mu)*(mu0-mu))
		v := max(ss/(wr+prior), 0.01)
		out[3*r] = float32(mu / v)
		out[3*r+1] = float32(-mu*mu/(2*v) - 0.5*math.Log(v))
		out[3*r+2] = float32(-1 / (2 * v))
	}
	return out
}

// coinvestGraph builds the sparse co-investment graphs: co[b][i] sums, over
// the companies both backed, sqrt(w_b w_i) (recency weights); follow[b][i]
// counts the companies where i's first investment came after b's.
func (m *Model) coinvestGraph(train []Investment) {
	n := len(m.invIDs)
	type firstW struct {
		d time.Time
		w float64
	}
	by := map[string]map[int32]*firstW{}
	for _, iv := range train {
		r := int32(m.invRow[iv.InvestorID])
		inv := by[iv.StartupID]
		if inv == nil {
			inv = map[int32]*firstW{}
			by[iv.StartupID] = inv
		}
		w := recency(m.Now, iv.Date, m.P.HalfLifeYears)
		if f := inv[r]; f == nil {
			inv[r] = &firstW{iv.Date, w}
		} else {
			f.w += w
			if iv.Date.Before(f.d) {
				f.d = iv.Date
			}
		}
	}
	m.co = make([]map[int32]float32, n)
	m.follow = make([]map[int32]float32, n)
	for i := range m.co {
		m.co[i] = map[int32]float32{}
		m.follow[i] = map[int32]float32{}
	}
	// Sum in a fixed order so that every fit gives the same float32 weights
	// (and `makerlink rank` the same scores).
	startups := make([]string, 0, len(by))
	for id := range by {
		startups = append(startups, id)
	}
	slices.Sort(startups)
	for _, id := range startups {
		inv := by[id]
		for a, fa := range inv {
			for b, fb := range inv {
				if a == b {
					continue
				}
				m.co[a][b] += float32(math.Sqrt(fa.w * fb.w))
				if fb.d.After(fa.d) {
					m.follow[a][b]++
				}
			}
		}
	}
	m.coOrder = make([][]int32, n)
	for i, co := range m.co {
		for j := range co {
			m.coOrder[i] = append(m.coOrder[i], j)
		}
		slices.Sort(m.coOrder[i])
	}
}

// Query is the sparse query vector of a startup: the columns of its
// category, round type, age, region, city and round size, with the
// weights as values, and the rows of its earlier investors. Its product
// with an investor row is the dense part of the score.
type Query struct {
	StartupID string
	Backers   []int // rows of the investors that backed it before the query time
	Cols      []int
	Vals      []float32
}

// NewQuery builds the query of a startup raising a round (q: its type and
// size as the founder states them, "" and -1 when unknown) at time at
// (zero: the model's Now). earlier lists its investments since the model's
// cutoff and before at; its training investments are always included.
// Unknown startups get the query of a startup with no known attributes.
func (m *Model) NewQuery(q QueryRow, at time.Time, earlier []Investment) Query {
	p := m.P
	if at.IsZero() {
		at = m.Now
	}
	s := m.startups[q.StartupID]
	c, g := m.catIndex(s), m.regionIndex(s)
	out := Query{StartupID: q.StartupID, Backers: slices.Clone(m.backers[q.StartupID])}
	for _, iv := range earlier {
		if r, ok := m.invRow[iv.InvestorID]; ok && !slices.Contains(out.Backers, r) {
			out.Backers = append(out.Backers, r)
		}
	}
	set := func(b block, v int, w float64) {
		if w != 0 {
			out.Cols = append(out.Cols, m.off[b]+v)
			out.Vals = append(out.Vals, float32(w))
		}
	}
	sw := p.Seg[querySeg(q.RoundType)]
	set(bCat, c, p.WSector*sw.Sector)
	set(bAge, ageBucket(s, at), p.WAge*sw.Age)
	set(bRegion, g, p.WLocation*sw.Location)
	set(bCity, m.cityIndex(s), p.WCity*sw.City)
	if len(out.Backers) > 0 || len(earlier) > 0 {
		set(bFirst, 1, p.WFirst*sw.First)
	} else {
		set(bFirst, 0, p.WFirst*sw.First)
	}
	if q.RoundType != "" {
		rt := roundIndex(q.RoundType)
		set(bRound, rt, p.WStage*sw.Stage)
	}
	if v := sizeBucket(q.RaisedUSD); v >= 0 {
		set(bSize, v, p.WSize*sw.Size)
		x, wt := logSize(q.RaisedUSD), p.WTicket*sw.Ticket
		set(bTicket, 0, wt*x)
		set(bTicket, 1, wt)
		set(bTicket, 2, wt*x*x)
	}
	if p.Factors > 0 {
		w := p.WFactor * sw.Factor
		for a, v := range m.factorQuery(s, querySeg(q.RoundType)) {
			set(bFactor, a, w*v)
		}
	}
	set(bPop, 0, p.WPopularity)
	return out
}

// Dense returns the query as a dense vector of the row width.
func (m *Model) Dense(q Query) []float32 {
	v := make([]float32, m.width)
	for j, c := range q.Cols {
		v[c] = q.Vals[j]
	}
	return v
}

// Scores fills dst with the score of every investor row for a query: the
// dense part (the query vector times the investor matrix; the query is
// one-hot per block, so only its columns are read) plus the co-investment
// terms WCoinvest·log1p(Σ_b co[b][i]/√B) and WFollow·log1p(Σ_b follow[b][i]/√B)
// over the startup's B earlier backers b: a sparse gather of its backers'
// rows of the co-investment graphs.
func (m *Model) Scores(q Query, dst []float32) []float32 {
	dst = m.table.SparseScores(q.Cols, q.Vals, dst)
	bs := q.Backers
	if len(bs) > 0 {
		norm := 1 / math.Sqrt(float64(len(bs)))
		for _, g := range []struct {
			adj []map[int32]float32
			w   float64
		}{{m.co, m.P.WCoinvest}, {m.follow, m.P.WFollow}} {
			if g.w == 0 {
				continue
			}
			acc := map[int32]float64{}
			for _, b := range bs {
				for i, v := range g.adj[b] {
					acc[i] += float64(v)
				}
			}
			for i, v := range acc {
				dst[i] += float32(g.w * math.Log1p(v*norm))
			}
		}
	}
	return dst
}

// Investors returns the number of ranked investors.
func (m *Model) Investors() int { return len(m.invIDs) }

// InvestorID returns the id of row r.
func (m *Model) InvestorID(r int) string { return m.invIDs[r] }

// Tie orders equal scores: more training investments first, then investor id.
func (m *Model) Tie(a, b int) bool {
	if m.trainN[a] != m.trainN[b] {
		return m.trainN[a] > m.trainN[b]
	}
	return m.invIDs[a] < m.invIDs[b]
}

// Squash maps a raw score to (0,1) with a logistic function centred on 5
// (the raw score of a fairly active investor with neutral preferences); it
// keeps the order.
func Squash(raw float32) float64 { return 1 / (1 + math.Exp(-(float64(raw)-5)/2)) }
