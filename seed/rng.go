package seed

import (
	"encoding/base32"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// base is the fixed "now" of the demo data: every timestamp is base plus or
// minus a seeded offset, so one seed always gives the same bytes.
var base = time.Date(2025, time.September, 1, 9, 0, 0, 0, time.UTC)

// idEncoding is the alphabet of makerlink.NewID (Crockford-like base32 in
// lowercase); seeded ids have the same 24-character shape.
var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// Stream numbers keep each kind's random sequence independent of the others,
// so a change to, say, mentor texts leaves startups byte-identical.
const (
	streamSpaces uint64 = iota + 1
	streamStartups
	streamInvestors
	streamMentors
	streamEquipment
	streamPortfolio
	streamUsers
)

// rng is a seeded PCG generator with the helpers the generators use.
type rng struct{ *rand.Rand }

func newRNG(seed int64, stream uint64) *rng {
	return &rng{rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15*stream+0x632be59bd9b4e019))}
}

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// pick returns a random element of a non-empty list.
func pick[T any](r *rng, list []T) T { return list[r.IntN(len(list))] }

// pickN returns n distinct elements of list in their original order (all of
// them when n >= len(list)).
func pickN[T any](r *rng, list []T, n int) []T {
	if n >= len(list) {
		return append([]T(nil), list...)
	}
	idx := r.Perm(len(list))[:n]
	// keep list order so that texts read naturally and output is stable
	mark := make([]bool, len(list))
	for _, i := range idx {
		mark[i] = true
	}
	out := make([]T, 0, n)
	for i, x := range list {
		if mark[i] {
			out = append(out, x)
		}
	}
	return out
}

// weighted returns an index drawn with the given (non-negative) weights.
func (r *rng) weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	n := r.IntN(total)
	for i, x := range w {
		if n < x {
			return i
		}
		n -= x
	}
	return len(w) - 1
}

// newID returns a 24-character id like makerlink.NewID: 48 bits of
// milliseconds of t, then 72 bits from the seeded generator.
func (r *rng) newID(t time.Time) string {
	var b [15]byte
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(t.UnixMilli()))
	copy(b[:6], ms[2:])
	binary.BigEndian.PutUint64(b[6:14], r.Uint64())
	b[14] = byte(r.Uint32())
	return idEncoding.EncodeToString(b[:])
}

// timeAfter returns t plus a whole number of seconds in [0, maxDays) days.
func (r *rng) timeAfter(t time.Time, maxDays int) time.Time {
	return t.Add(time.Duration(r.Int64N(int64(maxDays)*86400)) * time.Second)
}

// vars are the values of named placeholders in text templates.
type vars map[string]string

// expand fills a template: {key} comes from v; {a-b} is a random integer in
// [a, b]. Other text is copied.
func expand(r *rng, s string, v vars) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		key := s[i+1 : i+j]
		s = s[i+j+1:]
		if val, ok := v[key]; ok {
			b.WriteString(val)
			continue
		}
		lo, hi, ok := strings.Cut(key, "-")
		a, err1 := strconv.Atoi(lo)
		c, err2 := strconv.Atoi(hi)
		if !ok || err1 != nil || err2 != nil {
			// a typo in the tables: keep it visible (tests look for braces)
			b.WriteString("{" + key + "}")
			continue
		}
		b.WriteString(strconv.Itoa(r.between(a, c)))
	}
}

// yuan formats an amount of yuan the way Chinese users write it: 50万元,
// 1200万元, 1.5亿元.
func yuan(n int64) string {
	switch {
	case n >= 100_000_000:
		y := float64(n) / 1e8
		s := strconv.FormatFloat(y, 'f', 1, 64)
		return strings.TrimSuffix(s, ".0") + "亿元"
	case n >= 10_000:
		return strconv.FormatInt(n/10_000, 10) + "万元"
	}
	return strconv.FormatInt(n, 10) + "元"
}

// yuanEN formats an amount of yuan in English: ¥500k, ¥2M, ¥15M, ¥150M.
func yuanEN(n int64) string {
	switch {
	case n >= 1_000_000:
		s := strconv.FormatFloat(float64(n)/1e6, 'f', 1, 64)
		return "¥" + strings.TrimSuffix(s, ".0") + "M"
	case n >= 1_000:
		return "¥" + strconv.FormatInt(n/1000, 10) + "k"
	}
	return "¥" + strconv.FormatInt(n, 10)
}
