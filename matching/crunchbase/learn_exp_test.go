// The experiment behind the "tried with the likelihood learner" figures of
// docs/benchmarks.md: extra features fitted jointly with the 35 learned
// weights on the inner split's yearly folds and scored out of sample on its
// validation year. It reads the real data and takes about 11 minutes, so it
// runs only with MK_EXP=1.

package crunchbase

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"
)

// deal is one training investment with the attributes the kernel compares.
type deal struct {
	row                         int32
	cat, reg, city, seg, rt, sz int16
	age, first                  int8
	w                           float32
}

type kcfg struct {
	name                                            string
	eCat, eReg, eCity, eSeg, eRt, eSz, eAge, eFirst float64
	sz1                                             float64 // size ±1 bucket
	hl                                              float64 // recency half-life
	c                                               float64
	cond                                            bool // divide by the investor's recency-weighted count
}

func expDeals(ds *Dataset, m *Model, hl float64) []deal {
	first := map[string]int64{}
	for _, iv := range ds.Investments {
		if iv.Date.Before(m.Now) {
			if f, ok := first[iv.StartupID]; !ok || iv.Date.Unix() < f {
				first[iv.StartupID] = iv.Date.Unix()
			}
		}
	}
	var out []deal
	for _, iv := range ds.Investments {
		if !iv.Date.Before(m.Now) {
			continue
		}
		s := m.startups[iv.StartupID]
		fi := int8(1)
		if iv.Date.Unix() == first[iv.StartupID] {
			fi = 0
		}
		rt := int16(roundIndex(iv.RoundType))
		if iv.RoundType == "" {
			rt = -1
		}
		out = append(out, deal{row: int32(m.invRow[iv.InvestorID]), cat: int16(m.catIndex(s)), reg: int16(m.regionIndex(s)), city: int16(m.cityIndex(s)),
			seg: int16(querySeg(iv.RoundType)), rt: rt, sz: int16(sizeBucket(iv.RaisedUSD)), age: int8(ageBucket(s, iv.Date)), first: fi,
			w: float32(recency(m.Now, iv.Date, hl))})
	}
	return out
}

func kernelScores(m *Model, deals []deal, q *evalQuery, k kcfg, dst []float64, norm []float64) []float32 {
	s := m.startups[q.startup]
	qc, qr, qci := int16(m.catIndex(s)), int16(m.regionIndex(s)), int16(m.cityIndex(s))
	qseg, qrt := int16(-1), int16(-1)
	if q.round != "" {
		qseg, qrt = int16(querySeg(q.round)), int16(roundIndex(q.round))
	}
	qsz := int16(sizeBucket(q.raised))
	at := q.at
	if at.IsZero() {
		at = m.Now
	}
	qage := int8(ageBucket(s, at))
	qfirst := int8(0)
	if len(m.backers[q.startup]) > 0 || len(q.earlier) > 0 {
		qfirst = 1
	}
	for i := range dst {
		dst[i] = 0
	}
	nCity := int16(len(m.cities))
	for _, d := range deals {
		v := float64(d.w)
		if d.cat != qc {
			v *= k.eCat
		}
		if d.reg != qr {
			v *= k.eReg
		} else if d.city != qci || qci == nCity {
			v *= k.eCity
		}
		if qseg >= 0 {
			if d.seg != qseg {
				v *= k.eSeg
			} else if d.rt != qrt {
				v *= k.eRt
			}
		}
		if qsz >= 0 {
			switch dd := d.sz - qsz; {
			case d.sz < 0:
				v *= math.Sqrt(k.eSz)
			case dd == 0:
			case dd == 1 || dd == -1:
				v *= k.sz1
			default:
				v *= k.eSz
			}
		}
		if d.age != qage {
			v *= k.eAge
		}
		if d.first != qfirst {
			v *= k.eFirst
		}
		dst[d.row] += v
	}
	out := make([]float32, len(dst))
	for i, x := range dst {
		if k.cond {
			out[i] = float32(math.Log((k.c + x) / (k.c + norm[i])))
		} else {
			out[i] = float32(math.Log(k.c + x))
		}
	}
	return out
}

