package matching

import (
	"math"
	"slices"
	"strings"

	"makerlink"
)

// Limits of [Query.Limit].
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// query is a prepared match query: one unit vector per applicable factor
// over the columns of the target table, the weights, and the combined
// vector that one Gemv scores.
type query struct {
	dir    Direction
	from   *item
	unit   [NumFactors][]float32 // nil: the factor does not apply to this query
	lo, hi [NumFactors]int       // the columns where unit[k] may be non-zero
	w, mw  [NumFactors]float32
	denom  float32 // sum of the applicable positive score weights
	mdenom float32
	eff    []float32
	needs  [][]string // tokens of each stated need (startup queries)
}

// Match returns the best candidates of kind q.ToKind for the profile
// q.FromKind/q.FromID, best first, each with a score and a mutual score in
// [0,1] and up to four reasons (at least two when two factors raised the
// score; never one for a factor that did not). Errors: EBadRequest for a
// direction that is not matched (see [Directions]) or a negative limit,
// ENotFound for an unknown profile, EForbidden when q.Viewer is set and is
// neither the profile's owner nor an admin.
func (e *Engine) Match(q Query) ([]Match, error) {
	dir := Direction{q.FromKind, q.ToKind}
	if !slices.Contains(Directions, dir) {
		return nil, makerlink.Errorf(makerlink.EBadRequest, "%s profiles are not matched with %s; use one of: startup to investor, mentor or equipment; investor or mentor to startup", q.FromKind, q.ToKind)
	}
	limit := q.Limit
	switch {
	case limit < 0:
		return nil, makerlink.Errorf(makerlink.EBadRequest, "limit must be between 1 and %d", MaxLimit)
	case limit == 0:
		limit = DefaultLimit
	case limit > MaxLimit:
		limit = MaxLimit
	}

	e.mu.RLock()
	defer e.mu.RUnlock()
	from := e.items[q.FromKind][q.FromID]
	if from == nil {
		return nil, makerlink.Errorf(makerlink.ENotFound, "%s %q not found", q.FromKind, q.FromID)
	}
	if q.Viewer != nil && !makerlink.CanEdit(q.Viewer, from.owner) {
		if from.kind == makerlink.KindStartup && !makerlink.CanView(q.Viewer, from.owner, makerlink.Tags{Visibility: from.visibility}) {
			return nil, makerlink.Errorf(makerlink.ENotFound, "%s %q not found", q.FromKind, q.FromID)
		}
		return nil, makerlink.Errorf(makerlink.EForbidden, "only the owner of the profile or an admin sees its matches")
	}
	qu := e.buildQuery(dir, from)
	t := e.tables[q.ToKind]

	sp := scorePool.Get().(*[]float32)
	defer scorePool.Put(sp)
	*sp = t.Scores(qu.eff, *sp)
	scores := *sp

	keep := e.filter(&q, from, t)
	hits := TopK(scores, limit, keep, func(a, b int) bool { return t.ID(a) < t.ID(b) })
	out := make([]Match, 0, len(hits))
	for _, h := range hits {
		id := t.ID(h.Row)
		cand := e.items[q.ToKind][id]
		row := t.Row(h.Row)
		var f [NumFactors]float32
		var mutual float32
		qu.factors(row, &f)
		for k := range NumFactors {
			mutual += qu.mw[k] * f[k]
		}
		m := Match{Kind: q.ToKind, ID: id, Name: cand.name,
			Score: clamp01(h.Score / qu.denom), MutualScore: clamp01(mutual / qu.mdenom)}
		m.Reasons = e.reasons(qu, cand, &f)
		m.Factors = factorShares(qu, &f)
		out = append(out, m)
	}
	return out, nil
}

// clamp01 clamps x to [0,1] and rounds it to 4 decimals.
func clamp01(x float32) float64 {
	if !(x > 0) { // also NaN
		return 0
	}
	if x > 1 {
		return 1
	}
	return math.Round(float64(x)*1e4) / 1e4
}

// factors computes the value of every applicable factor for a row.
func (qu *query) factors(row []float32, f *[NumFactors]float32) {
	for k := range NumFactors {
		f[k] = 0
		if u := qu.unit[k]; u != nil {
			f[k] = dot(row[qu.lo[k]:qu.hi[k]], u[qu.lo[k]:qu.hi[k]])
		}
	}
}

func dot(a, b []float32) float32 {
	var s float32
	for i, v := range b {
		if v != 0 {
			s += a[i] * v
		}
	}
	return s
}

