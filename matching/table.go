package matching

import (
	"slices"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Table holds the candidates of one kind as the rows of one row-major float32
// matrix of a fixed width. Rows are updated in place: [Table.Set] rewrites
// the row of a known id or takes a free row, [Table.Delete] zeroes a row and
// puts it on a free list for the next insert. The backing slice only grows
// (amortised doubling), so nothing is rebuilt per change.
//
// A Table is not safe for concurrent use; [Engine] guards its tables with a
// sync.RWMutex.
type Table struct {
	width    int
	parallel int       // row blocks scored at once by Scores; <= 1: one
	data     []float32 // rows*width values
	ids      []string  // row -> id; "" for a free row
	index    map[string]int
	free     []int
}

// NewTable returns an empty table of rows of the given width.
func NewTable(width int) *Table {
	if width <= 0 {
		panic("matching: table width must be positive")
	}
	return &Table{width: width, index: make(map[string]int)}
}

// SetParallel makes [Table.Scores] split large matrices (from 2^20 values)
// into n row blocks scored on n goroutines. It pays when cores are idle; on
// a busy server one goroutine per query keeps the throughput. The default
// is 1.
func (t *Table) SetParallel(n int) { t.parallel = n }

// Width returns the number of columns.
func (t *Table) Width() int { return t.width }

// Len returns the number of live rows.
func (t *Table) Len() int { return len(t.index) }

// Rows returns the number of allocated rows, live or free: the length of
// the score vector [Table.Scores] fills.
func (t *Table) Rows() int { return len(t.ids) }

// Lookup returns the row of id.
func (t *Table) Lookup(id string) (int, bool) {
	r, ok := t.index[id]
	return r, ok
}

// ID returns the id of row r, or "" when the row is free.
func (t *Table) ID(r int) string { return t.ids[r] }

// Live reports whether row r holds a candidate.
func (t *Table) Live(r int) bool { return r >= 0 && r < len(t.ids) && t.ids[r] != "" }

// Row returns row r itself (not a copy): callers may read it, and may write
// it while they hold the table exclusively.
func (t *Table) Row(r int) []float32 { return t.data[r*t.width : (r+1)*t.width : (r+1)*t.width] }

// Data returns the backing slice, rows*width values, row-major.
func (t *Table) Data() []float32 { return t.data[:len(t.ids)*t.width] }

// Set stores a copy of row (len Width; shorter rows are zero-padded) as the
// row of id and returns its row index. An existing id keeps its row; a new id
// reuses a free row or appends one.
func (t *Table) Set(id string, row []float32) int {
	if id == "" {
		panic("matching: empty id")
	}
	r, ok := t.index[id]
	if !ok {
		if n := len(t.free); n > 0 {
			r = t.free[n-1]
			t.free = t.free[:n-1]
		} else {
			r = len(t.ids)
			t.ids = append(t.ids, "")
			t.data = slices.Grow(t.data, t.width)[:len(t.data)+t.width]
		}
		t.ids[r] = id
		t.index[id] = r
	}
	dst := t.Row(r)
	n := copy(dst, row)
	clear(dst[n:])
	return r
}

// Delete removes id and frees its row. It reports whether id was present.
func (t *Table) Delete(id string) bool {
	r, ok := t.index[id]
	if !ok {
		return false
	}
	delete(t.index, id)
	t.ids[r] = ""
	clear(t.Row(r))
	t.free = append(t.free, r)
	return true
}

// parallelMin is the matrix size (rows × width) from which [Table.Scores]
// may split the rows (see [Table.SetParallel]).
const parallelMin = 1 << 20

// Scores computes dst[r] = row_r · q for every allocated row with
// blas32.Gemv and returns dst (reallocated when too short). Free rows score
// 0: callers skip them with [Table.Live]. len(q) must be Width.
func (t *Table) Scores(q, dst []float32) []float32 {
	n := len(t.ids)
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if n == 0 {
		return dst
	}
	if len(q) != t.width {
		panic("matching: query width mismatch")
	}
	parts := 1
	if n*t.width >= parallelMin && t.parallel > 1 {
		parts = t.parallel
	}
	if parts == 1 {
		t.gemv(q, dst, 0, n)
		return dst
	}
	var wg sync.WaitGroup
	step := (n + parts - 1) / parts
	for lo := 0; lo < n; lo += step {
		hi := min(n, lo+step)
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.gemv(q, dst, lo, hi)
		}()
	}
	wg.Wait()
	return dst
}

// gemv scores rows [lo, hi).
func (t *Table) gemv(q, dst []float32, lo, hi int) {
	blas32.Gemv(blas.NoTrans, 1,
		blas32.General{Rows: hi - lo, Cols: t.width, Stride: t.width, Data: t.data[lo*t.width : hi*t.width]},
		blas32.Vector{N: t.width, Inc: 1, Data: q},
		0, blas32.Vector{N: hi - lo, Inc: 1, Data: dst[lo:hi]})
}

// scorePool recycles score vectors between queries.
var scorePool = sync.Pool{New: func() any { return new([]float32) }}

// Hit is a row chosen by [TopK] with its raw score.
type Hit struct {
	Row   int
	Score float32
}

// TopK returns the k best rows by score, best first, among the rows for which
// keep returns true (keep may be nil). Equal scores are ordered by tie (rows
// for which tie(a, b) is true come first); a nil tie orders them by row. It
// runs in O(n log k) with a bounded min-heap and never sorts all rows.
func TopK(scores []float32, k int, keep func(row int) bool, tie func(a, b int) bool) []Hit {
	if k <= 0 {
		return nil
	}
	if tie == nil {
		tie = func(a, b int) bool { return a < b }
	}
	// worse reports whether a ranks below b.
	worse := func(a, b Hit) bool {
		if a.Score != b.Score {
			return a.Score < b.Score
		}
		return tie(b.Row, a.Row)
	}
	h := make([]Hit, 0, min(k, len(scores)))
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && worse(h[r], h[l]) {
				m = r
			}
			if !worse(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for r, s := range scores {
		if len(h) == k && s < h[0].Score {
			continue // fast path: cannot enter
		}
		if keep != nil && !keep(r) {
			continue
		}
		c := Hit{Row: r, Score: s}
		if len(h) < k {
			h = append(h, c)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !worse(h[i], h[p]) {
					break
				}
				h[i], h[p] = h[p], h[i]
				i = p
			}
			continue
		}
		if !worse(h[0], c) {
			continue
		}
		h[0] = c
		down(0)
	}
	slices.SortFunc(h, func(a, b Hit) int {
		switch {
		case worse(b, a):
			return -1
		case worse(a, b):
			return 1
		}
		return 0
	})
	return h
}

// SparseScores computes dst[r] = Σ_j val[j]·row_r[col[j]] for every
// allocated row: the same product as [Table.Scores] for a query vector
// that is zero outside cols (one-hot blocks), reading only those columns.
func (t *Table) SparseScores(cols []int, vals []float32, dst []float32) []float32 {
	n := len(t.ids)
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	for _, c := range cols {
		if c < 0 || c >= t.width {
			panic("matching: sparse query column out of range")
		}
	}
	w := t.width
	for r := range dst {
		row := t.data[r*w : (r+1)*w]
		var s float32
		for j, c := range cols {
			s += vals[j] * row[c]
		}
		dst[r] = s
	}
	return dst
}