const nbk = 5

func invBucket(n float64) int {
	switch {
	case n <= 1:
		return 0
	case n <= 3:
		return 1
	case n <= 10:
		return 2
	case n <= 30:
		return 3
	}
	return 4
}

const nfx = 3 + numPref

// xq is one ranking with its cached features.
type xq struct {
	m       *Model
	seg     int
	f       []float32   // n*nfx: pop, co, follow, preferences
	ext     [][]float32 // extra features, n each
	excl    []int
	targets []int // new pairs, not known backers (trained on)
	all     []int // new pairs of the per-round protocol (backers not excluded)
}

// xQueries builds the rankings of split sp with one kernel-score feature
// per configuration of kc.
func xQueries(ds *Dataset, sp Split, p Params, kc []kcfg) ([]xq, error) {
	gens := make([]xGen, len(kc))
	for k, c := range kc {
		gens[k] = xGen{name: fmt.Sprint(k), prep: func(ds *Dataset, m *Model) func(*evalQuery, *xq) []float32 {
			deals := expDeals(ds, m, c.hl)
			dst := make([]float64, len(m.invIDs))
			return func(e *evalQuery, _ *xq) []float32 { return kernelScores(m, deals, e, c, dst, nil) }
		}}
	}
	return xQueriesG(ds, sp, p, gens)
}

// layout of the extended θ: numTheta, then numSegs per extra feature, then
// nbk*3 size deltas of pop, co, follow.
type xcfg struct {
	name  string
	ext   []bool // which extra features are fitted
	sizeI bool
}

func nX(ne int) int { return numTheta + ne*numSegs + nbk*3 }

func xScore(q *xq, th []float64, s []float64, ne int) {
	n := len(q.m.invIDs)
	var w [nfx]float64
	w[0], w[1], w[2] = th[thPop], th[thCo], th[thFollow]
	for k := range numPref {
		w[3+k] = th[thPref+q.seg*numPref+k]
	}
	sz := th[numTheta+ne*numSegs:]
	for i := 0; i < n; i++ {
		fi := q.f[i*nfx : (i+1)*nfx]
		b := invBucket(q.m.trainN[i])
		var v float64
		for k := range nfx {
			v += w[k] * float64(fi[k])
		}
		for k := range 3 {
			v += sz[b*3+k] * float64(fi[k])
		}
		for e := range ne {
			if w := th[numTheta+e*numSegs+q.seg]; w != 0 {
				v += w * float64(q.ext[e][i])
			}
		}
		s[i] = v
	}
}

// xLoss2 returns the loss of qs under th and its gradient in grad; on,
// when not nil, says which extra features need a gradient (the others' is
// left 0).
func xLoss2(qs []xq, th, grad []float64, ne int, on []bool) float64 {
	nx := len(th)
	return sumQueries(len(qs), grad, func() func(int, []float64) float64 {
		var s []float64
		return func(qi int, gw []float64) float64 {
			q := &qs[qi]
			if len(q.targets) == 0 {
				return 0
			}
			n := len(q.m.invIDs)
			if cap(s) < n {
				s = make([]float64, n)
			}
			s = s[:n]
			xScore(q, th, s, ne)
			for _, b := range q.excl {
				s[b] = math.Inf(-1)
			}
			mx := slices.Max(s)
			var z float64
			ef := make([]float64, nx)
			// feature vector of investor i in θ coordinates
			phi := func(i int, c float64, dst []float64) {
				fi := q.f[i*nfx : (i+1)*nfx]
				dst[thPop] += c * float64(fi[0])
				dst[thCo] += c * float64(fi[1])
				dst[thFollow] += c * float64(fi[2])
				for k := range numPref {
					dst[thPref+q.seg*numPref+k] += c * float64(fi[3+k])
				}
				for e := range ne {
					if on == nil || on[e] {
						dst[numTheta+e*numSegs+q.seg] += c * float64(q.ext[e][i])
					}
				}
				b := invBucket(q.m.trainN[i])
				for k := range 3 {
					dst[numTheta+ne*numSegs+b*3+k] += c * float64(fi[k])
				}
			}
			for i := 0; i < n; i++ {
				e := math.Exp(s[i] - mx)
				if e == 0 {
					continue
				}
				z += e
				phi(i, e, ef)
			}
			lse := mx + math.Log(z)
			nt := float64(len(q.targets))
			for k := range ef {
				gw[k] += nt * ef[k] / z
			}
			var loss float64
			for _, t := range q.targets {
				loss += lse - s[t]
				phi(t, -1, gw)
			}
			return loss
		}
	})
}

