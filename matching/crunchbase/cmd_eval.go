package crunchbase

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// RunEval is the `makerlink rank-eval` command: it reads the Crunchbase
// folder, splits the investments by date (the README's split by default),
// fits the model on the training side and prints Recall@10, Recall@50 and
// MRR for all pairs, new pairs, and new pairs of startups with and without
// history, next to the popularity and category-popularity baselines it
// computes in the same run. With -learn (maximum likelihood, [Learn]) or
// -tune (coordinate ascent on Recall@50, [Tune]) it first fits the weights
// on yearly splits of the evaluated split's training side ([Folds]): with
// -inner, on the years before 2010-10-01, so the inner figures are then
// out of sample.
func RunEval(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rank-eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "../shared/data/crunchbase2013", "folder with startups.csv, investors.csv, train_investments.csv")
	inner := fs.Bool("inner", false, "evaluate on the inner split (train < 2010-10-01) instead of the README split")
	protocol := fs.String("protocol", PerRound, "per-round (each pair at its round: its type and the earlier investments known) or per-startup (the README's: one ranking per startup at the cutoff)")
	tune := fs.Bool("tune", false, "first fit the weights by coordinate ascent on Recall@50 of yearly splits of the training side (see -folds), then evaluate with them")
	learn := fs.Bool("learn", false, "first fit the weights by maximum likelihood (softmax over the investors) on the yearly splits; with -tune, coordinate ascent starts there")
	nfolds := fs.Int("folds", 0, "yearly splits of the training side -tune and -learn fit on, the most recent first (0: every year from 2007-10)")
	iters := fs.Int("iters", 150, "gradient steps of -learn")
	passes := fs.Int("passes", 3, "coordinate-ascent passes of -tune")
	online := fs.Bool("online", false, "also evaluate the per-round protocol with the model refitted at the start of every month of the validation year")
	knobList := fs.String("knobs", "", "comma-separated weights -tune fits (e.g. WSize,Seg[*].Size; \"*\" ends a prefix); empty: all")
	p := DefaultParams
	fs.Float64Var(&p.HalfLifeYears, "halflife", p.HalfLifeYears, "half-life in years of the preference counts")
	fs.Float64Var(&p.PopHalfLifeYears, "pop-halflife", p.PopHalfLifeYears, "half-life in years of the popularity prior")
	fs.Float64Var(&p.Alpha, "alpha", p.Alpha, "smoothing of the per-investor distributions")
	fs.Float64Var(&p.GraphPrior, "graph-prior", p.GraphPrior, "share of the smoothing prior from co-investors")
	fs.Float64Var(&p.CatSim, "catsim", p.CatSim, "share of the category counts spread over similar categories")
	fs.Float64Var(&p.RegionSim, "regionsim", p.RegionSim, "share of the region counts spread over similar regions")
	fs.IntVar(&p.Regions, "regions", p.Regions, "regions with their own column (the rest share one)")
	fs.IntVar(&p.Cities, "cities", p.Cities, "cities with their own column (the rest share one)")
	fs.Float64Var(&p.TicketPrior, "ticket-prior", p.TicketPrior, "pseudo-investments of the ticket factor's prior")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *protocol != PerRound && *protocol != PerStartup {
		return fmt.Errorf("rank-eval: -protocol must be %s or %s", PerRound, PerStartup)
	}
	ds, err := ReadDataset(*dir)
	if err != nil {
		return err
	}
	sp := READMESplit
	if *inner {
		sp = InnerSplit
	}
	if *learn || *tune {
		folds := Folds(sp)
		if *nfolds > 0 && *nfolds < len(folds) {
			folds = folds[len(folds)-*nfolds:]
		}
		if len(folds) == 0 {
			return fmt.Errorf("rank-eval: no training years before %s to fit the weights on", sp.Cutoff.Format(time.DateOnly))
		}
		fmt.Fprintf(stdout, "fitting the weights on %d yearly splits of the training side (validation %s .. %s), protocol %s\n",
			len(folds), folds[0].Cutoff.Format(time.DateOnly), folds[len(folds)-1].End.Format(time.DateOnly), *protocol)
		if *learn {
			if p, err = Learn(ds, folds, p, *iters, nil); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "learned params: %s\n", FormatParams(p))
		}
		if *tune {
			var only []string
			if *knobList != "" {
				only = strings.Split(*knobList, ",")
			}
			if p, _, err = Tune(ds, folds, *protocol, p, *passes, only, stdout); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "tuned params: %s\n", FormatParams(p))
		}
	}
	t0 := time.Now()
	m, err := Fit(ds, sp.Cutoff, p)
	if err != nil {
		return err
	}
	fit := time.Since(t0)
	fmt.Fprintf(stdout, "split: train < %s, validate < %s; %d investors ranked; fit in %v\n",
		sp.Cutoff.Format(time.DateOnly), sp.End.Format(time.DateOnly), m.Investors(), fit.Round(time.Millisecond))
	var reps []Report
	for _, pr := range []string{PerStartup, *protocol} {
		es := buildEvalSet(ds, sp, m, pr)
		fmt.Fprintf(stdout, "protocol %s: %d rankings, %d pairs (%d new)\n", pr, len(es.queries), es.pairs, es.newP)
		if pr == PerStartup {
			reps = append(reps, baselines(ds, m, sp, es)...)
			reps = append(reps, modelReport("model, no round type ("+pr+")", m, es, false, false))
		}
		reps = append(reps, modelReport("model ("+pr+")", m, es, true, false))
		if pr == PerRound {
			reps = append(reps, modelReport("model ("+pr+", backers excluded)", m, es, true, true))
			if *online {
				reps = append(reps, onlineBaselines(ds, m, es)...)
				for _, ex := range []bool{false, true} {
					name := "model (" + pr + ", monthly refit"
					if ex {
						name += ", backers excluded"
					}
					r, err := onlineReport(name+")", ds, m, es, ex)
					if err != nil {
						return err
					}
					reps = append(reps, r)
				}
			}
		}
		if pr == PerStartup && *protocol == PerStartup {
			break
		}
	}
	printReports(stdout, reps)
	return nil
}
