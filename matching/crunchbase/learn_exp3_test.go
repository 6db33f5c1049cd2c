// The experiment behind the 2026-11-26 (06:30-08:30 UTC) round of
// docs/benchmarks.md: two hops of the co-investment graph and the investor's
// activity bucket as multipliers of some weights, each fitted jointly with
// the 39 learned weights of the model as it is (with the latent factors) on
// the inner split's yearly folds and scored out of sample on its validation
// year. It reads the real data and takes 15-25 minutes, so it runs only with
// MK_EXP=1.

package crunchbase

import (
	"math"
	"os"
	"testing"
)

// xGen prepares an extra feature for the model of one fold; the returned
// function sees the query's cached features (x.f, x.excl: the startup's
// known backers) and returns one value per investor row.
type xGen struct {
	name string
	prep func(ds *Dataset, m *Model) func(e *evalQuery, x *xq) []float32
}

// xQueriesG builds the rankings of split sp for the model fitted with p,
// with the extra features of gens (which see the query's cached features).
func xQueriesG(ds *Dataset, sp Split, p Params, gens []xGen) ([]xq, error) {
	m, err := Fit(ds, sp.Cutoff, p)
	if err != nil {
		return nil, err
	}
	m.P = unitParams(p)
	es := buildEvalSet(ds, sp, m, PerRound)
	var fns []func(e *evalQuery, x *xq) []float32
	for _, g := range gens {
		fns = append(fns, g.prep(ds, m))
	}
	var out []xq
	for ei := range es.queries {
		e := &es.queries[ei]
		x, ok := baseXQ(m, e)
		if !ok {
			continue
		}
		for _, f := range fns {
			x.ext = append(x.ext, f(e, &x))
		}
		out = append(out, x)
	}
	return out, nil
}

// hop2Gen scores every investor by two hops of the co-investment graph
// from the startup's known backers: with walk, the probability of a
// two-step random walk (each step proportional to the co-investment
// weights), as log1p(n·p) (p relative to the uniform 1/n); without, the
// raw sum Σ_b Σ_c co[b][c]·co[c][i], as log1p(sum/√B), on the scale of the
// co-investment term. Startups without backers get 0.
func hop2Gen(walk bool) xGen {
	name := "hop2raw"
	if walk {
		name = "hop2walk"
	}
	return xGen{name, func(ds *Dataset, m *Model) func(e *evalQuery, x *xq) []float32 {
		n := len(m.invIDs)
		deg := make([]float64, n)
		for i, adj := range m.co {
			for _, v := range adj {
				deg[i] += float64(v)
			}
		}
		zero := make([]float32, n)
		return func(e *evalQuery, x *xq) []float32 {
			bs := x.excl
			if len(bs) == 0 {
				return zero
			}
			p1 := make([]float64, n)
			for _, b := range bs {
				if deg[b] == 0 {
					continue
				}
				for c, w := range m.co[b] {
					v := float64(w)
					if walk {
						v /= deg[b] * float64(len(bs))
					}
					p1[c] += v
				}
			}
			p2 := make([]float64, n)
			for c, pc := range p1 {
				if pc == 0 || deg[c] == 0 {
					continue
				}
				f := pc
				if walk {
					f /= deg[c]
				}
				for i, w := range m.co[c] {
					p2[i] += f * float64(w)
				}
			}
			out := make([]float32, n)
			norm := 1 / math.Sqrt(float64(len(bs)))
			for i, v := range p2 {
				if walk {
					out[i] = float32(math.Log1p(v * float64(n)))
				} else {
					out[i] = float32(math.Log1p(v * norm))
				}
			}
			return out
		}
	}}
}

// bucketGen is feature k of the cached features (0 popularity, 1
// co-investment, 2 follow, 3+j preference j in prefBlocks order) of the
// investors whose training investment count is in [lo, hi], 0 elsewhere:
// with the learned weight per segment it is a per-bucket change of that
// feature's weight.
func bucketGen(name string, k int, lo, hi float64) xGen {
	return xGen{name, func(ds *Dataset, m *Model) func(e *evalQuery, x *xq) []float32 {
		return func(e *evalQuery, x *xq) []float32 {
			n := len(m.invIDs)
			out := make([]float32, n)
			for i := range n {
				if c := m.trainN[i]; c >= lo && c <= hi {
					out[i] = x.f[i*nfx+k]
				}
			}
			return out
		}
	}}
}

