package crunchbase

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// The learned weights θ: popularity, co-investment and follow are global;
// the eight preference factors have one weight per round segment.
const (
	thPop = iota
	thCo
	thFollow
	thPref   // thPref + seg*numPref + factor
	numPref  = 9
	numTheta = thPref + numSegs*numPref
)

// prefBlocks are the blocks of the preference factors in θ order (the
// order of [SegWeights]).
var prefBlocks = [numPref]block{bCat, bRound, bAge, bFirst, bRegion, bCity, bSize, bTicket, bFactor}

// thetaOf returns the θ of p: W_b·Seg[g].b.
func thetaOf(p Params) []float64 {
	th := make([]float64, numTheta)
	th[thPop], th[thCo], th[thFollow] = p.WPopularity, p.WCoinvest, p.WFollow
	w := [numPref]float64{p.WSector, p.WStage, p.WAge, p.WFirst, p.WLocation, p.WCity, p.WSize, p.WTicket, p.WFactor}
	for g, sw := range p.Seg {
		m := [numPref]float64{sw.Sector, sw.Stage, sw.Age, sw.First, sw.Location, sw.City, sw.Size, sw.Ticket, sw.Factor}
		for f := range numPref {
			th[thPref+g*numPref+f] = w[f] * m[f]
		}
	}
	return th
}

// paramsOf returns p with the weights of θ, scaled so that the popularity
// weight is 1: every global preference weight is 1 and the segment
// multipliers carry θ.
func paramsOf(p Params, th []float64) Params {
	s := 1 / th[thPop]
	p.WPopularity, p.WCoinvest, p.WFollow = 1, round3(th[thCo]*s), round3(th[thFollow]*s)
	p.WSector, p.WStage, p.WAge, p.WFirst, p.WLocation, p.WCity, p.WSize, p.WTicket, p.WFactor = 1, 1, 1, 1, 1, 1, 1, 1, 1
	for g := range p.Seg {
		v := func(f int) float64 { return round3(th[thPref+g*numPref+f] * s) }
		p.Seg[g] = SegWeights{Sector: v(0), Stage: v(1), Age: v(2), First: v(3), Location: v(4), City: v(5), Size: v(6), Ticket: v(7), Factor: v(8)}
	}
	return p
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// learnQuery is one ranking of a training fold with its features.
type learnQuery struct {
	m       *Model
	seg     int
	cols    []int     // investor-row columns of the query
	vals    []float32 // query values with unit weights
	blk     []int     // preference factor of each column
	sparse  []int32   // investors with co-investment terms
	co, fol []float32 // their terms: log1p(Σ/√B)
	excl    []int     // known backers: left out, as the product does
	targets []int     // new pairs
}

// unitParams has every weight 1, so that a query's values are its features.
func unitParams(p Params) Params {
	p.WPopularity, p.WCoinvest, p.WFollow = 1, 1, 1
	p.WSector, p.WStage, p.WAge, p.WFirst, p.WLocation, p.WCity, p.WSize, p.WTicket, p.WFactor = 1, 1, 1, 1, 1, 1, 1, 1, 1
	for g := range p.Seg {
		p.Seg[g] = SegWeights{1, 1, 1, 1, 1, 1, 1, 1, 1}
	}
	return p
}

// learnQueries returns the per-round rankings of split sp with their
// features, from a model fitted at sp.Cutoff with the hyperparameters of p.
func learnQueries(ds *Dataset, sp Split, p Params) ([]learnQuery, error) {
	m, err := Fit(ds, sp.Cutoff, p)
	if err != nil {
		return nil, err
	}
	m.P = unitParams(p)
	es := buildEvalSet(ds, sp, m, PerRound)
	var out []learnQuery
	for _, e := range es.queries {
		q := m.NewQuery(QueryRow{StartupID: e.startup, RoundType: e.round, RaisedUSD: e.raised}, e.at, e.earlier)
		lq := learnQuery{m: m, seg: querySeg(e.round), excl: q.Backers}
		for k, t := range e.targets {
			if e.newTarget[k] && !slices.Contains(q.Backers, t) {
				lq.targets = append(lq.targets, t)
			}
		}
		if len(lq.targets) == 0 {
			continue
		}
		for j, c := range q.Cols {
			b := m.blockOf(c)
			if b == bPop {
				continue
			}
			lq.cols = append(lq.cols, c)
			lq.vals = append(lq.vals, q.Vals[j])
			lq.blk = append(lq.blk, slices.Index(prefBlocks[:], b))
		}
		if len(q.Backers) > 0 {
			co, fol := m.coTerms(q.Backers)
			for i := range co {
				if co[i] != 0 || fol[i] != 0 {
					lq.sparse = append(lq.sparse, int32(i))
					lq.co = append(lq.co, co[i])
					lq.fol = append(lq.fol, fol[i])
				}
			}
		}
		out = append(out, lq)
	}
	return out, nil
}

// blockOf returns the block of column c.
func (m *Model) blockOf(c int) block {
	for b := numBlocks - 1; b >= 0; b-- {
		if c >= m.off[b] {
			return b
		}
	}
	return 0
}

// coTerms returns the unweighted co-investment and follow terms of every
// investor for a startup's backers: log1p(Σ_b adj[b][i]/√B).
func (m *Model) coTerms(backers []int) (co, fol []float32) {
	n := len(m.invIDs)
	co, fol = make([]float32, n), make([]float32, n)
	norm := 1 / math.Sqrt(float64(len(backers)))
	for k, adj := range [][]map[int32]float32{m.co, m.follow} {
		acc := make([]float64, n)
		for _, b := range backers {
			for i, v := range adj[b] {
				acc[i] += float64(v)
			}
		}
		dst := co
		if k == 1 {
			dst = fol
		}
		for i, v := range acc {
			if v != 0 {
				dst[i] = float32(math.Log1p(v * norm))
			}
		}
	}
	return co, fol
}

// softmaxLoss returns the negative log-likelihood of the new pairs' investors
// under a softmax over every investor but the known backers, with its
// gradient in grad.
func softmaxLoss(qs []learnQuery, th, grad []float64) float64 {
	return sumQueries(len(qs), grad, func() func(int, []float64) float64 {
		var s []float64
		var f []float32
		return func(qi int, g []float64) float64 { return queryLoss(&qs[qi], th, g, &s, &f) }
	})
}

// sumQueries sums the losses of queries 0 … n-1 and their gradients (into
// grad) on two goroutines. Each makes its own query function with
// worker (for its scratch buffers), takes every other query and adds their
// gradients to its own g; the workers' sums are added in worker order, so
// that every run gives the same weights.
func sumQueries(n int, grad []float64, worker func() func(qi int, g []float64) float64) float64 {
	const workers = 2
	var loss [workers]float64
	var g [workers][]float64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g[w] = make([]float64, len(grad))
			query := worker()
			for qi := w; qi < n; qi += workers {
				loss[w] += query(qi, g[w])
			}
		}()
	}
	wg.Wait()
	return sumWorkers(loss[:], g[:], grad)
}

