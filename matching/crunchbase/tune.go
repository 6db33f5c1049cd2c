package crunchbase

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// knobs lists the weights [Tune] fits, by name.
func knobs(p *Params) []struct {
	name string
	v    *float64
} {
	ks := []struct {
		name string
		v    *float64
	}{
		{"WSector", &p.WSector}, {"WStage", &p.WStage}, {"WAge", &p.WAge}, {"WFirst", &p.WFirst},
		{"WLocation", &p.WLocation}, {"WCoinvest", &p.WCoinvest}, {"WFollow", &p.WFollow},
		{"WCity", &p.WCity}, {"WSize", &p.WSize}, {"WTicket", &p.WTicket}, {"WFactor", &p.WFactor},
	}
	for g := range p.Seg {
		sw := &p.Seg[g]
		for _, k := range []struct {
			name string
			v    *float64
		}{{"Sector", &sw.Sector}, {"Stage", &sw.Stage}, {"Age", &sw.Age}, {"First", &sw.First}, {"Location", &sw.Location}, {"City", &sw.City},
			{"Size", &sw.Size}, {"Ticket", &sw.Ticket}, {"Factor", &sw.Factor}} {
			ks = append(ks, struct {
				name string
				v    *float64
			}{fmt.Sprintf("Seg[%d].%s", g, k.name), k.v})
		}
	}
	return ks
}

// objective is what tuning maximises: Recall@50 over new pairs, with a
// little of Recall@10 and MRR to break ties between flat settings.
func objective(r Report) float64 { return r.New.R50 + 0.1*r.New.R10 + 0.1*r.New.MRR }

// Tune fits the weights of p by coordinate ascent on the pooled
// validation pairs of one or more date splits of the training side (see
// [Folds]), with the popularity weight fixed at 1 as the scale. The
// hyperparameters (half-lives, smoothing) are kept; only the query weights
// change, so each fold's model is fitted once. only, when not empty, names
// the weights to fit (as printed, e.g. "WSize" or "Seg[0].Size"; a name
// ending in "*" is a prefix); the others stay.
func Tune(ds *Dataset, folds []Split, protocol string, p Params, passes int, only []string, log io.Writer) (Params, Report, error) {
	type fold struct {
		m  *Model
		es evalSet
	}
	var fs []fold
	for _, sp := range folds {
		m, err := Fit(ds, sp.Cutoff, p)
		if err != nil {
			return p, Report{}, err
		}
		fs = append(fs, fold{m, buildEvalSet(ds, sp, m, protocol)})
	}
	eval := func(q Params) Report {
		var all Report
		for _, f := range fs {
			f.m.P = q
			all.pool(modelReport("tuned", f.m, f.es, true, false))
		}
		all.Name = "tuned"
		all.finish()
		return all
	}
	best := eval(p)
	fmt.Fprintf(log, "start: new R@50 %.4f R@10 %.4f MRR %.4f\n", best.New.R50, best.New.R10, best.New.MRR)
	for pass := 0; pass < passes; pass++ {
		improved := false
		for _, k := range knobs(&p) {
			if !selected(k.name, only) {
				continue
			}
			cur := *k.v
			for _, c := range []float64{cur * 0.5, cur * 0.75, cur * 1.25, cur * 1.5, cur + 0.1, cur - 0.1, cur + 0.3, 0} {
				c = math.Round(max(c, 0)*1000) / 1000
				if c == cur {
					continue
				}
				*k.v = c
				r := eval(p)
				if objective(r) > objective(best)+1e-9 {
					best, cur, improved = r, c, true
					fmt.Fprintf(log, "  %s = %.3f: new R@50 %.4f R@10 %.4f MRR %.4f\n", k.name, c, r.New.R50, r.New.R10, r.New.MRR)
				}
			}
			*k.v = cur
		}
		if !improved {
			break
		}
	}
	return p, best, nil
}

// selected reports whether the knob name is in only (empty: every knob).
func selected(name string, only []string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == name || (strings.HasSuffix(o, "*") && strings.HasPrefix(name, strings.TrimSuffix(o, "*"))) {
			return true
		}
	}
	return false
}

// FormatParams prints p as Go source.
func FormatParams(p Params) string {
	return fmt.Sprintf("%+v", p)
}
