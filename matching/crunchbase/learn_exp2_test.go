// The experiment behind the 2026-11-26 (04:25-05:10 UTC) round of
// docs/benchmarks.md: activity windows, recent activity in the startup's
// region and category, and a low-rank (implicit ALS) preference model, each
// fitted jointly with the 35 learned weights of the model without latent
// factors on the inner split's yearly folds and scored out of sample on its
// validation year (MK_SET=als: the ALS variants). It reads the real data
// and takes 20-25 minutes, so it runs only with MK_EXP=1.

package crunchbase

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// featGen prepares an extra feature for the model of one fold and returns
// the per-query feature (one value per investor row; it may share slices
// between queries).
type featGen struct {
	name string
	prep func(ds *Dataset, m *Model) func(e *evalQuery) []float32
}

// xQueriesF is xQueries with extra features from gens.
func xQueriesF(ds *Dataset, sp Split, p Params, gens []featGen) ([]xq, error) {
	xs := make([]xGen, len(gens))
	for i, g := range gens {
		xs[i] = xGen{name: g.name, prep: func(ds *Dataset, m *Model) func(*evalQuery, *xq) []float32 {
			f := g.prep(ds, m)
			return func(e *evalQuery, _ *xq) []float32 { return f(e) }
		}}
	}
	return xQueriesG(ds, sp, p, xs)
}

// trainOf returns the investments of ds before m's cutoff.
func trainOf(ds *Dataset, m *Model) []Investment {
	var out []Investment
	for _, iv := range ds.Investments {
		if iv.Date.Before(m.Now) {
			out = append(out, iv)
		}
	}
	return out
}

// windowGen counts each investor's investments dated in [now-to, now-from)
// months, as log1p(n).
func windowGen(from, to int) featGen {
	return featGen{fmt.Sprintf("win%d-%d", from, to), func(ds *Dataset, m *Model) func(e *evalQuery) []float32 {
		lo, hi := m.Now.AddDate(0, -to, 0), m.Now.AddDate(0, -from, 0)
		cnt := make([]float64, len(m.invIDs))
		for _, iv := range trainOf(ds, m) {
			if !iv.Date.Before(lo) && iv.Date.Before(hi) {
				cnt[m.invRow[iv.InvestorID]]++
			}
		}
		v := make([]float32, len(cnt))
		for i, c := range cnt {
			v[i] = float32(math.Log1p(c))
		}
		return func(*evalQuery) []float32 { return v }
	}}
}

// attrActGen counts each investor's investments of the last months in the
// query startup's value of an attribute (region or category), as log1p(n).
func attrActGen(name string, months int, key func(m *Model, s *Startup) int) featGen {
	return featGen{name, func(ds *Dataset, m *Model) func(e *evalQuery) []float32 {
		lo := m.Now.AddDate(0, -months, 0)
		cnt := map[int][]float64{}
		for _, iv := range trainOf(ds, m) {
			if iv.Date.Before(lo) {
				continue
			}
			k := key(m, m.startups[iv.StartupID])
			if cnt[k] == nil {
				cnt[k] = make([]float64, len(m.invIDs))
			}
			cnt[k][m.invRow[iv.InvestorID]]++
		}
		vals := map[int][]float32{}
		zero := make([]float32, len(m.invIDs))
		for k, c := range cnt {
			v := make([]float32, len(c))
			for i, x := range c {
				v[i] = float32(math.Log1p(x))
			}
			vals[k] = v
		}
		return func(e *evalQuery) []float32 {
			if v, ok := vals[key(m, m.startups[e.startup])]; ok {
				return v
			}
			return zero
		}
	}}
}

func regionKey(m *Model, s *Startup) int { return m.regionIndex(s) }
func catKey(m *Model, s *Startup) int    { return m.catIndex(s) }

