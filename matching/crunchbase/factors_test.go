package crunchbase

import (
	"slices"
	"testing"
)

// TestFactors: the latent preference factors alone rank the investors whose
// record matches the query's category, region and round above the others,
// a refit gives the same scores (rank-eval and `makerlink rank` are
// reproducible), and a model without factors has no factor columns.
func TestFactors(t *testing.T) {
	ds := fixtureDataset(t)
	at := date(2012, 3, 1)
	p := DefaultParams
	// Only the factor term: every other weight 0.
	p.WPopularity, p.WCoinvest, p.WFollow = 0, 0, 0
	p.WSector, p.WStage, p.WAge, p.WFirst, p.WLocation, p.WCity, p.WSize, p.WTicket = 0, 0, 0, 0, 0, 0, 0, 0
	for g := range p.Seg {
		p.Seg[g].Factor = 1
	}
	m, err := Fit(ds, at, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, startup, round string
		above, below         string
	}{
		{"cleantech in Boston, series A", "newsolar", "series-a", "vc-b", "angel-a"},
		{"web in SF Bay, angel round", "newweb", "angel", "angel-a", "vc-d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := m.NewQuery(QueryRow{StartupID: tc.startup, RoundType: tc.round, RaisedUSD: -1}, at, nil)
			s := m.Scores(q, nil)
			a, b := s[m.invRow[tc.above]], s[m.invRow[tc.below]]
			if !(a > b) {
				t.Errorf("factor score of %s %v, of %s %v: want the first higher", tc.above, a, tc.below, b)
			}
			again, err := Fit(ds, at, p)
			if err != nil {
				t.Fatal(err)
			}
			if s2 := again.Scores(again.NewQuery(QueryRow{StartupID: tc.startup, RoundType: tc.round, RaisedUSD: -1}, at, nil), nil); !slices.Equal(s, s2) {
				t.Errorf("a refit scores %v, the first fit %v", s2, s)
			}
		})
	}

	p.Factors = 0
	none, err := Fit(ds, at, p)
	if err != nil {
		t.Fatal(err)
	}
	if none.width != m.width-DefaultParams.Factors {
		t.Errorf("width without factors %d, with %d factors %d", none.width, DefaultParams.Factors, m.width)
	}
	bad := DefaultParams
	bad.FactorLambda = 0
	if _, err := Fit(ds, at, bad); err == nil {
		t.Error("Fit with factors and no ridge succeeded")
	}
}