// prodGen is the product of cached features k1 and k2 (see bucketGen): an
// interaction the additive score cannot express.
func prodGen(name string, k1, k2 int) xGen {
	return xGen{name, func(ds *Dataset, m *Model) func(e *evalQuery, x *xq) []float32 {
		return func(e *evalQuery, x *xq) []float32 {
			n := len(m.invIDs)
			out := make([]float32, n)
			for i := range n {
				out[i] = x.f[i*nfx+k1] * x.f[i*nfx+k2]
			}
			return out
		}
	}}
}

// TestLearnRound3 fits the learner with extra features (MK_CFG selects
// configurations by name, comma-separated) and prints new-pair Recall@50 on
// the inner split (MK_README=1: the README split).
func TestLearnRound3(t *testing.T) {
	if os.Getenv("MK_EXP") == "" {
		t.Skip("set MK_EXP=1 to run the experiments")
	}
	ds, err := ReadDataset("/work/shared/data/crunchbase2013")
	if err != nil {
		t.Fatal(err)
	}
	const fSector, fRegion, fFactor = 3 + 0, 3 + 4, 3 + 8
	gens := []xGen{
		hop2Gen(false), hop2Gen(true),
		bucketGen("sector<=2", fSector, 0, 2), bucketGen("region<=2", fRegion, 0, 2), bucketGen("factor<=2", fFactor, 0, 2), bucketGen("co<=2", 1, 0, 2), bucketGen("pop<=2", 0, 0, 2),
		bucketGen("sector3-10", fSector, 3, 10), bucketGen("region3-10", fRegion, 3, 10), bucketGen("factor3-10", fFactor, 3, 10), bucketGen("co3-10", 1, 3, 10), bucketGen("pop3-10", 0, 3, 10),
	}
	const fStage, fSize, fTicket = 3 + 1, 3 + 6, 3 + 7
	if os.Getenv("MK_SET") == "prod" {
		gens = []xGen{
			bucketGen("pop", 0, 0, math.Inf(1)), bucketGen("co", 1, 0, math.Inf(1)), bucketGen("follow", 2, 0, math.Inf(1)),
			prodGen("sector*region", fSector, fRegion), prodGen("sector*factor", fSector, fFactor), prodGen("region*factor", fRegion, fFactor),
			prodGen("sector*stage", fSector, fStage), prodGen("pop*sector", 0, fSector), prodGen("pop*region", 0, fRegion), prodGen("pop*factor", 0, fFactor),
			prodGen("pop*pop", 0, 0), prodGen("sector*sector", fSector, fSector), prodGen("region*region", fRegion, fRegion),
			prodGen("size*ticket", fSize, fTicket),
		}
	}
	names := make([]string, len(gens))
	for i, g := range gens {
		names[i] = g.name
	}
	p0 := DefaultParams
	runHarness(t, names, func(sp Split) ([]xq, error) { return xQueriesG(ds, sp, p0, gens) }, func(idx func(...string) []bool) []xcfg {
		cfgs := []xcfg{
			{"base", idx(), false},
			{"+hop2raw", idx("hop2raw"), false},
			{"+hop2walk", idx("hop2walk"), false},
			{"+bucket3", idx("sector<=2", "region<=2", "factor<=2", "co<=2", "sector3-10", "region3-10", "factor3-10", "co3-10"), false},
			{"+bucket3pop", idx("sector<=2", "region<=2", "factor<=2", "co<=2", "pop<=2", "sector3-10", "region3-10", "factor3-10", "co3-10", "pop3-10"), false},
			{"+bucket2", idx("sector<=2", "region<=2", "factor<=2", "co<=2"), false},
		}
		if os.Getenv("MK_SET") == "prod" {
			cfgs = []xcfg{
				{"base", idx(), false},
				{"+segpopco", idx("pop", "co", "follow"), false},
				{"+prefprod", idx("sector*region", "sector*factor", "region*factor", "sector*stage"), false},
				{"+popprod", idx("pop*sector", "pop*region", "pop*factor", "pop*pop"), false},
				{"+squares", idx("sector*sector", "region*region", "pop*pop"), false},
				{"+allprod", idx("sector*region", "sector*factor", "region*factor", "sector*stage", "pop*sector", "pop*region", "pop*factor", "pop*pop", "sector*sector", "region*region", "size*ticket"), false},
			}
		}
		return cfgs
	})
}