// TestLearnRound2 fits the learner with extra features (MK_CFG selects
// configurations by name, comma-separated) and prints new-pair Recall@50 on
// the inner split (MK_README=1: the README split).
func TestLearnRound2(t *testing.T) {
	if os.Getenv("MK_EXP") == "" {
		t.Skip("set MK_EXP=1 to run the experiments")
	}
	ds, err := ReadDataset("/work/shared/data/crunchbase2013")
	if err != nil {
		t.Fatal(err)
	}
	gens := []featGen{
		windowGen(0, 3), windowGen(3, 6), windowGen(6, 12), windowGen(12, 24), windowGen(24, 48),
		attrActGen("regact12", 12, regionKey), attrActGen("catact12", 12, catKey),
		alsGen(16, 1, 5, 10),
	}
	if os.Getenv("MK_SET") == "als" {
		gens = []featGen{alsGen(16, 1, 5, 10), alsGen(32, 1, 5, 10), alsGen(16, 1, 20, 10), alsGen(16, 5, 5, 10), alsRichGen(16, 1, 5, 10), alsRichGen(32, 1, 20, 10)}
	}
	// The model these features were tried on: the learner's without the
	// latent factors (the "als" feature is that factor block, added here).
	p0 := DefaultParams
	p0.Factors = 0
	names := make([]string, len(gens))
	for i, g := range gens {
		names[i] = g.name
	}
	runHarness(t, names, func(sp Split) ([]xq, error) { return xQueriesF(ds, sp, p0, gens) }, func(idx func(...string) []bool) []xcfg {
		cfgs := []xcfg{
			{"base", idx(), false},
			{"+windows", idx("win0-3", "win3-6", "win6-12", "win12-24", "win24-48"), false},
			{"+regact", idx("regact12"), false},
			{"+catact", idx("catact12"), false},
			{"+als", idx("als"), false},
			{"+all", idx("win0-3", "win3-6", "win6-12", "win12-24", "win24-48", "regact12", "catact12", "als"), false},
		}
		if os.Getenv("MK_SET") == "als" {
			cfgs = cfgs[:1]
			for _, g := range gens {
				cfgs = append(cfgs, xcfg{"+" + g.name, idx(g.name), false})
			}
		}
		return cfgs
	})
}

// runHarness fits and scores the configurations of an experiment harness
// on the inner split (MK_README=1: the README split): build makes the
// rankings of a split with the extra features names, in that order, and
// cfgs the configurations, given a function that turns features on by
// name. MK_CFG keeps only the configurations it names (comma-separated).
func runHarness(t *testing.T, names []string, build func(Split) ([]xq, error), cfgs func(idx func(...string) []bool) []xcfg) {
	t.Helper()
	split := InnerSplit
	if os.Getenv("MK_README") != "" {
		split = READMESplit
	}
	t0 := time.Now()
	var qs []xq
	for _, sp := range Folds(split) {
		q, err := build(sp)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q...)
	}
	test, err := build(split)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("split %v: %d training rankings, %d test rankings (built in %v)\n", split.Cutoff, len(qs), len(test), time.Since(t0).Round(time.Second))
	npairs := 0
	for _, q := range qs {
		npairs += len(q.targets)
	}
	ne := len(names)
	cs := cfgs(func(want ...string) []bool {
		on := make([]bool, ne)
		for i, n := range names {
			on[i] = slices.Contains(want, n)
		}
		return on
	})
	if c := os.Getenv("MK_CFG"); c != "" {
		want := strings.Split(c, ",")
		cs = slices.DeleteFunc(cs, func(x xcfg) bool { return !slices.Contains(want, x.name) })
	}
	nx := nX(ne)
	for _, cfg := range cs {
		t1 := time.Now()
		th, active := startFit(nx, ne, cfg)
		l := xAdam(qs, th, active, ne, npairs, nil)
		a, b, c, d := xEval2(test, th, ne)
		fmt.Printf("%-12s loss %.4f new R@50 backers excluded %.4f (R@10 %.4f MRR %.4f) | per-round R@50 %.4f (%v)\n  θ/pop: ext %.3f\n", cfg.name, l, a, b, c, d,
			time.Since(t1).Round(time.Second), scaled(th[numTheta:numTheta+ne*numSegs], th[thPop]))
	}
}

// alsItems returns the item ids of a startup's attributes for a round of
// segment seg: category, region, segment and their pairs, so that the
// low-rank model can express interactions the additive lifts cannot.
func alsItems(m *Model, s *Startup, seg int, ids map[string]int, add bool) []int {
	c, g := m.catIndex(s), m.regionIndex(s)
	keys := []string{fmt.Sprintf("c%d", c), fmt.Sprintf("g%d", g), fmt.Sprintf("s%d", seg),
		fmt.Sprintf("c%d s%d", c, seg), fmt.Sprintf("c%d g%d", c, g), fmt.Sprintf("g%d s%d", g, seg)}
	return alsIDs(keys, ids, add)
}

