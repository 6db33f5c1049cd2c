package matching

import (
	"cmp"
	"hash/fnv"
	"math"
	"slices"
)

// textModel turns token lists into hashed TF-IDF vectors of a fixed width. It
// keeps document frequencies (keyed by a 64-bit term hash) over every profile
// text it holds, so a row is weighted with the IDF of the moment it was
// written: rows are not recomputed when other documents arrive, the drift is
// small and the next upsert of a profile refreshes its row.
type textModel struct {
	dims int
	df   map[uint64]int32
	docs int
}

func newTextModel(dims int) *textModel {
	return &textModel{dims: dims, df: make(map[uint64]int32)}
}

// doc is an analysed text: its distinct terms with their counts and hashes.
type doc struct {
	terms  []string
	hashes []uint64
	tf     []int32
}

// analyse counts the distinct terms of a token list (no model state needed,
// so callers run it outside locks).
func analyse(tokens []string) doc {
	if len(tokens) == 0 {
		return doc{}
	}
	s := slices.Clone(tokens)
	slices.Sort(s)
	var d doc
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && s[j] == s[i] {
			j++
		}
		d.terms = append(d.terms, s[i])
		d.hashes = append(d.hashes, hashTerm(s[i]))
		d.tf = append(d.tf, int32(j-i))
		i = j
	}
	return d
}

// add counts a document's terms in the document frequencies; remove undoes add
// given the same hashes.
func (m *textModel) add(hashes []uint64) {
	if len(hashes) == 0 {
		return
	}
	m.docs++
	for _, h := range hashes {
		m.df[h]++
	}
}

func (m *textModel) remove(hashes []uint64) {
	if len(hashes) == 0 {
		return
	}
	m.docs--
	for _, h := range hashes {
		if m.df[h] <= 1 {
			delete(m.df, h)
		} else {
			m.df[h]--
		}
	}
}

func (m *textModel) idf(h uint64) float64 {
	return math.Log(float64(m.docs+1)/float64(m.df[h]+1)) + 1
}

// termWeight is a term with its TF-IDF weight.
type termWeight struct {
	term string
	hash uint64
	w    float64
}

// weighted returns the TF-IDF weights (sublinear tf) of a document's terms,
// heaviest first, ties by term.
func (m *textModel) weighted(d doc) []termWeight {
	out := make([]termWeight, len(d.terms))
	for i, t := range d.terms {
		out[i] = termWeight{t, d.hashes[i], (1 + math.Log(float64(d.tf[i]))) * m.idf(d.hashes[i])}
	}
	slices.SortFunc(out, func(a, b termWeight) int {
		return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.term, b.term))
	})
	return out
}

// vector writes the L2-normalised, sign-hashed TF-IDF vector of ws into dst
// (overwriting it) and reports whether it is non-zero. Feature hashing with a
// sign keeps the expected dot product of two texts unbiased by collisions.
func vector(ws []termWeight, dst []float32) bool {
	clear(dst)
	if len(ws) == 0 {
		return false
	}
	acc := make([]float64, len(dst))
	for _, tw := range ws {
		i, sign := hashColumn(tw.hash, len(dst))
		acc[i] += sign * tw.w
	}
	var norm float64
	for _, v := range acc {
		norm += v * v
	}
	if norm == 0 {
		return false
	}
	norm = math.Sqrt(norm)
	for i, v := range acc {
		dst[i] = float32(v / norm)
	}
	return true
}

func hashTerm(t string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(t))
	return h.Sum64()
}

// hashColumn maps a term hash to a column and a sign.
func hashColumn(h uint64, dims int) (int, float64) {
	sign := 1.0
	if h>>63 == 1 {
		sign = -1
	}
	return int((h & (1<<63 - 1)) % uint64(dims)), sign
}

// topTerms returns up to n of the heaviest terms.
func topTerms(ws []termWeight, n int) []string {
	out := make([]string, 0, min(n, len(ws)))
	for _, tw := range ws[:min(n, len(ws))] {
		out = append(out, tw.term)
	}
	return out
}
