package crunchbase

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"makerlink/matching"
)

// RunRank is the `makerlink rank` command of the contract:
//
//	makerlink rank --startups S.csv --investors I.csv --investments T.csv --queries Q.csv --k K
//
// It fits the model on every investment of T.csv (as of the day after the
// latest one) and writes `startup_id,investor_id,rank,score` to stdout, K
// rows per query in the order of Q.csv (`startup_id[,round_type[,raised_usd]]`:
// the contract's columns and, optionally, the size of the round), rank 1
// best, score in (0,1). A malformed line yields an error naming the file and
// the line (*LineError); the caller exits non-zero on any error.
func RunRank(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rank", flag.ContinueOnError)
	fs.SetOutput(stderr)
	startups := fs.String("startups", "", "startups CSV (id,name,category,description,city,region,country,founded_year)")
	investors := fs.String("investors", "", "investors CSV (id,name,type,city,country)")
	investments := fs.String("investments", "", "investments CSV (startup_id,investor_id,round_type,raised_usd,date)")
	queries := fs.String("queries", "", "queries CSV (startup_id[,round_type[,raised_usd]])")
	k := fs.Int("k", 10, "investors per query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *startups == "" || *investors == "" || *investments == "" || *queries == "" {
		fs.Usage()
		return errors.New("rank: --startups, --investors, --investments and --queries are required")
	}
	if *k < 1 {
		return fmt.Errorf("rank: --k must be at least 1, got %d", *k)
	}
	ds, err := ReadFiles(*startups, *investors, *investments)
	if err != nil {
		return err
	}
	qs, err := ReadQueries(*queries)
	if err != nil {
		return err
	}
	if len(ds.Investments) == 0 {
		return fmt.Errorf("rank: %s has no investments to learn from", *investments)
	}
	var last time.Time
	for _, iv := range ds.Investments {
		if iv.Date.After(last) {
			last = iv.Date
		}
	}
	m, err := Fit(ds, last.AddDate(0, 0, 1), DefaultParams)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	w.WriteString("startup_id,investor_id,rank,score\n")
	var scores []float32
	var line []byte
	for _, q := range qs {
		scores = m.Scores(m.NewQuery(q, time.Time{}, nil), scores)
		for i, h := range matching.TopK(scores, *k, nil, m.Tie) {
			line = line[:0]
			line = appendCSV(line, q.StartupID)
			line = append(line, ',')
			line = appendCSV(line, m.InvestorID(h.Row))
			line = append(line, ',')
			line = strconv.AppendInt(line, int64(i+1), 10)
			line = append(line, ',')
			line = strconv.AppendFloat(line, Squash(h.Score), 'f', 6, 64)
			line = append(line, '\n')
			w.Write(line)
		}
	}
	return w.Flush()
}

// appendCSV appends a CSV field, quoted when needed.
func appendCSV(b []byte, s string) []byte {
	need := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\n' || c == '\r' {
			need = true
			break
		}
	}
	if !need {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
