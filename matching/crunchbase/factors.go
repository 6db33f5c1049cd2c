package crunchbase

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// factorItems returns the keys of the items of the latent preference model
// for a startup raising a round of segment seg: its category, region and
// round segment and their three pairs. The pairs let the low-rank model
// express what the additive lifts cannot (a fund that backs biotech in
// Boston but software anywhere), shared across investors with similar
// records.
func (m *Model) factorItems(s *Startup, seg int) [6]string {
	c, g := m.catIndex(s), m.regionIndex(s)
	return [6]string{
		fmt.Sprintf("c%d", c), fmt.Sprintf("g%d", g), fmt.Sprintf("s%d", seg),
		fmt.Sprintf("c%d|s%d", c, seg), fmt.Sprintf("c%d|g%d", c, g), fmt.Sprintf("g%d|s%d", g, seg),
	}
}

// itemCount is one cell of the investor × item matrix.
type itemCount struct {
	j int
	w float64
}

// fitFactors fits the latent preference factors on the training
// investments: implicit-feedback ALS (Hu, Koren and Volinsky 2008) of rank
// P.Factors on the investor × item matrix of recency-weighted counts
// (preference 1 where an investor backed an item, confidence 1 + FactorAlpha·w,
// ridge FactorLambda, FactorIters alternations from a fixed pseudo-random
// start, so a refit gives the same factors). It returns the investor factors
// (one row of P.Factors per investor) and keeps the item factors for queries.
func (m *Model) fitFactors(train []Investment) []float64 {
	p, k, n := m.P, m.P.Factors, len(m.invIDs)
	m.items = map[string]int{}
	cnt := make([]map[int]float64, n)
	for i := range cnt {
		cnt[i] = map[int]float64{}
	}
	for _, iv := range train {
		w := recency(m.Now, iv.Date, p.HalfLifeYears)
		for _, key := range m.factorItems(m.startups[iv.StartupID], querySeg(iv.RoundType)) {
			j, ok := m.items[key]
			if !ok {
				j = len(m.items)
				m.items[key] = j
			}
			cnt[m.invRow[iv.InvestorID]][j] += w
		}
	}
	ni := len(m.items)
	x, y := fitALS(cnt, ni, k, p.FactorLambda, p.FactorAlpha, p.FactorIters)
	m.itemVec = make([]float32, ni*k)
	for i, v := range y {
		m.itemVec[i] = float32(v)
	}
	return x
}

// fitALS runs implicit-feedback ALS of rank k on the user × item counts
// cnt (ni items) from a fixed pseudo-random start, so that a refit gives
// the same factors, and returns the user and the item factors (k per row).
func fitALS(cnt []map[int]float64, ni, k int, lambda, alpha float64, iters int) (x, y []float64) {
	n := len(cnt)
	byUser := make([][]itemCount, n)
	byItem := make([][]itemCount, ni)
	for r := range n {
		js := make([]int, 0, len(cnt[r]))
		for j := range cnt[r] {
			js = append(js, j)
		}
		slices.Sort(js)
		for _, j := range js {
			byUser[r] = append(byUser[r], itemCount{j, cnt[r][j]})
			byItem[j] = append(byItem[j], itemCount{r, cnt[r][j]})
		}
	}
	x = make([]float64, n*k)
	y = make([]float64, ni*k)
	seed := uint64(12345)
	for i := range y {
		seed = seed*6364136223846793005 + 1442695040888963407
		y[i] = (float64(seed>>11)/float64(1<<53) - 0.5) * 0.1
	}
	for range iters {
		alsHalf(x, y, byUser, k, lambda, alpha)
		alsHalf(y, x, byItem, k, lambda, alpha)
	}
	return x, y
}

// alsHalf solves every row of dst given the fixed factors src: for a row u
// with cells (j, w), (SᵀS + Sᵀ(C−I)S + λI) x = SᵀC·1 with C = 1 + α·w on
// its cells.
func alsHalf(dst, src []float64, rows [][]itemCount, k int, lambda, alpha float64) {
	s := mat.NewDense(len(src)/k, k, src)
	var g mat.SymDense
	g.SymOuterK(1, s.T())
	a := mat.NewSymDense(k, nil)
	b := mat.NewVecDense(k, nil)
	xv := mat.NewVecDense(k, nil)
	var ch mat.Cholesky
	for u, cells := range rows {
		a.CopySym(&g)
		b.Zero()
		for i := range k {
			a.SetSym(i, i, a.At(i, i)+lambda)
		}
		for _, c := range cells {
			conf := 1 + alpha*c.w
			v := src[c.j*k : (c.j+1)*k]
			for i := range k {
				b.SetVec(i, b.AtVec(i)+conf*v[i])
				for j := i; j < k; j++ {
					a.SetSym(i, j, a.At(i, j)+(conf-1)*v[i]*v[j])
				}
			}
		}
		if !ch.Factorize(a) {
			// λ > 0 keeps a positive definite; a zero row is the safe answer.
			clear(dst[u*k : (u+1)*k])
			continue
		}
		if err := ch.SolveVecTo(xv, b); err != nil {
			clear(dst[u*k : (u+1)*k])
			continue
		}
		for i := range k {
			v := xv.AtVec(i)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				v = 0
			}
			dst[u*k+i] = v
		}
	}
}

// factorQuery returns the sum of the item factors of a startup raising a
// round of segment seg (items not seen in training add nothing).
func (m *Model) factorQuery(s *Startup, seg int) []float64 {
	k := m.P.Factors
	q := make([]float64, k)
	for _, key := range m.factorItems(s, seg) {
		if j, ok := m.items[key]; ok {
			for a := range k {
				q[a] += float64(m.itemVec[j*k+a])
			}
		}
	}
	return q
}