// xEval2 returns new-pair R@50, R@10, MRR with backers excluded and, for
// R@50, per-round with backers not excluded.
func xEval2(qs []xq, th []float64, ne int) (r50, r10, mrr, r50all float64) {
	var np, na float64
	var s []float64
	for qi := range qs {
		q := &qs[qi]
		n := len(q.m.invIDs)
		s = make([]float64, n)
		xScore(q, th, s, ne)
		for _, t := range q.all {
			if rankOf(s, t, q.m.Tie) <= 50 {
				r50all++
			}
			na++
		}
		for _, b := range q.excl {
			s[b] = math.Inf(-1)
		}
		for _, t := range q.targets {
			r := rankOf(s, t, q.m.Tie)
			np++
			if r <= 50 {
				r50++
			}
			if r <= 10 {
				r10++
			}
			mrr += 1 / float64(r)
		}
	}
	return r50 / np, r10 / np, mrr / np, r50all / na
}

// TestLearnExtraFeatures fits the learner with one extra feature at a time
// (MK_SET=2: jointly) and prints new-pair Recall@50 on the inner split
// (MK_README=1: the README split).
func TestLearnExtraFeatures(t *testing.T) {
	if os.Getenv("MK_EXP") == "" {
		t.Skip("set MK_EXP=1 to run the experiments")
	}
	ds, err := ReadDataset("/work/shared/data/crunchbase2013")
	if err != nil {
		t.Fatal(err)
	}
	kc := []kcfg{
		// similar-deal neighbourhood
		{name: "kernel", eCat: 0.3, eReg: 0.3, eCity: 0.6, eSeg: 0.3, eRt: 0.6, eSz: 0.3, sz1: 0.6, eAge: 0.6, eFirst: 0.6, hl: 1.5, c: 0.1},
		// recent activity in the query's round segment
		{name: "segact", eCat: 1, eReg: 1, eCity: 1, eSeg: 0, eRt: 1, eSz: 1, sz1: 1, eAge: 1, eFirst: 1, hl: 1, c: 1},
		// all recent activity on the kernel's scale: with the kernel, the
		// conditional form log((c+x)/(c+N)) is one of the fitted combinations
		{name: "total", eCat: 1, eReg: 1, eCity: 1, eSeg: 1, eRt: 1, eSz: 1, sz1: 1, eAge: 1, eFirst: 1, hl: 1.5, c: 0.1},
	}
	ne := len(kc)
	split := InnerSplit
	if os.Getenv("MK_README") != "" {
		split = READMESplit
	}
	var qs []xq
	for _, sp := range Folds(split) {
		q, err := xQueries(ds, sp, DefaultParams, kc)
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, q...)
	}
	test, err := xQueries(ds, split, DefaultParams, kc)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("split %v: %d training rankings, %d test rankings\n", split.Cutoff, len(qs), len(test))
	npairs := 0
	for _, q := range qs {
		npairs += len(q.targets)
	}
	cfgs := []xcfg{
		{"base", []bool{false, false, false}, false},
		{"+kernel", []bool{true, false, false}, false},
		{"+segact", []bool{false, true, false}, false},
		{"+size(pop,co,fol)", []bool{false, false, false}, true},
	}
	if os.Getenv("MK_SET") == "2" {
		cfgs = []xcfg{
			{"+kernel+total", []bool{true, false, true}, false},
			{"+all jointly", []bool{true, true, true}, true},
		}
	}
	if c := os.Getenv("MK_CFG"); c != "" {
		cfgs = slices.DeleteFunc(cfgs, func(x xcfg) bool { return x.name != c && x.name != "base" })
	}
	nx := nX(ne)
	for _, cfg := range cfgs {
		th, active := startFit(nx, ne, cfg)
		xAdam(qs, th, active, ne, npairs, func(it int, l float64) {
			if it%50 == 0 {
				fmt.Printf("  %s it %d loss %.5f\n", cfg.name, it, l)
			}
		})
		a, b, c, d := xEval2(test, th, ne)
		fmt.Printf("%-20s new R@50 backers excluded %.4f (R@10 %.4f MRR %.4f) | per-round R@50 %.4f\n  θ/pop: ext %.3f size %.3f\n", cfg.name, a, b, c, d,
			scaled(th[numTheta:numTheta+ne*numSegs], th[thPop]), scaled(th[numTheta+ne*numSegs:], th[thPop]))
	}
}

