package crunchbase

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Split is a date split of the investments: train before Cutoff, validate
// from Cutoff until End (exclusive).
type Split struct {
	Cutoff, End time.Time
}

// READMESplit is the split suggested by the data's README.
var READMESplit = Split{date(2011, 10, 1), date(2012, 10, 1)}

// InnerSplit is the split of the training side used to choose and fit
// changes: its validation year is the last year before [READMESplit]'s cutoff.
var InnerSplit = Split{date(2010, 10, 1), date(2011, 10, 1)}

// Folds returns the yearly splits of the training side of sp that weights
// are fitted on: validation years starting each October from 2007 (the
// first year with about 4,000 investments) up to sp's cutoff.
func Folds(sp Split) []Split {
	var out []Split
	for c := date(2007, 10, 1); !c.AddDate(1, 0, 0).After(sp.Cutoff); c = c.AddDate(1, 0, 0) {
		out = append(out, Split{c, c.AddDate(1, 0, 0)})
	}
	return out
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// evalQuery is one ranking of the validation side: a startup at a time,
// with the type of the round it raises and the investors that backed it
// before, and the target investors scored against this ranking.
type evalQuery struct {
	startup   string
	round     string       // type of the target round
	raised    float64      // size of the target round (-1 unknown)
	at        time.Time    // query time (zero: the cutoff)
	earlier   []Investment // its validation investments before at
	hist      bool         // it had an investment before the query time
	targets   []int        // investor rows backing it
	newTarget []bool       // the investor had not backed it in training
}

// evalSet is the validation side of a split.
type evalSet struct {
	queries []evalQuery
	pairs   int
	newP    int
}

// Protocols of [buildEvalSet].
const (
	// PerStartup ranks once per validation startup at the cutoff, with the
	// type of its first validation round and its training history: the
	// README's protocol.
	PerStartup = "per-startup"
	// PerRound ranks each pair at the date of its first validation
	// investment, with that round's type and every investment of the startup
	// before that date: what the product knows when a founder raises a round.
	PerRound = "per-round"
)

func buildEvalSet(ds *Dataset, sp Split, m *Model, protocol string) evalSet {
	trainPairs := map[[2]string]bool{}
	hist := map[string]bool{}
	for _, iv := range ds.Investments {
		if iv.Date.Before(sp.Cutoff) {
			trainPairs[[2]string{iv.StartupID, iv.InvestorID}] = true
			hist[iv.StartupID] = true
		}
	}
	// The first validation investment of every pair, and of every startup.
	type firstInv struct {
		d      time.Time
		round  string
		raised float64
	}
	pairFirst := map[[2]string]firstInv{}
	startFirst := map[string]firstInv{}
	byStartup := map[string][]Investment{}
	for _, iv := range ds.Investments {
		if iv.Date.Before(sp.Cutoff) || !iv.Date.Before(sp.End) {
			continue
		}
		byStartup[iv.StartupID] = append(byStartup[iv.StartupID], iv)
		if f, ok := startFirst[iv.StartupID]; !ok || iv.Date.Before(f.d) {
			startFirst[iv.StartupID] = firstInv{iv.Date, iv.RoundType, iv.RaisedUSD}
		}
		if _, ok := m.invRow[iv.InvestorID]; !ok {
			continue
		}
		k := [2]string{iv.StartupID, iv.InvestorID}
		if f, ok := pairFirst[k]; !ok || iv.Date.Before(f.d) {
			pairFirst[k] = firstInv{iv.Date, iv.RoundType, iv.RaisedUSD}
		}
	}
	type qkey struct {
		startup string
		d       time.Time
		round   string
	}
	groups := map[qkey][]string{}
	raised := map[qkey]float64{} // the largest known size of the round's rows
	for k, f := range pairFirst {
		key := qkey{k[0], time.Time{}, startFirst[k[0]].round}
		sz := startFirst[k[0]].raised
		if protocol == PerRound {
			key, sz = qkey{k[0], f.d, f.round}, f.raised
		}
		groups[key] = append(groups[key], k[1])
		if r, ok := raised[key]; !ok || sz > r {
			raised[key] = sz
		}
	}
	keys := make([]qkey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b qkey) int {
		return cmp.Or(cmp.Compare(a.startup, b.startup), a.d.Compare(b.d), cmp.Compare(a.round, b.round))
	})
	var es evalSet
	for _, k := range keys {
		q := evalQuery{startup: k.startup, round: k.round, raised: raised[k], at: k.d, hist: hist[k.startup]}
		if protocol == PerRound {
			for _, iv := range byStartup[k.startup] {
				if iv.Date.Before(k.d) {
					q.earlier = append(q.earlier, iv)
				}
			}
			q.hist = q.hist || len(q.earlier) > 0
		}
		inv := groups[k]
		slices.Sort(inv)
		for _, id := range inv {
			q.targets = append(q.targets, m.invRow[id])
			nw := !trainPairs[[2]string{k.startup, id}]
			q.newTarget = append(q.newTarget, nw)
			es.pairs++
			if nw {
				es.newP++
			}
		}
		es.queries = append(es.queries, q)
	}
	return es
}