// alsRichItems adds the city, the round type, the size bucket, the age
// bucket and the first/follow-on flag to alsItems.
func alsRichItems(m *Model, s *Startup, rt string, usd float64, at time.Time, first bool, ids map[string]int, add bool) []int {
	seg := querySeg(rt)
	c, g := m.catIndex(s), m.regionIndex(s)
	keys := []string{fmt.Sprintf("c%d", c), fmt.Sprintf("g%d", g), fmt.Sprintf("s%d", seg),
		fmt.Sprintf("c%d s%d", c, seg), fmt.Sprintf("c%d g%d", c, g), fmt.Sprintf("g%d s%d", g, seg),
		fmt.Sprintf("y%d", m.cityIndex(s)), fmt.Sprintf("a%d", ageBucket(s, at)), fmt.Sprintf("f%v", first)}
	if rt != "" {
		keys = append(keys, "r"+rt)
	}
	if b := sizeBucket(usd); b >= 0 {
		keys = append(keys, fmt.Sprintf("z%d", b), fmt.Sprintf("z%d s%d", b, seg))
	}
	return alsIDs(keys, ids, add)
}

func alsIDs(keys []string, ids map[string]int, add bool) []int {
	var out []int
	for _, k := range keys {
		i, ok := ids[k]
		if !ok {
			if !add {
				continue
			}
			i = len(ids)
			ids[k] = i
		}
		out = append(out, i)
	}
	return out
}

// alsGen fits implicit ALS (Hu, Koren, Volinsky 2008) of rank k on the
// investor × attribute-item matrix of recency-weighted counts (confidence
// 1 + alpha·w, preference 1 where w > 0, ridge lambda) and scores a query
// as Σ over its items of x_investor · y_item.
func alsGen(k int, lambda, alpha float64, iters int) featGen {
	g := alsGenItems(k, lambda, alpha, iters, false)
	if k == 16 && lambda == 1 && alpha == 5 {
		g.name = "als"
	}
	return g
}

func alsRichGen(k int, lambda, alpha float64, iters int) featGen {
	return alsGenItems(k, lambda, alpha, iters, true)
}

func alsGenItems(k int, lambda, alpha float64, iters int, rich bool) featGen {
	name := fmt.Sprintf("als(k%d,l%g,a%g,rich=%v)", k, lambda, alpha, rich)
	return featGen{name, func(ds *Dataset, m *Model) func(e *evalQuery) []float32 {
		ids := map[string]int{}
		n := len(m.invIDs)
		cnt := make([]map[int]float64, n)
		for i := range cnt {
			cnt[i] = map[int]float64{}
		}
		train := trainOf(ds, m)
		first := map[string]time.Time{}
		for _, iv := range train {
			if f, ok := first[iv.StartupID]; !ok || iv.Date.Before(f) {
				first[iv.StartupID] = iv.Date
			}
		}
		for _, iv := range train {
			w := recency(m.Now, iv.Date, m.P.HalfLifeYears)
			s := m.startups[iv.StartupID]
			var items []int
			if rich {
				items = alsRichItems(m, s, iv.RoundType, iv.RaisedUSD, iv.Date, !iv.Date.Equal(first[iv.StartupID]), ids, true)
			} else {
				items = alsItems(m, s, querySeg(iv.RoundType), ids, true)
			}
			for _, it := range items {
				cnt[m.invRow[iv.InvestorID]][it] += w
			}
		}
		X, Y := fitALS(cnt, len(ids), k, lambda, alpha, iters)
		return func(e *evalQuery) []float32 {
			s := m.startups[e.startup]
			items := alsItems(m, s, querySeg(e.round), ids, false)
			if rich {
				at := e.at
				if at.IsZero() {
					at = m.Now
				}
				items = alsRichItems(m, s, e.round, e.raised, at, len(m.backers[e.startup]) > 0 || len(e.earlier) > 0, ids, false)
			}
			q := make([]float64, k)
			for _, it := range items {
				for a := range k {
					q[a] += Y[it*k+a]
				}
			}
			out := make([]float32, n)
			for u := range n {
				var v float64
				for a := range k {
					v += X[u*k+a] * q[a]
				}
				out[u] = float32(v)
			}
			return out
		}
	}}
}
