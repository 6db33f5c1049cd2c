// The experiment behind the 2026-11-26 (09:20-11:30 UTC) round of
// docs/benchmarks.md: the same 39 weights and features as the learner, fitted
// with objectives closer to Recall@50 than the softmax likelihood over every
// investor (a softmax truncated to the best negatives, a pairwise logistic
// loss against the negatives near the cutoff, a smooth Recall@50 and
// LambdaLoss-style pairs across rank 50), from the learner's start or from
// its weights, on the inner split's yearly folds, and scored out of sample on
// its validation year with the model itself (per-startup, per-round, backers
// excluded). It reads the real data and takes 1-6 minutes a configuration
// on this machine, so it runs only with MK_EXP=1. None of the objectives
// gained the +0.003 new-pair Recall@50 asked of a change on every inner row
// (the likelihood: 0.3937 per-startup, 0.4019 per-round, 0.4065 backers
// excluded; best, the softmax truncated to the 1,000 best negatives:
// 0.3952 / 0.4029 / 0.4082, with 500 and 2,000 lower); the ranking losses
// raise Recall@50 on the training folds (0.381 -> 0.384) but not on the
// following year.

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

// Kinds of [rankObj].
const (
	objSoftmax = "softmax" // the learner's: softmax over every investor
	objTopK    = "topk"    // softmax over the k best negatives and the positives
	objPair    = "pair"    // logistic loss of each positive against the negatives ranked k..hi
	objSmooth  = "smooth"  // 1 - sigmoid((s_t - τ)/temp), τ the mean score of negatives 41..60
	objLambda  = "lambda"  // logistic loss of the pairs whose swap changes Recall@50
	objLambda2 = "lambda2" // lambda with each positive's pairs averaged: outside against the top 50, inside against negatives 51..hi
	objTrim    = "trim"    // the learner's softmax, on the positives with fewer than k negatives above only
)

// rankObj is a training objective with its optimiser settings.
type rankObj struct {
	name  string
	kind  string
	k, hi int
	temp  float64
	warm  bool // start from the likelihood weights (else the learner's fixed start)
	iters int
	lr    float64
}

// expScores fills s with the scores of q's investors under th (known
// backers -inf).
func expScores(q *xq, th, s []float64) {
	var w [nfx]float64
	w[0], w[1], w[2] = th[thPop], th[thCo], th[thFollow]
	for k := range numPref {
		w[3+k] = th[thPref+q.seg*numPref+k]
	}
	for i := range s {
		fi := q.f[i*nfx : (i+1)*nfx]
		var v float64
		for k := range nfx {
			v += w[k] * float64(fi[k])
		}
		s[i] = v
	}
	for _, b := range q.excl {
		s[b] = math.Inf(-1)
	}
}

// topNeg returns the m best-scored negatives (neither excluded nor
// targets), best first, using idx as scratch.
func topNeg(s []float64, isT []bool, m int, idx []int32) []int32 {
	idx = idx[:0]
	for i, v := range s {
		if !isT[i] && !math.IsInf(v, -1) {
			idx = append(idx, int32(i))
		}
	}
	m = min(m, len(idx))
	selectTop(idx, s, m)
	top := idx[:m]
	slices.SortFunc(top, func(a, b int32) int {
		switch {
		case s[a] > s[b]:
			return -1
		case s[a] < s[b]:
			return 1
		}
		return int(a - b)
	})
	return top
}

