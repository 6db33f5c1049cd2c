package crunchbase

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Startup is one row of startups.csv.
type Startup struct {
	ID, Name, Category, City, Region string
	FoundedYear                      int // 0 when unknown
}

// Investor is one row of investors.csv.
type Investor struct {
	ID, Name, Type, City string
}

// Investment is one row of the investments file: one investor in one round.
type Investment struct {
	StartupID, InvestorID, RoundType string
	RaisedUSD                        float64 // -1 when unknown
	Date                             time.Time
}

// QueryRow is one row of the queries file: a startup and, optionally, the
// type and the size of the round it is raising (what a founder states when
// asking for matches).
type QueryRow struct {
	StartupID, RoundType string
	RaisedUSD            float64 // the round's total; -1 when unknown
}

// Dataset is the content of the three Crunchbase files.
type Dataset struct {
	Startups    []Startup
	Investors   []Investor
	Investments []Investment // in file order
}

// LineError reports a malformed line of an input file.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// readCSV reads a CSV file whose header line must be the given columns and
// calls fn for every record with its line number. Files with optional
// trailing columns (minFields < len(want)) may omit the header.
func readCSV(path string, want []string, minFields int, fn func(rec []string, line int) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	return parseCSV(f, filepath.Base(path), want, minFields, fn)
}

func parseCSV(r io.Reader, name string, want []string, minFields int, fn func(rec []string, line int) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return &LineError{name, 1, "empty file: expected a header line " + strings.Join(want, ",")}
	}
	if err != nil {
		return csvErr(name, err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	lh := lower(head)
	hasHeader := slices.Equal(lh, want) || (minFields < len(want) && len(lh) >= minFields && slices.Equal(lh, want[:len(lh)]))
	if !hasHeader {
		// The queries file may come without a header: treat the first line as data.
		if minFields == len(want) {
			return &LineError{name, 1, fmt.Sprintf("header must be %s, got %q", strings.Join(want, ","), strings.Join(head, ","))}
		}
		line, _ := cr.FieldPos(0)
		if err := checkFields(name, line, head, minFields, len(want)); err != nil {
			return err
		}
		if err := fn(head, line); err != nil {
			return err
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if err := checkFields(name, line, rec, minFields, len(want)); err != nil {
			return err
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

func checkFields(name string, line int, rec []string, minFields, want int) error {
	if len(rec) < minFields || len(rec) > want {
		if minFields == want {
			return &LineError{name, line, fmt.Sprintf("want %d fields, got %d", want, len(rec))}
		}
		return &LineError{name, line, fmt.Sprintf("want %d to %d fields, got %d", minFields, want, len(rec))}
	}
	return nil
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{name, pe.Line, pe.Err.Error()}
	}
	return fmt.Errorf("read %s: %w", name, err)
}

func lower(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = strings.ToLower(strings.TrimSpace(x))
	}
	return out
}

// ReadStartups reads startups.csv: id,name,category,description,city,region,country,founded_year.
func ReadStartups(path string) ([]Startup, error) {
	var out []Startup
	name := filepath.Base(path)
	err := readCSV(path, []string{"id", "name", "category", "description", "city", "region", "country", "founded_year"}, 8,
		func(r []string, line int) error {
			s := Startup{ID: strings.TrimSpace(r[0]), Name: r[1], Category: strings.TrimSpace(r[2]), City: r[4], Region: strings.TrimSpace(r[5])}
			if s.ID == "" {
				return &LineError{name, line, "empty startup id"}
			}
			if y := strings.TrimSpace(r[7]); y != "" {
				n, err := strconv.Atoi(y)
				if err != nil || n < 1600 || n > 2100 {
					return &LineError{name, line, fmt.Sprintf("founded_year %q is not a year", y)}
				}
				s.FoundedYear = n
			}
			out = append(out, s)
			return nil
		})
	return out, err
}

// ReadInvestors reads investors.csv: id,name,type,city,country.
func ReadInvestors(path string) ([]Investor, error) {
	var out []Investor
	name := filepath.Base(path)
	err := readCSV(path, []string{"id", "name", "type", "city", "country"}, 5, func(r []string, line int) error {
		iv := Investor{ID: strings.TrimSpace(r[0]), Name: r[1], Type: strings.TrimSpace(r[2]), City: r[3]}
		if iv.ID == "" {
			return &LineError{name, line, "empty investor id"}
		}
		out = append(out, iv)
		return nil
	})
	return out, err
}

// ReadInvestments reads an investments file: startup_id,investor_id,round_type,raised_usd,date.
func ReadInvestments(path string) ([]Investment, error) {
	var out []Investment
	name := filepath.Base(path)
	err := readCSV(path, []string{"startup_id", "investor_id", "round_type", "raised_usd", "date"}, 5, func(r []string, line int) error {
		iv := Investment{StartupID: strings.TrimSpace(r[0]), InvestorID: strings.TrimSpace(r[1]), RoundType: strings.TrimSpace(r[2]), RaisedUSD: -1}
		if iv.StartupID == "" || iv.InvestorID == "" {
			return &LineError{name, line, "empty startup_id or investor_id"}
		}
		if m := strings.TrimSpace(r[3]); m != "" {
			v, err := strconv.ParseFloat(m, 64)
			if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
				return &LineError{name, line, fmt.Sprintf("raised_usd %q is not a non-negative number", m)}
			}
			iv.RaisedUSD = v
		}
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(r[4]))
		if err != nil {
			return &LineError{name, line, fmt.Sprintf("date %q is not YYYY-MM-DD", r[4])}
		}
		iv.Date = d
		out = append(out, iv)
		return nil
	})
	return out, err
}

// ReadQueries reads a queries file: startup_id[,round_type[,raised_usd]],
// with or without the header line. raised_usd is the round's total the
// startup asks for, empty when unknown.
func ReadQueries(path string) ([]QueryRow, error) {
	var out []QueryRow
	name := filepath.Base(path)
	err := readCSV(path, []string{"startup_id", "round_type", "raised_usd"}, 1, func(r []string, line int) error {
		q := QueryRow{StartupID: strings.TrimSpace(r[0]), RaisedUSD: -1}
		if q.StartupID == "" {
			return &LineError{name, line, "empty startup_id"}
		}
		if len(r) > 1 {
			q.RoundType = strings.TrimSpace(r[1])
		}
		if len(r) > 2 {
			if m := strings.TrimSpace(r[2]); m != "" {
				v, err := strconv.ParseFloat(m, 64)
				if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
					return &LineError{name, line, fmt.Sprintf("raised_usd %q is not a non-negative number", m)}
				}
				q.RaisedUSD = v
			}
		}
		out = append(out, q)
		return nil
	})
	return out, err
}

// ReadDataset reads startups.csv, investors.csv and train_investments.csv from dir.
func ReadDataset(dir string) (*Dataset, error) {
	return ReadFiles(filepath.Join(dir, "startups.csv"), filepath.Join(dir, "investors.csv"), filepath.Join(dir, "train_investments.csv"))
}

// ReadFiles reads the three files.
func ReadFiles(startups, investors, investments string) (*Dataset, error) {
	var d Dataset
	var err error
	if d.Startups, err = ReadStartups(startups); err != nil {
		return nil, err
	}
	if d.Investors, err = ReadInvestors(investors); err != nil {
		return nil, err
	}
	if d.Investments, err = ReadInvestments(investments); err != nil {
		return nil, err
	}
	return &d, nil
}