func scaled(x []float64, p float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Round(v/p*1000) / 1000
	}
	return out
}

// baseXQ builds the learner's features of one evaluation query (the
// popularity, co-investment and follow terms and the preference blocks of
// every investor) and its new-pair targets; ok is false when it has none.
func baseXQ(m *Model, e *evalQuery) (x xq, ok bool) {
	q := m.NewQuery(QueryRow{StartupID: e.startup, RoundType: e.round, RaisedUSD: e.raised}, e.at, e.earlier)
	x = xq{m: m, seg: querySeg(e.round), excl: q.Backers}
	for k, t := range e.targets {
		if e.newTarget[k] {
			x.all = append(x.all, t)
			if !slices.Contains(q.Backers, t) {
				x.targets = append(x.targets, t)
			}
		}
	}
	if len(x.all) == 0 {
		return x, false
	}
	n := len(m.invIDs)
	x.f = make([]float32, n*nfx)
	popCol := m.off[bPop]
	for i := 0; i < n; i++ {
		row := m.table.Row(i)
		fi := x.f[i*nfx : (i+1)*nfx]
		fi[0] = row[popCol]
		for j, c := range q.Cols {
			b := m.blockOf(c)
			if b == bPop {
				continue
			}
			fi[3+slices.Index(prefBlocks[:], b)] += q.Vals[j] * row[c]
		}
	}
	if len(q.Backers) > 0 {
		co, fol := m.coTerms(q.Backers)
		for i := range co {
			x.f[i*nfx+1], x.f[i*nfx+2] = co[i], fol[i]
		}
	}
	return x, true
}

// startFit returns a configuration's starting weights (0.5, popularity 1)
// and which of them it fits: the learner's own, the extra features cfg
// selects and, with cfg.sizeI, the size interactions.
func startFit(nx, ne int, cfg xcfg) (th []float64, active []bool) {
	th, active = make([]float64, nx), make([]bool, nx)
	for i := range numTheta {
		th[i], active[i] = 0.5, true
	}
	th[thPop] = 1
	for e := range ne {
		for g := range numSegs {
			active[numTheta+e*numSegs+g] = cfg.ext[e]
		}
	}
	for i := numTheta + ne*numSegs; i < nx; i++ {
		active[i] = cfg.sizeI
	}
	return th, active
}

// xAdam fits the active weights of th by 150 full-batch Adam steps on the
// mean loss over the npairs new pairs of qs, as the learner does; each
// step's loss goes to report. It returns the last loss.
func xAdam(qs []xq, th []float64, active []bool, ne, npairs int, report func(it int, loss float64)) float64 {
	nx := len(th)
	g := make([]float64, nx)
	m1, m2 := make([]float64, nx), make([]float64, nx)
	on := make([]bool, ne)
	for e := range ne {
		on[e] = slices.Contains(active[numTheta+e*numSegs:numTheta+(e+1)*numSegs], true)
	}
	var l float64
	for it := 1; it <= 150; it++ {
		l = xLoss2(qs, th, g, ne, on) / float64(npairs)
		for i := range g {
			g[i] /= float64(npairs)
			if !active[i] {
				g[i] = 0
			}
		}
		if report != nil {
			report(it, l)
		}
		adamStep(th, g, m1, m2, it)
	}
	return l
}