// Metrics are ranking figures over a set of (startup, investor) pairs.
type Metrics struct {
	Pairs, Startups  int
	R10, R50, MRR    float64
	startupsSeen     map[string]bool
	hit10, hit50, rr float64
}

func (x *Metrics) add(startup string, rank int) {
	if x.startupsSeen == nil {
		x.startupsSeen = map[string]bool{}
	}
	x.startupsSeen[startup] = true
	x.Pairs++
	if rank <= 10 {
		x.hit10++
	}
	if rank <= 50 {
		x.hit50++
	}
	x.rr += 1 / float64(rank)
}

func (x *Metrics) finish() {
	x.Startups = len(x.startupsSeen)
	if x.Pairs > 0 {
		x.R10 = x.hit10 / float64(x.Pairs)
		x.R50 = x.hit50 / float64(x.Pairs)
		x.MRR = x.rr / float64(x.Pairs)
	}
}

// Report holds the metrics of one ranker on one split.
type Report struct {
	Name                         string
	All, New, NewHist, NewNoHist Metrics
}

// pool adds the pairs of r to x (metrics of several splits pooled).
func (x *Report) pool(r Report) {
	for _, m := range []struct{ dst, src *Metrics }{{&x.All, &r.All}, {&x.New, &r.New}, {&x.NewHist, &r.NewHist}, {&x.NewNoHist, &r.NewNoHist}} {
		d, s := m.dst, m.src
		if d.startupsSeen == nil {
			d.startupsSeen = map[string]bool{}
		}
		for k := range s.startupsSeen {
			d.startupsSeen[k] = true // startups of different splits are counted once
		}
		d.Pairs += s.Pairs
		d.hit10 += s.hit10
		d.hit50 += s.hit50
		d.rr += s.rr
	}
}

func (x *Report) finish() {
	x.All.finish()
	x.New.finish()
	x.NewHist.finish()
	x.NewNoHist.finish()
}

// rankOf returns the 1-based rank of row t under scores s with tie order.
func rankOf[T cmp.Ordered](s []T, t int, tie func(a, b int) bool) int {
	st := s[t]
	rank := 1
	for j, v := range s {
		if v > st || (v == st && j != t && tie(j, t)) {
			rank++
		}
	}
	return rank
}

// evaluate ranks every investor for each query with score and collects the
// metrics. score returns the score vector of a query (reused between calls).
func evaluate[T cmp.Ordered](name string, es evalSet, score func(q *evalQuery) []T, tie func(a, b int) bool) Report {
	rep := Report{Name: name}
	for i := range es.queries {
		q := &es.queries[i]
		s := score(q)
		for k, t := range q.targets {
			r := rankOf(s, t, tie)
			rep.All.add(q.startup, r)
			if q.newTarget[k] {
				rep.New.add(q.startup, r)
				if q.hist {
					rep.NewHist.add(q.startup, r)
				} else {
					rep.NewNoHist.add(q.startup, r)
				}
			}
		}
	}
	rep.finish()
	return rep
}

// modelReport evaluates the model; withRound uses the target round's type
// (what a founder states when asking for matches). With excludeBackers the
// investors that already backed the startup are left out of the ranking, as
// the product leaves out existing relations: only new pairs can then be found.
func modelReport(name string, m *Model, es evalSet, withRound, excludeBackers bool) Report {
	var s []float32
	return evaluate(name, es, func(e *evalQuery) []float32 {
		row := QueryRow{StartupID: e.startup, RaisedUSD: -1}
		if withRound {
			row.RoundType, row.RaisedUSD = e.round, e.raised
		}
		q := m.NewQuery(row, e.at, e.earlier)
		s = m.Scores(q, s)
		if excludeBackers {
			for _, b := range q.Backers {
				s[b] = float32(math.Inf(-1))
			}
		}
		return s
	}, m.Tie)
}

// baselines computes the README's popularity and category-popularity baselines.
func baselines(ds *Dataset, m *Model, sp Split, es evalSet) []Report {
	pop := slices.Clone(m.trainN)
	catCount := map[string][]float64{}
	for _, iv := range ds.Investments {
		if !iv.Date.Before(sp.Cutoff) {
			continue
		}
		c := ""
		if s := m.startups[iv.StartupID]; s != nil {
			c = s.Category
		}
		if catCount[c] == nil {
			catCount[c] = make([]float64, len(m.invIDs))
		}
		catCount[c][m.invRow[iv.InvestorID]]++
	}
	idTie := func(a, b int) bool { return m.invIDs[a] < m.invIDs[b] }
	popTie := m.Tie
	r1 := evaluate("popularity", es, func(*evalQuery) []float64 { return pop }, idTie)
	zero := make([]float64, len(m.invIDs))
	r2 := evaluate("category popularity", es, func(e *evalQuery) []float64 {
		c := ""
		if s := m.startups[e.startup]; s != nil {
			c = s.Category
		}
		if v := catCount[c]; v != nil {
			return v
		}
		return zero
	}, popTie)
	return []Report{r1, r2}
}