// sumWorkers adds the workers' losses and writes the sum of their
// gradients g into grad.
func sumWorkers(loss []float64, g [][]float64, grad []float64) float64 {
	clear(grad)
	var l float64
	for w := range loss {
		l += loss[w]
		for i := range grad {
			grad[i] += g[w][i]
		}
	}
	return l
}

// queryLoss adds the loss of one query and its gradient to g.
func queryLoss(q *learnQuery, th, g []float64, sbuf *[]float64, fbuf *[]float32) float64 {
	m := q.m
	n := len(m.invIDs)
	const nf = 3 + numPref // pop, co, follow, preferences
	if cap(*sbuf) < n {
		*sbuf = make([]float64, n)
		*fbuf = make([]float32, n*nf)
	}
	s, f := (*sbuf)[:n], (*fbuf)[:n*nf]
	clear(f)
	popCol := m.off[bPop]
	for i := 0; i < n; i++ {
		row := m.table.Row(i)
		fi := f[i*nf : (i+1)*nf]
		fi[0] = row[popCol]
		for j, c := range q.cols {
			fi[3+q.blk[j]] += q.vals[j] * row[c]
		}
	}
	for k, i := range q.sparse {
		f[int(i)*nf+1] = q.co[k]
		f[int(i)*nf+2] = q.fol[k]
	}
	var w [nf]float64
	w[0], w[1], w[2] = th[thPop], th[thCo], th[thFollow]
	for k := range numPref {
		w[3+k] = th[thPref+q.seg*numPref+k]
	}
	mx := math.Inf(-1)
	for i := 0; i < n; i++ {
		fi := f[i*nf : (i+1)*nf]
		var v float64
		for k := range nf {
			v += w[k] * float64(fi[k])
		}
		s[i] = v
		mx = max(mx, s[i])
	}
	for _, b := range q.excl {
		s[b] = math.Inf(-1)
	}
	var z float64
	var ef [nf]float64
	for i := 0; i < n; i++ {
		e := math.Exp(s[i] - mx)
		if e == 0 {
			continue
		}
		z += e
		fi := f[i*nf : (i+1)*nf]
		for k := range nf {
			ef[k] += e * float64(fi[k])
		}
	}
	lse := mx + math.Log(z)
	var loss float64
	nt := float64(len(q.targets))
	var d [nf]float64
	for k := range nf {
		d[k] = nt * ef[k] / z
	}
	for _, t := range q.targets {
		loss += lse - s[t]
		ft := f[t*nf : (t+1)*nf]
		for k := range nf {
			d[k] -= float64(ft[k])
		}
	}
	g[thPop] += d[0]
	g[thCo] += d[1]
	g[thFollow] += d[2]
	for k := range numPref {
		g[thPref+q.seg*numPref+k] += d[3+k]
	}
	return loss
}

