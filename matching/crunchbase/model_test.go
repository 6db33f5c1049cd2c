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

// TestFolds: the weights are fitted on yearly splits of the training side
// only: every fold validates before the split's cutoff.
func TestFolds(t *testing.T) {
	for _, tc := range []struct {
		name string
		sp   Split
		want int
	}{{"README", READMESplit, 4}, {"inner", InnerSplit, 3}, {"too early", Split{date(2008, 1, 1), date(2009, 1, 1)}, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			fs := Folds(tc.sp)
			if len(fs) != tc.want {
				t.Fatalf("Folds(%v) = %v, want %d folds", tc.sp, fs, tc.want)
			}
			for i, f := range fs {
				if f.End.After(tc.sp.Cutoff) || !f.Cutoff.Before(f.End) {
					t.Errorf("fold %d %v is not a year before the cutoff %v", i, f, tc.sp.Cutoff)
				}
				if i > 0 && !f.Cutoff.Equal(fs[i-1].End) {
					t.Errorf("fold %d starts at %v, the previous ends at %v", i, f.Cutoff, fs[i-1].End)
				}
			}
		})
	}
}

// TestLearn: maximum likelihood on the fixture's split lowers the loss of
// its new pairs, gives the same weights on every run, and keeps the
// popularity weight as the scale.
func TestLearn(t *testing.T) {
	ds := fixtureDataset(t)
	folds := []Split{{date(2011, 10, 1), date(2012, 10, 1)}}
	qs, err := learnQueries(ds, folds[0], DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) == 0 {
		t.Fatal("no rankings with new pairs in the fixture's split")
	}
	loss := func(p Params) float64 {
		return softmaxLoss(qs, thetaOf(p), make([]float64, numTheta))
	}
	a, err := Learn(ds, folds, DefaultParams, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Learn(ds, folds, DefaultParams, 50, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("two runs learned different weights:\n%+v\n%+v", a, b)
	}
	if a.WPopularity != 1 {
		t.Errorf("popularity weight %v, want 1", a.WPopularity)
	}
	if la, l0 := loss(a), loss(DefaultParams); !(la < l0) {
		t.Errorf("loss after learning %.4f, before %.4f", la, l0)
	}
	if _, err := Learn(ds, []Split{{date(2001, 1, 1), date(2002, 1, 1)}}, DefaultParams, 5, nil); err == nil {
		t.Error("Learn on a split without rankings succeeded")
	}
}

// TestRegionSim: spreading the region counts over similar regions changes
// only the region columns of the investor rows, and a share outside 0..1 is
// refused.
func TestRegionSim(t *testing.T) {
	ds := fixtureDataset(t)
	at := date(2012, 3, 1)
	base, err := Fit(ds, at, DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	p := DefaultParams
	p.RegionSim = 0.5
	spread, err := Fit(ds, at, p)
	if err != nil {
		t.Fatal(err)
	}
	lo, hi := base.off[bRegion], base.off[bRegion]+base.size[bRegion]
	changed := false
	for r := range base.Investors() {
		a, b := base.table.Row(r), spread.table.Row(r)
		if !slices.Equal(a[:lo], b[:lo]) || !slices.Equal(a[hi:], b[hi:]) {
			t.Errorf("row %s: columns outside the region block changed", base.InvestorID(r))
		}
		if !slices.Equal(a[lo:hi], b[lo:hi]) {
			changed = true
		}
	}
	if !changed {
		t.Error("RegionSim 0.5 left every region lift unchanged")
	}
	for _, v := range []float64{-0.1, 1.5} {
		bad := DefaultParams
		bad.RegionSim = v
		if _, err := Fit(ds, at, bad); err == nil {
			t.Errorf("Fit with RegionSim %v succeeded", v)
		}
	}
}