// buildQuery prepares the unit vectors of a query from the querying
// profile's own row.
func (e *Engine) buildQuery(dir Direction, from *item) *query {
	qu := &query{dir: dir, from: from}
	wt := e.wts[dir]
	qu.w, qu.mw = wt.Score, wt.Mutual
	src := e.tables[from.kind]
	r, _ := src.Lookup(from.id)
	own := src.Row(r)
	width := e.tables[dir.To].Width()
	set := func(k Factor, dstLo int, v []float32) {
		if qu.w[k] == 0 && qu.mw[k] == 0 {
			return
		}
		nz := false
		for _, x := range v {
			if x != 0 {
				nz = true
				break
			}
		}
		if !nz {
			return
		}
		u := make([]float32, width)
		copy(u[dstLo:], v)
		if qu.unit[k] != nil {
			panic("matching: factor set twice")
		}
		qu.unit[k], qu.lo[k], qu.hi[k] = u, dstLo, dstLo+len(v)
	}
	if from.kind == makerlink.KindStartup {
		set(FactorSector, colSector, own[colSector:colStage])
		if dir.To == makerlink.KindInvestor {
			set(FactorStage, colStage, own[colStage:colMoney])
			set(FactorTicket, colMoney, own[colMoney:colCity])
		}
		set(FactorLocation, colCity, own[colCity:colText])
		set(FactorText, colText, own[colText:descWidth])
		if dir.To != makerlink.KindEquipment {
			s := slices.Clone(own[:descWidth])
			weightForSim(s)
			set(FactorPortfolio, colCentroid, s)
		}
		if len(from.needs) > 0 && dir.To != makerlink.KindInvestor {
			var tokens []string
			for _, n := range from.needs {
				nt := e.tok(n)
				qu.needs = append(qu.needs, nt)
				tokens = append(tokens, nt...)
			}
			v := make([]float32, TextDims)
			if vector(e.text.weighted(analyse(tokens)), v) {
				set(FactorNeeds, colText, v)
			}
		}
		if dir.To == makerlink.KindMentor {
			set(FactorCapacity, colPBias+biasCapacity, []float32{1})
		}
		set(FactorExposure, colPBias+biasExposure, []float32{1})
	} else {
		set(FactorSector, colSector, own[colSector:colStage])
		set(FactorStage, colStage, own[colStage:colMoney])
		set(FactorTicket, colMoney, own[colMoney:colCity])
		set(FactorLocation, colCity, own[colCity:colText])
		set(FactorText, colText, own[colText:descWidth])
		c := slices.Clone(own[colCentroid:colPBias])
		weightForSim(c)
		set(FactorPortfolio, colSector, c)
		set(FactorExposure, colSBias+biasExposure, []float32{1})
	}
	qu.eff = make([]float32, width)
	for k := range NumFactors {
		u := qu.unit[k]
		if u == nil {
			continue
		}
		for i, v := range u {
			qu.eff[i] += qu.w[k] * v
		}
		if k != FactorExposure {
			qu.denom += max(qu.w[k], 0)
			qu.mdenom += max(qu.mw[k], 0)
		}
	}
	if qu.denom == 0 {
		qu.denom = 1
	}
	if qu.mdenom == 0 {
		qu.mdenom = 1
	}
	return qu
}

// filter returns the hard filters of a query: live rows, investors
// accepting, mentors with places left, visibility, dismissed candidates and
// existing portfolio relations.
func (e *Engine) filter(q *Query, from *item, t *Table) func(int) bool {
	items := e.items[q.ToKind]
	fromRef := ref{from.kind, from.id}
	inPortfolio := map[string]bool{}
	for _, p := range from.pf {
		if p.src != fromSaved {
			inPortfolio[p.id] = true
		}
	}
	seeHidden := q.Viewer == nil && from.kind == makerlink.KindInvestor
	passed := e.passed[from.id] // nil unless from is an investor that passed on some
	return func(row int) bool {
		id := t.ID(row)
		if id == "" {
			return false
		}
		c := items[id]
		if c == nil {
			return false
		}
		if _, ok := e.dismissed[pair{fromRef, ref{c.kind, id}}]; ok {
			return false
		}
		switch c.kind {
		case makerlink.KindInvestor:
			if !c.accepting {
				return false
			}
			for _, p := range c.pf {
				if p.id == from.id && p.src != fromSaved {
					return false // already backed or engaged
				}
			}
		case makerlink.KindMentor:
			if c.capacity <= 0 || e.placesLeft(id, c.capacity) <= 0 {
				return false
			}
		case makerlink.KindStartup:
			if inPortfolio[id] || passed[id] {
				return false
			}
			if c.visibility == makerlink.VisibilityInvestors && !seeHidden &&
				!makerlink.CanView(q.Viewer, c.owner, makerlink.Tags{Visibility: c.visibility}) {
				return false
			}
		}
		return true
	}
}

// lowerFirst lowercases the first letter of an English label ("New energy"
// -> "new energy").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// factorShares returns each applicable factor's contribution to the score.
func factorShares(qu *query, f *[NumFactors]float32) map[string]float64 {
	out := map[string]float64{}
	for k := range NumFactors {
		if qu.unit[k] == nil || qu.w[k] == 0 {
			continue
		}
		if c := math.Round(float64(qu.w[k]*f[k]/qu.denom)*1e4) / 1e4; c != 0 {
			out[k.Code()] = c
		}
	}
	return out
}
