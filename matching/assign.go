package matching

import (
	"math"
	"slices"

	"makerlink"
)

// Assign proposes an optimal assignment of startups (rows of fit) to mentors
// (columns): each startup gets at most one mentor, mentor j takes at most
// capacity[j] startups, and the total fit of the chosen pairs is maximal.
// Pairs with a fit <= 0, NaN or ±Inf are never chosen, so a startup stays
// unassigned (-1) rather than get a mentor that does not fit.
//
// It expands every mentor into capacity slots and solves the rectangular
// assignment problem with the Hungarian algorithm (O(n²·m) for n startups
// and m slots, adding one "unassigned" slot per startup). It returns the
// mentor of every startup and the total fit.
func Assign(fit [][]float64, capacity []int) ([]int, float64) {
	n := len(fit)
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	if n == 0 {
		return out, 0
	}
	var slot []int // slot -> mentor
	for j, c := range capacity {
		for range min(max(c, 0), n) {
			slot = append(slot, j)
		}
	}
	m := len(slot) + n // plus one "unassigned" slot per startup
	const forbidden = 1e18
	cost := func(i, s int) float64 {
		if s >= len(slot) {
			return 0
		}
		j := slot[s]
		if j >= len(fit[i]) {
			return forbidden
		}
		f := fit[i][j]
		if !(f > 0) || math.IsInf(f, 0) {
			return forbidden
		}
		return -f
	}
	// Hungarian algorithm with potentials (1-indexed rows and columns).
	u := make([]float64, n+1)
	v := make([]float64, m+1)
	p := make([]int, m+1) // column -> row
	way := make([]int, m+1)
	minv := make([]float64, m+1)
	used := make([]bool, m+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for {
			used[j0] = true
			i0 := p[j0]
			delta := math.Inf(1)
			j1 := 0
			for j := 1; j <= m; j++ {
				if used[j] {
					continue
				}
				cur := cost(i0-1, j-1) - u[i0] - v[j]
				if cur < minv[j] {
					minv[j] = cur
					way[j] = j0
				}
				if minv[j] < delta {
					delta = minv[j]
					j1 = j
				}
			}
			for j := 0; j <= m; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	var total float64
	for s := 1; s <= m; s++ {
		i := p[s] - 1
		if i < 0 || s-1 >= len(slot) {
			continue
		}
		if c := cost(i, s-1); c < forbidden {
			out[i] = slot[s-1]
			total += -c
		}
	}
	return out, total
}

// Assignment is a proposed mentor for a startup of a cohort.
type Assignment = makerlink.MentorAssignment

// Cohort proposes mentors for a cohort of startups: the fits are the match
// scores of each startup for each mentor (with the startup-to-mentor
// weights; dismissed pairs and mentors at capacity are excluded), and the
// assignment maximises their total with every mentor within its places left
// ([Assign]). Startups without a fitting mentor are left out. Unknown ids
// give ENotFound.
func (e *Engine) Cohort(startupIDs, mentorIDs []string) ([]Assignment, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	mt := e.tables[makerlink.KindMentor]
	mrows := make([]int, len(mentorIDs))
	capLeft := make([]int, len(mentorIDs))
	for j, id := range mentorIDs {
		r, ok := mt.Lookup(id)
		it := e.items[makerlink.KindMentor][id]
		if !ok || it == nil {
			return nil, makerlink.Errorf(makerlink.ENotFound, "mentor %q not found", id)
		}
		mrows[j] = r
		capLeft[j] = e.placesLeft(id, it.capacity)
	}
	dir := Direction{makerlink.KindStartup, makerlink.KindMentor}
	fit := make([][]float64, len(startupIDs))
	queries := make([]*query, len(startupIDs))
	for i, id := range startupIDs {
		from := e.items[makerlink.KindStartup][id]
		if from == nil {
			return nil, makerlink.Errorf(makerlink.ENotFound, "startup %q not found", id)
		}
		qu := e.buildQuery(dir, from)
		queries[i] = qu
		fit[i] = make([]float64, len(mentorIDs))
		for j, r := range mrows {
			if _, ok := e.dismissed[pair{ref{makerlink.KindStartup, id}, ref{makerlink.KindMentor, mentorIDs[j]}}]; ok {
				continue
			}
			fit[i][j] = clamp01(dot(mt.Row(r), qu.eff) / qu.denom)
		}
	}
	who, _ := Assign(fit, capLeft)
	var out []Assignment
	for i, j := range who {
		if j < 0 {
			continue
		}
		qu := queries[i]
		row := mt.Row(mrows[j])
		var f [NumFactors]float32
		qu.factors(row, &f)
		cand := e.items[makerlink.KindMentor][mentorIDs[j]]
		out = append(out, Assignment{StartupID: startupIDs[i], MentorID: mentorIDs[j], Score: fit[i][j], Reasons: e.reasons(qu, cand, &f)})
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		if a.StartupID < b.StartupID {
			return -1
		}
		if a.StartupID > b.StartupID {
			return 1
		}
		return 0
	})
	return out, nil
}