func printReports(w io.Writer, reps []Report) {
	fmt.Fprintf(w, "%-34s %-13s %6s %8s %8s %8s\n", "ranker", "pairs", "n", "R@10", "R@50", "MRR")
	for _, r := range reps {
		for _, x := range []struct {
			n string
			m Metrics
		}{{"all", r.All}, {"new", r.New}, {"new, with history", r.NewHist}, {"new, no history", r.NewNoHist}} {
			fmt.Fprintf(w, "%-34s %-18s %6d %8.4f %8.4f %8.4f\n", r.Name, x.n, x.m.Pairs, x.m.R10, x.m.R50, x.m.MRR)
		}
	}
}

// monthStart returns the first instant of t's month.
func monthStart(t time.Time) time.Time { return date(t.Year(), t.Month(), 1) }

// onlineReport evaluates per-round queries as a product that keeps its
// model current would: each ranking uses a model fitted on every
// investment before the first day of the query's month (one refit a
// month of the validation year). Only the investors of m0 (those with a
// training row) are ranked, so ranks compare with [modelReport]'s.
func onlineReport(name string, ds *Dataset, m0 *Model, es evalSet, excludeBackers bool) (Report, error) {
	type fitted struct {
		m   *Model
		row []int // m0 row -> row of m
	}
	models := map[time.Time]fitted{}
	for i := range es.queries {
		t := monthStart(es.queries[i].at)
		if es.queries[i].at.IsZero() || !t.After(m0.Now) {
			t = m0.Now
		}
		if _, ok := models[t]; ok {
			continue
		}
		m := m0
		if t.After(m0.Now) {
			var err error
			if m, err = Fit(ds, t, m0.P); err != nil {
				return Report{}, fmt.Errorf("refit at %s: %w", t.Format(time.DateOnly), err)
			}
		}
		f := fitted{m: m, row: make([]int, m0.Investors())}
		for r, id := range m0.invIDs {
			f.row[r] = m.invRow[id]
		}
		models[t] = f
	}
	var st []float32
	s0 := make([]float32, m0.Investors())
	return evaluate(name, es, func(e *evalQuery) []float32 {
		t := monthStart(e.at)
		if e.at.IsZero() || !t.After(m0.Now) {
			t = m0.Now
		}
		f := models[t]
		q := f.m.NewQuery(QueryRow{StartupID: e.startup, RoundType: e.round, RaisedUSD: e.raised}, e.at, e.earlier)
		st = f.m.Scores(q, st)
		if excludeBackers {
			for _, b := range q.Backers {
				st[b] = float32(math.Inf(-1))
			}
		}
		for r, fr := range f.row {
			s0[r] = st[fr]
		}
		return s0
	}, m0.Tie), nil
}

// onlineBaselines are [baselines] with the counts taken, for each query,
// over every investment before the first day of its month.
func onlineBaselines(ds *Dataset, m0 *Model, es evalSet) []Report {
	n := m0.Investors()
	type counts struct {
		pop []float64
		cat map[string][]float64
	}
	at := map[time.Time]*counts{}
	key := func(e *evalQuery) time.Time {
		t := monthStart(e.at)
		if e.at.IsZero() || !t.After(m0.Now) {
			t = m0.Now
		}
		return t
	}
	for i := range es.queries {
		t := key(&es.queries[i])
		if at[t] != nil {
			continue
		}
		c := &counts{pop: make([]float64, n), cat: map[string][]float64{}}
		for _, iv := range ds.Investments {
			r, ok := m0.invRow[iv.InvestorID]
			if !ok || !iv.Date.Before(t) {
				continue
			}
			cat := ""
			if s := m0.startups[iv.StartupID]; s != nil {
				cat = s.Category
			}
			if c.cat[cat] == nil {
				c.cat[cat] = make([]float64, n)
			}
			c.pop[r]++
			c.cat[cat][r]++
		}
		at[t] = c
	}
	var cur *counts
	tie := func(a, b int) bool {
		if cur.pop[a] != cur.pop[b] {
			return cur.pop[a] > cur.pop[b]
		}
		return m0.invIDs[a] < m0.invIDs[b]
	}
	idTie := func(a, b int) bool { return m0.invIDs[a] < m0.invIDs[b] }
	zero := make([]float64, n)
	r1 := evaluate("popularity (monthly)", es, func(e *evalQuery) []float64 { return at[key(e)].pop }, idTie)
	r2 := evaluate("category popularity (monthly)", es, func(e *evalQuery) []float64 {
		cur = at[key(e)]
		c := ""
		if s := m0.startups[e.startup]; s != nil {
			c = s.Category
		}
		if v := cur.cat[c]; v != nil {
			return v
		}
		return zero
	}, tie)
	return []Report{r1, r2}
}
