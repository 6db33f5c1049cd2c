package matching_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"makerlink"
	"makerlink/matching"
)

// bruteForce returns the best total fit over every assignment.
func bruteForce(fit [][]float64, capacity []int) float64 {
	used := make([]int, len(capacity))
	var best float64
	var rec func(i int, total float64)
	rec = func(i int, total float64) {
		if i == len(fit) {
			best = max(best, total)
			return
		}
		rec(i+1, total) // unassigned
		for j := range capacity {
			if used[j] < capacity[j] && fit[i][j] > 0 {
				used[j]++
				rec(i+1, total+fit[i][j])
				used[j]--
			}
		}
	}
	rec(0, 0)
	return best
}

func TestAssignOptimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		n, m := rng.IntN(7), 1+rng.IntN(4)
		fit := make([][]float64, n)
		for i := range fit {
			fit[i] = make([]float64, m)
			for j := range fit[i] {
				fit[i][j] = math.Round(rng.Float64()*100) / 100
				if rng.IntN(6) == 0 {
					fit[i][j] = 0 // not a fit
				}
			}
		}
		capacity := make([]int, m)
		for j := range capacity {
			capacity[j] = rng.IntN(3)
		}
		who, total := matching.Assign(fit, capacity)
		want := bruteForce(fit, capacity)
		if math.Abs(total-want) > 1e-9 {
			t.Fatalf("trial %d: total %v, brute force %v (fit %v cap %v who %v)", trial, total, want, fit, capacity, who)
		}
		// The assignment itself is feasible and adds up.
		used := make([]int, m)
		var sum float64
		for i, j := range who {
			if j < 0 {
				continue
			}
			used[j]++
			if fit[i][j] <= 0 {
				t.Fatalf("trial %d: startup %d got mentor %d with fit %v", trial, i, j, fit[i][j])
			}
			sum += fit[i][j]
		}
		for j := range used {
			if used[j] > capacity[j] {
				t.Fatalf("trial %d: mentor %d over capacity: %d > %d", trial, j, used[j], capacity[j])
			}
		}
		if math.Abs(sum-total) > 1e-9 {
			t.Fatalf("trial %d: reported total %v, pairs sum to %v", trial, total, sum)
		}
	}
}

func TestAssignNotGreedy(t *testing.T) {
	// Greedy gives the strongest pair (s0, m0) first and leaves s1 with
	// nothing; the optimum pairs s0 with m1.
	fit := [][]float64{{0.9, 0.8}, {0.85, 0}}
	who, total := matching.Assign(fit, []int{1, 1})
	if !slices.Equal(who, []int{1, 0}) || math.Abs(total-1.65) > 1e-9 {
		t.Errorf("Assign = %v, %v; want [1 0], 1.65", who, total)
	}
	if who, total := matching.Assign(nil, []int{1}); len(who) != 0 || total != 0 {
		t.Errorf("empty cohort: %v %v", who, total)
	}
	if who, _ := matching.Assign([][]float64{{math.NaN(), math.Inf(1)}}, []int{1, 1}); who[0] != -1 {
		t.Errorf("NaN and Inf fits assigned: %v", who)
	}
}

func TestCohort(t *testing.T) {
	bio := func(s *makerlink.Startup) {
		s.Sectors, s.Description, s.Needs = []string{"biotech"}, "基因检测 试剂", []string{"基因测序"}
	}
	e := newEngine(t, solar(), startup("bio", bio), startup("s2", nil),
		mentor("energy", func(m *makerlink.Mentor) { m.Capacity = 1 }),
		mentor("gene", func(m *makerlink.Mentor) {
			m.Sectors, m.Bio, m.Expertise, m.Capacity = []string{"biotech"}, "基因测序 专家", []string{"基因测序"}, 3
		}),
	)
	as, err := e.Cohort([]string{"s-solar", "bio", "s2"}, []string{"energy", "gene"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range as {
		got[a.StartupID] = a.MentorID
		if a.Score <= 0 || a.Score > 1 {
			t.Errorf("assignment %+v: score out of (0,1]", a)
		}
	}
	if got["bio"] != "gene" {
		t.Errorf("bio got %q, want gene", got["bio"])
	}
	n := 0
	for _, m := range got {
		if m == "energy" {
			n++
		}
	}
	if n > 1 {
		t.Errorf("mentor energy over capacity 1: %v", got)
	}
	if _, err := e.Cohort([]string{"nope"}, []string{"energy"}); makerlink.ErrorCode(err) != makerlink.ENotFound {
		t.Errorf("unknown startup: %v", err)
	}
	if _, err := e.Cohort([]string{"bio"}, []string{"nope"}); makerlink.ErrorCode(err) != makerlink.ENotFound {
		t.Errorf("unknown mentor: %v", err)
	}
}
