package crunchbase

import (
	"path/filepath"
	"slices"
	"testing"
)

func fixtureDataset(t *testing.T) *Dataset {
	t.Helper()
	ds, err := ReadFiles(filepath.Join("testdata", "startups.csv"), filepath.Join("testdata", "investors.csv"), filepath.Join("testdata", "investments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestUnknownRoundSize: a query whose round size is unknown scores every
// investor exactly as a model without the round-size factors does, and a
// known size changes the scores.
func TestUnknownRoundSize(t *testing.T) {
	ds := fixtureDataset(t)
	with, err := Fit(ds, date(2012, 3, 1), DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultParams
	p.WSize, p.WTicket = 0, 0
	without, err := Fit(ds, date(2012, 3, 1), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"bignew", "newweb", "appco", "unknown-startup"} {
		for _, rt := range []string{"", "angel", "series-b"} {
			unknown := QueryRow{StartupID: id, RoundType: rt, RaisedUSD: -1}
			a := with.Scores(with.NewQuery(unknown, date(2012, 3, 1), nil), nil)
			b := without.Scores(without.NewQuery(unknown, date(2012, 3, 1), nil), nil)
			if !slices.Equal(a, b) {
				t.Errorf("%s %q, size unknown: scores %v, without the size factors %v", id, rt, a, b)
			}
			known := unknown
			known.RaisedUSD = 5e6
			if c := with.Scores(with.NewQuery(known, date(2012, 3, 1), nil), nil); slices.Equal(a, c) {
				t.Errorf("%s %q: a $5M round scores as an unknown size: %v", id, rt, c)
			}
		}
	}
}

// TestRoundSizeFactor: with the round-size factors weighted up, a startup
// with nothing else known gets the venture funds (rounds of $3-20M) above
// the angels (rounds of $200-500k) for a $20M round and the angels above
// the funds for a $300k round; with the default weights the gap between
// every fund and every angel still grows with the size of the round.
func TestRoundSizeFactor(t *testing.T) {
	ds := fixtureDataset(t)
	at := date(2012, 3, 1)
	scores := func(m *Model, usd float64) map[string]float32 {
		s := m.Scores(m.NewQuery(QueryRow{StartupID: "bignew", RaisedUSD: usd}, at, nil), nil)
		out := map[string]float32{}
		for r, v := range s {
			out[m.InvestorID(r)] = v
		}
		return out
	}
	funds, angels := []string{"vc-b", "vc-d"}, []string{"angel-a", "angel-c"}
	strong := DefaultParams
	strong.WSize, strong.WTicket = 1, 1
	m, err := Fit(ds, at, strong)
	if err != nil {
		t.Fatal(err)
	}
	small, big := scores(m, 300e3), scores(m, 20e6)
	for _, f := range funds {
		for _, a := range angels {
			if !(big[f] > big[a]) {
				t.Errorf("$20M round: %s %.3f not above %s %.3f", f, big[f], a, big[a])
			}
			if !(small[a] > small[f]) {
				t.Errorf("$300k round: %s %.3f not above %s %.3f", a, small[a], f, small[f])
			}
		}
	}
	if m, err = Fit(ds, at, DefaultParams); err != nil {
		t.Fatal(err)
	}
	small, big = scores(m, 300e3), scores(m, 20e6)
	for _, f := range funds {
		for _, a := range angels {
			if !(big[f]-big[a] > small[f]-small[a]) {
				t.Errorf("default weights: gap %s-%s %.3f for $20M, %.3f for $300k", f, a, big[f]-big[a], small[f]-small[a])
			}
		}
	}
}

func TestSizeBucket(t *testing.T) {
	for _, tt := range []struct {
		usd  float64
		want int
	}{{-1, -1}, {0, 0}, {249_999, 0}, {250_000, 1}, {1e6, 3}, {59_999_999, 8}, {60e6, 9}, {5e9, 9}} {
		if got := sizeBucket(tt.usd); got != tt.want {
			t.Errorf("sizeBucket(%v) = %d, want %d", tt.usd, got, tt.want)
		}
	}
}