// Learn fits the factor weights by maximum likelihood of the new pairs of
// several date splits of the training side (a softmax over all investors
// per ranking, the startup's known backers left out); the hyperparameters
// of p are kept. It takes iters full-batch
// Adam steps (the loss is convex and smooth in the 39 weights; 100 steps
// converge to 4 decimals) and calls logf, when not nil, every 10 steps.
func Learn(ds *Dataset, folds []Split, p Params, iters int, logf func(it int, loss float64, th []float64)) (Params, error) {
	var qs []learnQuery
	for _, sp := range folds {
		q, err := learnQueries(ds, sp, p)
		if err != nil {
			return p, fmt.Errorf("learn: fold %v: %w", sp.Cutoff, err)
		}
		qs = append(qs, q...)
	}
	if len(qs) == 0 {
		return p, fmt.Errorf("learn: no rankings with new pairs in the folds")
	}
	// A fixed start (the loss is convex), so that the result does not
	// depend on p's weights.
	th := make([]float64, numTheta)
	for i := range th {
		th[i] = 0.5
	}
	th[thPop] = 1
	npairs := 0
	for _, q := range qs {
		npairs += len(q.targets)
	}
	scale := 1 / float64(npairs)
	g := make([]float64, numTheta)
	m1, m2 := make([]float64, numTheta), make([]float64, numTheta)
	for it := 1; it <= iters; it++ {
		l := softmaxLoss(qs, th, g) * scale
		for i := range g {
			g[i] *= scale
		}
		if logf != nil && (it%10 == 1 || it == iters) {
			logf(it, l, th)
		}
		adamStep(th, g, m1, m2, it)
	}
	if !(th[thPop] > 0) {
		return p, fmt.Errorf("learn: the popularity weight came out %v; too few rankings to fit on?", th[thPop])
	}
	return paramsOf(p, th), nil
}

// adamStep moves th one Adam step (β₁ 0.9, β₂ 0.999, rate 0.02) along the
// gradient g of step it (from 1), with the moment estimates m1 and m2.
func adamStep(th, g, m1, m2 []float64, it int) { adamStepRate(th, g, m1, m2, it, 0.02) }

// adamStepRate is [adamStep] with the rate lr.
func adamStepRate(th, g, m1, m2 []float64, it int, lr float64) {
	const b1, b2 = 0.9, 0.999
	for i := range th {
		m1[i] = b1*m1[i] + (1-b1)*g[i]
		m2[i] = b2*m2[i] + (1-b2)*g[i]*g[i]
		mh := m1[i] / (1 - math.Pow(b1, float64(it)))
		vh := m2[i] / (1 - math.Pow(b2, float64(it)))
		th[i] -= lr * mh / (math.Sqrt(vh) + 1e-8)
	}
}