// selectTop rearranges idx so that its first m entries have the m largest
// scores (in no order): quickselect with a median-of-three pivot.
func selectTop(idx []int32, s []float64, m int) {
	lo, hi := 0, len(idx)-1
	for lo < hi && m > lo && m <= hi {
		mid := (lo + hi) / 2
		a, b, c := s[idx[lo]], s[idx[mid]], s[idx[hi]]
		p := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for s[idx[i]] > p {
				i++
			}
			for s[idx[j]] < p {
				j--
			}
			if i <= j {
				idx[i], idx[j] = idx[j], idx[i]
				i++
				j--
			}
		}
		// [lo, j] >= p, [i, hi] <= p
		switch {
		case m <= j:
			hi = j
		case m >= i:
			lo = i
		default:
			return
		}
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// softplus returns log(1 + e^x) without overflow.
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

// objScratch holds one worker's buffers.
type objScratch struct {
	s, ds []float64
	isT   []bool
	idx   []int32
}

// queryObj returns the loss of q under objective o and adds d loss/d score
// to sc.ds (s holds the scores).
func queryObj(q *xq, o rankObj, sc *objScratch) float64 {
	s, ds, isT := sc.s, sc.ds, sc.isT
	nt := float64(len(q.targets))
	var loss float64
	softmaxOver := func(set []int32) {
		mx := math.Inf(-1)
		for _, i := range set {
			mx = max(mx, s[i])
		}
		for _, t := range q.targets {
			mx = max(mx, s[t])
		}
		var z float64
		for _, i := range set {
			z += math.Exp(s[i] - mx)
		}
		for _, t := range q.targets {
			z += math.Exp(s[t] - mx)
		}
		lse := mx + math.Log(z)
		for _, i := range set {
			ds[i] += nt * math.Exp(s[i]-lse)
		}
		for _, t := range q.targets {
			ds[t] += nt*math.Exp(s[t]-lse) - 1
			loss += lse - s[t]
		}
	}
	pairs := func(t int, js []int32) {
		if len(js) == 0 {
			return
		}
		c := 1 / float64(len(js))
		for _, j := range js {
			u := (s[j] - s[t]) / o.temp
			loss += c * o.temp * softplus(u)
			g := c * sigmoid(u)
			ds[j] += g
			ds[t] -= g
		}
	}
	switch o.kind {
	case objSoftmax:
		all := sc.idx[:0]
		for i, v := range s {
			if !isT[i] && !math.IsInf(v, -1) {
				all = append(all, int32(i))
			}
		}
		softmaxOver(all)
	case objLambda2:
		top := topNeg(s, isT, o.hi, sc.idx)
		if len(top) < o.hi {
			return 0
		}
		for _, t := range q.targets {
			if s[t] <= s[top[49]] {
				pairs(t, top[:50])
			} else {
				pairs(t, top[50:])
			}
		}
	case objTrim:
		all := sc.idx[:0]
		for i, v := range s {
			if !isT[i] && !math.IsInf(v, -1) {
				all = append(all, int32(i))
			}
		}
		var keep []int
		for _, t := range q.targets {
			above := 0
			for _, j := range all {
				if s[j] > s[t] {
					above++
				}
			}
			if above < o.k {
				keep = append(keep, t)
			}
		}
		if len(keep) == 0 {
			return 0
		}
		full := q.targets
		q.targets, nt = keep, float64(len(keep))
		softmaxOver(all)
		q.targets = full
	case objTopK:
		softmaxOver(topNeg(s, isT, o.k, sc.idx))
	case objPair:
		top := topNeg(s, isT, o.hi, sc.idx)
		for _, t := range q.targets {
			pairs(t, top[min(o.k, len(top)):])
		}
	case objSmooth:
		top := topNeg(s, isT, 60, sc.idx)
		if len(top) < 60 {
			return 0
		}
		var tau float64
		for _, j := range top[40:] {
			tau += s[j] / 20
		}
		for _, t := range q.targets {
			p := sigmoid((s[t] - tau) / o.temp)
			loss += 1 - p
			g := p * (1 - p) / o.temp
			ds[t] -= g
			for _, j := range top[40:] {
				ds[j] += g / 20
			}
		}
	case objLambda:
		top := topNeg(s, isT, 50, sc.idx)
		if len(top) < 50 {
			return 0
		}
		cut := s[top[49]]
		for _, t := range q.targets {
			if s[t] <= cut { // outside: every negative of the top 50 swaps it in
				for _, j := range top {
					u := (s[j] - s[t]) / o.temp
					loss += o.temp * softplus(u)
					g := sigmoid(u)
					ds[j] += g
					ds[t] -= g
				}
				continue
			}
			for j, v := range s { // inside: every negative below the cut swaps it out
				if v < cut && !isT[j] {
					u := (v - s[t]) / o.temp
					if u < -30 {
						continue
					}
					loss += o.temp * softplus(u)
					g := sigmoid(u)
					ds[j] += g
					ds[t] -= g
				}
			}
		}
	}
	return loss
}

// objLoss returns the loss of qs under th and o, and its gradient in grad.
func objLoss(qs []xq, o rankObj, th, grad []float64) float64 {
	return sumQueries(len(qs), grad, func() func(int, []float64) float64 {
		var sc objScratch
		return func(qi int, gw []float64) float64 {
			q := &qs[qi]
			if len(q.targets) == 0 {
				return 0
			}
			n := len(q.m.invIDs)
			if len(sc.s) < n {
				sc.s, sc.ds, sc.isT, sc.idx = make([]float64, n), make([]float64, n), make([]bool, n), make([]int32, 0, n)
			}
			sc.s, sc.ds, sc.isT = sc.s[:n], sc.ds[:n], sc.isT[:n]
			expScores(q, th, sc.s)
			for _, t := range q.targets {
				sc.isT[t] = true
			}
			loss := queryObj(q, o, &sc)
			for _, t := range q.targets {
				sc.isT[t] = false
			}
			for i, d := range sc.ds {
				if d == 0 {
					continue
				}
				fi := q.f[i*nfx : (i+1)*nfx]
				gw[thPop] += d * float64(fi[0])
				gw[thCo] += d * float64(fi[1])
				gw[thFollow] += d * float64(fi[2])
				for k := range numPref {
					gw[thPref+q.seg*numPref+k] += d * float64(fi[3+k])
				}
				sc.ds[i] = 0
			}
			return loss
		}
	})
}

// fitObj fits th in place by o.iters full-batch Adam steps of rate o.lr on
// the mean loss over the npairs new pairs of qs; it returns the last loss.
func fitObj(qs []xq, o rankObj, th []float64, npairs int) float64 {
	g := make([]float64, len(th))
	m1, m2 := make([]float64, len(th)), make([]float64, len(th))
	var l float64
	for it := 1; it <= o.iters; it++ {
		l = objLoss(qs, o, th, g) / float64(npairs)
		for i := range g {
			g[i] /= float64(npairs)
		}
		adamStepRate(th, g, m1, m2, it, o.lr)
	}
	return l
}

// trainR50 returns the new-pair Recall@50 of th on the training rankings
// (known backers left out; ties by row).
func trainR50(qs []xq, th []float64) float64 {
	var hit, n float64
	var s []float64
	for qi := range qs {
		q := &qs[qi]
		s = slices.Grow(s[:0], len(q.m.invIDs))[:len(q.m.invIDs)]
		expScores(q, th, s)
		for _, t := range q.targets {
			above := 0
			for _, v := range s {
				if v > s[t] {
					above++
				}
			}
			if above < 50 {
				hit++
			}
			n++
		}
	}
	return hit / n
}

// innerFigures are the new-pair figures of weights th on a split, scored by
// the model itself as rank-eval does (weights rounded by paramsOf).
type innerFigures struct {
	startupR50, roundR50, exclR50, exclR10, exclMRR float64
}

// evalTheta scores th on split sp with the model m fitted at its cutoff.
func evalTheta(m *Model, perStartup, perRound evalSet, th []float64) innerFigures {
	m.P = paramsOf(DefaultParams, th)
	a := modelReport("s", m, perStartup, true, false)
	b := modelReport("r", m, perRound, true, false)
	c := modelReport("x", m, perRound, true, true)
	return innerFigures{a.New.R50, b.New.R50, c.New.R50, c.New.R10, c.New.MRR}
}

// TestLearnObjectives fits the learner's weights with the objectives of
// rankObj (MK_CFG keeps the named ones, comma-separated) and prints the
// new-pair figures on the inner split (MK_README=1: the README split).
func TestLearnObjectives(t *testing.T) {
	if os.Getenv("MK_EXP") == "" {
		t.Skip("set MK_EXP=1 to run the experiments")
	}
	ds, err := ReadDataset("/work/shared/data/crunchbase2013")
	if err != nil {
		t.Fatal(err)
	}
	split := InnerSplit
	if os.Getenv("MK_README") != "" {
		split = READMESplit
	}
	t0 := time.Now()
	var qs []xq
	protos := []string{PerRound}
	switch os.Getenv("MK_PROTO") { // the protocol of the training rankings
	case PerStartup:
		protos = []string{PerStartup}
	case "both":
		protos = []string{PerRound, PerStartup}
	}
	for _, sp := range Folds(split) {
		for _, pr := range protos {
			q, err := xQueriesProto(ds, sp, DefaultParams, pr)
			if err != nil {
				t.Fatal(err)
			}
			qs = append(qs, q...)
		}
	}
	npairs := 0
	for _, q := range qs {
		npairs += len(q.targets)
	}
	m, err := Fit(ds, split.Cutoff, DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	perStartup, perRound := buildEvalSet(ds, split, m, PerStartup), buildEvalSet(ds, split, m, PerRound)
	fmt.Printf("split %v: %d training rankings, %d pairs (built in %v)\n", split.Cutoff.Format(time.DateOnly), len(qs), npairs, time.Since(t0).Round(time.Second))
	objs := []rankObj{
		{name: "softmax", kind: objSoftmax, iters: 150, lr: 0.02},
		{name: "topk1000", kind: objTopK, k: 1000, iters: 150, lr: 0.02},
		{name: "pair30-150", kind: objPair, k: 30, hi: 150, temp: 1, iters: 150, lr: 0.02},
		{name: "smooth1", kind: objSmooth, temp: 1, iters: 150, lr: 0.02},
		{name: "lambda0.3", kind: objLambda, temp: 0.3, iters: 150, lr: 0.02},
		{name: "topk500+warm", kind: objTopK, k: 500, temp: 1, iters: 50, lr: 0.005, warm: true},
	}
	if c := os.Getenv("MK_CFG"); c != "" {
		objs = parseObjs(t, c)
	}
	var warm []float64
	for _, o := range objs {
		t1 := time.Now()
		th := make([]float64, numTheta)
		for i := range th {
			th[i] = 0.5
		}
		th[thPop] = 1
		if o.warm {
			if warm == nil {
				warm = slices.Clone(th)
				fitObj(qs, rankObj{kind: objSoftmax, iters: 150, lr: 0.02}, warm, npairs)
			}
			copy(th, warm)
		}
		l := fitObj(qs, o, th, npairs)
		f := evalTheta(m, perStartup, perRound, th)
		fmt.Printf("%-22s train R@50 %.4f loss %.4f | per-startup R@50 %.4f | per-round R@50 %.4f | backers excl. R@50 %.4f (R@10 %.4f MRR %.4f) (%v)\n  %s\n",
			o.name, trainR50(qs, th), l, f.startupR50, f.roundR50, f.exclR50, f.exclR10, f.exclMRR, time.Since(t1).Round(time.Second), FormatParams(paramsOf(DefaultParams, th)))
	}
}

// xQueriesProto builds the rankings of split sp under protocol pr with the
// learner's features.
func xQueriesProto(ds *Dataset, sp Split, p Params, pr string) ([]xq, error) {
	m, err := Fit(ds, sp.Cutoff, p)
	if err != nil {
		return nil, fmt.Errorf("fit %v: %w", sp.Cutoff, err)
	}
	m.P = unitParams(p)
	es := buildEvalSet(ds, sp, m, pr)
	var out []xq
	for ei := range es.queries {
		if x, ok := baseXQ(m, &es.queries[ei]); ok && len(x.targets) > 0 {
			out = append(out, x)
		}
	}
	return out, nil
}

// parseObjs reads objectives from MK_CFG: comma-separated
// kind:k:hi:temp:iters:lr[:warm] (e.g. topk:200:0:1:150:0.02,
// pair:30:150:1:60:0.005:warm).
func parseObjs(t *testing.T, c string) []rankObj {
	var out []rankObj
	for _, f := range strings.Split(c, ",") {
		var o rankObj
		var warm string
		p := strings.Split(f, ":")
		if len(p) == 7 {
			warm = p[6]
			p = p[:6]
		}
		if len(p) != 6 {
			t.Fatalf("MK_CFG entry %q: want kind:k:hi:temp:iters:lr[:warm]", f)
		}
		o.kind = p[0]
		if _, err := fmt.Sscanf(strings.Join(p[1:], " "), "%d %d %g %d %g", &o.k, &o.hi, &o.temp, &o.iters, &o.lr); err != nil {
			t.Fatalf("MK_CFG entry %q: %v", f, err)
		}
		o.warm = warm == "warm"
		o.name = f
		out = append(out, o)
	}
	return out
}

// TestTopNeg checks the selection of the best negatives against a sort.
func TestTopNeg(t *testing.T) {
	s := []float64{0.5, 3, math.Inf(-1), 2, 2.5, -1, 4, 1, 3.5, 0}
	isT := make([]bool, len(s))
	isT[6] = true // a target: not a negative
	for _, tc := range []struct {
		m    int
		want []int32
	}{
		{1, []int32{8}},
		{3, []int32{8, 1, 4}},
		{5, []int32{8, 1, 4, 3, 7}},
		{20, []int32{8, 1, 4, 3, 7, 0, 9, 5}},
	} {
		got := topNeg(s, isT, tc.m, make([]int32, 0, len(s)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("topNeg(m=%d) = %v, want %v", tc.m, got, tc.want)
		}
	}
}

// TestQueryObjGradient checks every objective's gradient in the scores
// against central differences of its loss.
func TestQueryObjGradient(t *testing.T) {
	const n = 300
	m := &Model{invIDs: make([]string, n)}
	q := &xq{m: m, targets: []int{3, 77, 250}, excl: []int{5}}
	s0 := make([]float64, n)
	for i := range s0 {
		s0[i] = math.Sin(float64(i)*12.9898) * 3
	}
	s0[5] = math.Inf(-1)
	s0[3] = 2.9 // near the top: inside the top 50 for lambda
	for _, o := range []rankObj{
		{kind: objSoftmax}, {kind: objTopK, k: 40}, {kind: objPair, k: 10, hi: 60, temp: 0.7},
		{kind: objSmooth, temp: 0.8}, {kind: objLambda, temp: 1.3}, {kind: objTrim, k: 100}, {kind: objLambda2, hi: 150, temp: 0.9},
	} {
		sc := objScratch{s: slices.Clone(s0), ds: make([]float64, n), isT: make([]bool, n), idx: make([]int32, 0, n)}
		for _, tg := range q.targets {
			sc.isT[tg] = true
		}
		queryObj(q, o, &sc)
		grad := slices.Clone(sc.ds)
		for _, i := range []int{3, 77, 250, 0, 10, 120, 299} {
			const h = 1e-6
			f := func(d float64) float64 {
				sc.s = slices.Clone(s0)
				sc.s[i] += d
				clear(sc.ds)
				return queryObj(q, o, &sc)
			}
			num := (f(h) - f(-h)) / (2 * h)
			if math.Abs(num-grad[i]) > 1e-5*(1+math.Abs(num)) {
				t.Errorf("%s: d loss/d s[%d] = %g, numerically %g", o.kind, i, grad[i], num)
			}
		}
	}
}
