package matching_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"makerlink/matching"
)

func TestTableInPlace(t *testing.T) {
	tb := matching.NewTable(4)
	tb.Set("a", []float32{1, 0, 0, 0})
	tb.Set("b", []float32{0, 1, 0, 0})
	tb.Set("c", []float32{0, 0, 1})
	if tb.Len() != 3 || tb.Rows() != 3 {
		t.Fatalf("len %d rows %d, want 3 3", tb.Len(), tb.Rows())
	}
	rb, _ := tb.Lookup("b")
	tb.Set("b", []float32{0, 2, 0, 0}) // update keeps the row
	if r, _ := tb.Lookup("b"); r != rb || tb.Rows() != 3 {
		t.Fatalf("update moved b from row %d to %d (rows %d)", rb, r, tb.Rows())
	}
	if !tb.Delete("a") || tb.Delete("a") {
		t.Fatal("Delete reported wrongly")
	}
	ra := 0
	if tb.Live(ra) {
		t.Fatal("deleted row still live")
	}
	tb.Set("d", []float32{0, 0, 0, 3}) // reuses a's row
	if r, _ := tb.Lookup("d"); r != ra || tb.Rows() != 3 || tb.Len() != 3 {
		t.Fatalf("d in row %d, rows %d, len %d; want the freed row 0 and 3 rows", r, tb.Rows(), tb.Len())
	}
	got := tb.Scores([]float32{1, 1, 1, 1}, nil)
	if !slices.Equal(got, []float32{3, 2, 1}) {
		t.Errorf("Scores = %v, want [3 2 1]", got)
	}
	if sp := tb.SparseScores([]int{1, 3}, []float32{1, 10}, nil); !slices.Equal(sp, []float32{30, 2, 0}) {
		t.Errorf("SparseScores = %v, want [30 2 0]", sp)
	}
}

func TestTopK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := rng.IntN(60)
		scores := make([]float32, n)
		for i := range scores {
			scores[i] = float32(rng.IntN(8)) // many ties
		}
		keep := func(r int) bool { return r%5 != 3 }
		k := rng.IntN(12)
		got := matching.TopK(scores, k, keep, nil)
		// Reference: stable sort of the kept rows by score, then row.
		var ref []int
		for r := range scores {
			if keep(r) {
				ref = append(ref, r)
			}
		}
		slices.SortStableFunc(ref, func(a, b int) int {
			switch {
			case scores[a] > scores[b]:
				return -1
			case scores[a] < scores[b]:
				return 1
			}
			return a - b
		})
		ref = ref[:min(k, len(ref))]
		if len(got) != len(ref) {
			t.Fatalf("trial %d: %d hits, want %d", trial, len(got), len(ref))
		}
		for i := range ref {
			if got[i].Row != ref[i] || got[i].Score != scores[ref[i]] {
				t.Fatalf("trial %d: hit %d = %+v, want row %d", trial, i, got[i], ref[i])
			}
		}
	}
	if got := matching.TopK([]float32{1, 2}, 0, nil, nil); len(got) != 0 {
		t.Errorf("k=0 gave %v", got)
	}
}
