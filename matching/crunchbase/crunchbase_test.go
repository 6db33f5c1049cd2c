package crunchbase_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"makerlink/matching/crunchbase"
)

func td(name string) string { return filepath.Join("testdata", name) }

func rank(t *testing.T, args ...string) ([][]string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := crunchbase.RunRank(args, &out, &errb)
	if err != nil {
		return nil, err
	}
	recs, perr := csv.NewReader(&out).ReadAll()
	if perr != nil {
		t.Fatalf("output is not CSV: %v\n%s", perr, out.String())
	}
	return recs, nil
}

func fixtureArgs(investments, queries string, k int) []string {
	return []string{"--startups", td("startups.csv"), "--investors", td("investors.csv"),
		"--investments", td(investments), "--queries", td(queries), "--k", strconv.Itoa(k)}
}

func TestRankFixtures(t *testing.T) {
	recs, err := rank(t, fixtureArgs("investments.csv", "queries.csv", 3)...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "startup_id,investor_id,rank,score" {
		t.Fatalf("header %v", recs[0])
	}
	rows := recs[1:]
	if len(rows) != 4*3 {
		t.Fatalf("%d rows, want 3 per query for 4 queries", len(rows))
	}
	top := map[string][]string{}
	for i, r := range rows {
		if want := strconv.Itoa(i%3 + 1); r[2] != want {
			t.Errorf("row %d rank %s, want %s", i, r[2], want)
		}
		s, err := strconv.ParseFloat(r[3], 64)
		if err != nil || s <= 0 || s >= 1 {
			t.Errorf("row %d score %q not in (0,1)", i, r[3])
		}
		if i%3 > 0 {
			prev, _ := strconv.ParseFloat(rows[i-1][3], 64)
			if s > prev {
				t.Errorf("row %d: score %v above the previous %v", i, s, prev)
			}
		}
		top[r[0]] = append(top[r[0]], r[1])
	}
	order := []string{}
	for _, r := range rows {
		if len(order) == 0 || order[len(order)-1] != r[0] {
			order = append(order, r[0])
		}
	}
	if strings.Join(order, ",") != "newweb,newsolar,appco,unknown-startup" {
		t.Errorf("queries out of order: %v", order)
	}
	// Web angel rounds go to the web angels, cleantech series A to the Boston VC,
	// and AppCo (backed by angel-a) gets angel-a's co-investor angel-c high.
	if got := top["newweb"][:2]; !(contains(got, "angel-a") && contains(got, "angel-c")) {
		t.Errorf("newweb top 2 = %v, want the web angels", got)
	}
	if got := top["newsolar"][:2]; !(contains(got, "vc-b") && contains(got, "vc-d")) {
		t.Errorf("newsolar top 2 = %v, want the cleantech VCs", got)
	}
	if got := top["appco"][:2]; !contains(got, "angel-c") {
		t.Errorf("appco top 2 = %v, want angel-c (co-investor of its backer)", got)
	}
}

func contains(s []string, x string) bool { return slices.Contains(s, x) }

// TestRankRoundType: the round a startup raises moves the investors who
// do that kind of round up.
func TestRankRoundType(t *testing.T) {
	recs, err := rank(t, fixtureArgs("investments.csv", "queries_rounds.csv", 4)...)
	if err != nil {
		t.Fatal(err)
	}
	score := map[string]float64{} // round + investor -> score
	for i, r := range recs[1:] {
		round := "a"
		if i >= 4 {
			round = "b"
		}
		score[round+r[1]], _ = strconv.ParseFloat(r[3], 64)
	}
	if !(score["avc-b"]-score["avc-d"] > score["bvc-b"]-score["bvc-d"]) {
		t.Errorf("series A vs B does not favour vc-b (series A investor) over vc-d: %v", score)
	}
}

// TestRankRoundSize: the size of the round a startup raises (the third,
// optional column of the queries file) moves the investors who do rounds of
// that size up: for a startup with nothing else known, an angel tops the
// $300k round and a venture fund the $20M round. An empty size changes
// nothing: the ranking is the one without the column.
func TestRankRoundSize(t *testing.T) {
	recs, err := rank(t, fixtureArgs("investments.csv", "queries_sizes.csv", 4)...)
	if err != nil {
		t.Fatal(err)
	}
	rows := recs[1:]
	if len(rows) != 4*4 {
		t.Fatalf("%d rows, want 4 per query for 4 queries", len(rows))
	}
	if top := rows[0][1]; !strings.HasPrefix(top, "angel-") {
		t.Errorf("$300k round: top %s, want an angel", top)
	}
	if top := rows[4][1]; !strings.HasPrefix(top, "vc-") {
		t.Errorf("$20M round: top %s, want a venture fund", top)
	}
	for i := 8; i < 12; i++ {
		if !slices.Equal(rows[i], rows[i+4]) {
			t.Errorf("rank %d: empty raised_usd gives %v, no column %v", i-7, rows[i], rows[i+4])
		}
	}
}

func TestRankQueriesWithoutHeader(t *testing.T) {
	recs, err := rank(t, fixtureArgs("investments.csv", "queries_noheader.csv", 10)...)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1+2*4 { // only 4 investors exist
		t.Errorf("%d records, want a header and 4 per query", len(recs))
	}
}

func TestRankMalformed(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		file  string
		line  int
		inMsg string
	}{
		{"bad date", fixtureArgs("bad_date.csv", "queries.csv", 3), "bad_date.csv", 4, "date"},
		{"short line", fixtureArgs("short_line.csv", "queries.csv", 3), "short_line.csv", 5, "fields"},
		{"bare quote", fixtureArgs("bad_quote.csv", "queries.csv", 3), "bad_quote.csv", 3, "quote"},
		{"bad year", []string{"--startups", td("bad_year.csv"), "--investors", td("investors.csv"),
			"--investments", td("investments.csv"), "--queries", td("queries.csv")}, "bad_year.csv", 6, "founded_year"},
		{"bad header", fixtureArgs("bad_header.csv", "queries.csv", 3), "bad_header.csv", 1, "header"},
		{"bad raised_usd in a query", fixtureArgs("investments.csv", "queries_bad_raised.csv", 3), "queries_bad_raised.csv", 3, "raised_usd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rank(t, tt.args...)
			var le *crunchbase.LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v, want a *LineError", err)
			}
			if le.File != tt.file || le.Line != tt.line || !strings.Contains(err.Error(), tt.inMsg) {
				t.Errorf("error %q, want %s:%d mentioning %q", err, tt.file, tt.line, tt.inMsg)
			}
			if !strings.HasPrefix(err.Error(), tt.file+":"+strconv.Itoa(tt.line)+": ") {
				t.Errorf("message %q does not start with file:line", err)
			}
		})
	}
}

