package crunchbase

import (
	"slices"
	"testing"
	"time"
)

// TestOnlineReportSameMonth: when every query falls in the cutoff's month,
// the monthly refit is the model itself and the figures are the static ones.
func TestOnlineReportSameMonth(t *testing.T) {
	ds := fixtureDataset(t)
	sp := Split{date(2011, 11, 1), date(2011, 12, 1)}
	m, err := Fit(ds, sp.Cutoff, DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	es := buildEvalSet(ds, sp, m, PerRound)
	if len(es.queries) == 0 {
		t.Fatal("no validation queries in the fixture's month")
	}
	for _, ex := range []bool{false, true} {
		want := modelReport("static", m, es, true, ex)
		got, err := onlineReport("online", ds, m, es, ex)
		if err != nil {
			t.Fatal(err)
		}
		if got.All.Pairs != want.All.Pairs || got.All.MRR != want.All.MRR || got.New.R50 != want.New.R50 {
			t.Errorf("backers excluded %v: online %+v, static %+v", ex, got.All, want.All)
		}
	}
}

// TestOnlineReportRefits: an investor that became active after the cutoff
// ranks higher for a later query once the model is refitted at the
// query's month, and investors first seen after the cutoff are not ranked.
func TestOnlineReportRefits(t *testing.T) {
	ds := fixtureDataset(t)
	iv := func(s, i, rt string, usd float64, y, mo int) Investment {
		return Investment{StartupID: s, InvestorID: i, RoundType: rt, RaisedUSD: usd, Date: date(y, time.Month(mo), 1)}
	}
	ds.Investments = append(ds.Investments,
		iv("webtwo", "vc-e", "venture", 1e6, 2008, 1),
		iv("windco", "vc-e", "series-a", 4e6, 2011, 10),
		iv("hydroco", "vc-e", "series-a", 5e6, 2011, 11),
		iv("gridco", "vc-e", "series-a", 6e6, 2011, 12),
		iv("windco", "vc-late", "series-a", 4e6, 2011, 12), // no training row: never ranked
		iv("newsolar", "vc-e", "series-a", 3e6, 2012, 1),
		iv("newsolar", "vc-late", "series-a", 3e6, 2012, 1),
	)
	sp := Split{date(2011, 10, 1), date(2012, 10, 1)}
	m, err := Fit(ds, sp.Cutoff, DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.invRow["vc-late"]; ok {
		t.Fatal("an investor first seen after the cutoff has a row")
	}
	es := buildEvalSet(ds, sp, m, PerRound)
	// Keep the newsolar query and only vc-e as its target: MRR is then 1/rank.
	one := evalSet{}
	for _, q := range es.queries {
		if q.startup == "newsolar" {
			k := slices.Index(q.targets, m.invRow["vc-e"])
			if k < 0 {
				t.Fatalf("vc-e is not a target of newsolar: %+v", q)
			}
			q.targets, q.newTarget = []int{q.targets[k]}, []bool{true}
			one.queries = append(one.queries, q)
		}
	}
	if len(one.queries) != 1 {
		t.Fatalf("%d newsolar queries, want 1", len(one.queries))
	}
	static := modelReport("static", m, one, true, false)
	online, err := onlineReport("online", ds, m, one, false)
	if err != nil {
		t.Fatal(err)
	}
	rs, ro := 1/static.All.MRR, 1/online.All.MRR
	t.Logf("vc-e: rank %v static, %v refitted", rs, ro)
	if !(ro < rs) {
		t.Errorf("vc-e ranks %v with the monthly refit, %v without: want higher with it", ro, rs)
	}
	if ro > float64(m.Investors()) || rs > float64(m.Investors()) {
		t.Errorf("ranks %v / %v beyond the %d ranked investors", ro, rs, m.Investors())
	}
}