func TestRankBadArgs(t *testing.T) {
	for _, args := range [][]string{
		{},
		fixtureArgs("investments.csv", "queries.csv", 0),
		fixtureArgs("missing.csv", "queries.csv", 3),
		{"--nonsense"},
	} {
		if _, err := rank(t, args...); err == nil {
			t.Errorf("RunRank(%q) succeeded", args)
		}
	}
}

func TestEvalFixtures(t *testing.T) {
	dir := t.TempDir()
	for src, dst := range map[string]string{"startups.csv": "startups.csv", "investors.csv": "investors.csv", "investments.csv": "train_investments.csv"} {
		b, err := os.ReadFile(td(src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if err := crunchbase.RunEval([]string{"--data", dir}, &out, &errb); err != nil {
		t.Fatalf("RunEval: %v\n%s", err, errb.String())
	}
	for _, want := range []string{"popularity", "category popularity", "model (per-round)", "new, no history"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := crunchbase.RunEval([]string{"--data", dir, "-online"}, &out, &errb); err != nil {
		t.Fatalf("RunEval -online: %v\n%s", err, errb.String())
	}
	for _, want := range []string{"category popularity (monthly)", "model (per-round, monthly refit, backers excluded)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-online report lacks %q:\n%s", want, out.String())
		}
	}
	if err := crunchbase.RunEval([]string{"--data", t.TempDir()}, &out, &errb); err == nil {
		t.Error("RunEval on an empty folder succeeded")
	}
}
