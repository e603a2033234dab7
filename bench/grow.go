package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// Corpus is one store of a growth measurement, named for the table.
type Corpus struct {
	Name  string
	Store *store.Store
}

// Growth is how one case's cost grows from the first corpus of a growth
// measurement to the last.
type Growth struct {
	Name string
	// P50, CPU and Raw are, per corpus, the fastest p50 in process, the
	// least CPU time per request in process, and the fastest p50 of the
	// raw floor (a), over all rounds.
	P50, CPU, Raw []time.Duration
	// Ratio, CPURatio and RawRatio spread, over the rounds, the last
	// corpus's figure over the first's within the round.
	Ratio, CPURatio, RawRatio Spread
}

// MeasureGrowth measures every case in process, and its raw floor, on
// each corpus, in rounds: within a round each corpus in turn, forwards and
// backwards in alternate rounds. Measuring the corpora one right after
// the other is what makes their figures comparable on a shared machine,
// where a slow spell lasts minutes: a run per corpus, minutes apart, can
// show a growth that is only the spell. Corpora go from smallest to
// largest.
func MeasureGrowth(ctx context.Context, cfg Config, corpora []Corpus) ([]Growth, error) {
	if len(corpora) < 2 {
		return nil, fmt.Errorf("growth: %d corpora; give two or more, smallest first", len(corpora))
	}
	type side struct {
		cases    []Case
		inproc   []func() error
		rawReads []func() error
	}
	sides := make([]side, len(corpora))
	for i, c := range corpora {
		f, err := Pick(c.Store)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		sd := side{cases: Cases(f)}
		h := server.GraphQL(c.Store, server.DefaultLimits, nil)
		db := c.Store.DB()
		for _, cs := range sd.cases {
			op, err := InProcess(h, cs.Query, cs.Vars)
			if err != nil {
				return nil, err
			}
			if _, err := Do(h, cs.Query, cs.Vars); err != nil {
				return nil, fmt.Errorf("%s on %s: %w", cs.Name, c.Name, err)
			}
			raw := cs.Raw
			sd.inproc = append(sd.inproc, op)
			sd.rawReads = append(sd.rawReads, func() error { return raw(db) })
		}
		sides[i] = sd
	}
	rounds := max(1, cfg.Rounds)
	var out []Growth
	for ci, cs := range sides[0].cases {
		g := Growth{Name: cs.Name, P50: make([]time.Duration, len(corpora)), CPU: make([]time.Duration, len(corpora)), Raw: make([]time.Duration, len(corpora))}
		var ratios, cpuRatios, rawRatios []float64
		for r := range rounds {
			inproc := make([]Stats, len(corpora))
			raw := make([]Stats, len(corpora))
			for k := range corpora {
				i := k
				if r%2 == 1 {
					i = len(corpora) - 1 - k
				}
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				var err error
				if raw[i], err = Measure(1, cfg.Count, cfg.Warm, cfg.Duration, sides[i].rawReads[ci]); err != nil {
					return nil, fmt.Errorf("%s raw on %s: %w", cs.Name, corpora[i].Name, err)
				}
				if inproc[i], err = Measure(1, cfg.Count, cfg.Warm, cfg.Duration, sides[i].inproc[ci]); err != nil {
					return nil, fmt.Errorf("%s on %s: %w", cs.Name, corpora[i].Name, err)
				}
				if cfg.Log != nil {
					fmt.Fprintf(cfg.Log, "%-14s %-16s round %d: p50 %s, CPU %s, raw p50 %s\n", cs.Name, corpora[i].Name, r+1, inproc[i].P50, inproc[i].CPU, raw[i].P50)
				}
				g.P50[i] = fastest(g.P50[i], inproc[i].P50)
				g.CPU[i] = fastest(g.CPU[i], inproc[i].CPU)
				g.Raw[i] = fastest(g.Raw[i], raw[i].P50)
			}
			last := len(corpora) - 1
			ratios = append(ratios, ratio(inproc[last].P50, inproc[0].P50))
			cpuRatios = append(cpuRatios, ratio(inproc[last].CPU, inproc[0].CPU))
			rawRatios = append(rawRatios, ratio(raw[last].P50, raw[0].P50))
		}
		g.Ratio, g.CPURatio, g.RawRatio = spreadOf(ratios), spreadOf(cpuRatios), spreadOf(rawRatios)
		out = append(out, g)
	}
	return out, nil
}

// fastest is the lesser of a and b, b when a is unset.
func fastest(a, b time.Duration) time.Duration {
	if a == 0 || b < a {
		return b
	}
	return a
}

// GrowthMarkdown writes gs, measured on corpora, as a table.
func GrowthMarkdown(w io.Writer, corpora []Corpus, gs []Growth, rounds int) {
	first, last := corpora[0].Name, corpora[len(corpora)-1].Name
	fmt.Fprint(w, "| case |")
	for _, c := range corpora {
		fmt.Fprintf(w, " %s p50 |", c.Name)
	}
	fmt.Fprintf(w, " p50 %s / %s | CPU | raw floor (a) |\n|---|", last, first)
	for range corpora {
		fmt.Fprint(w, "--:|")
	}
	fmt.Fprintln(w, "--:|--:|--:|")
	for _, g := range gs {
		fmt.Fprintf(w, "| %s |", g.Name)
		for _, d := range g.P50 {
			fmt.Fprintf(w, " %s |", us(d))
		}
		fmt.Fprintf(w, " %s | %s | %s |\n", g.Ratio, g.CPURatio, g.RawRatio)
	}
	fmt.Fprintf(w, "\nIn process, one connection, %d rounds, each measuring every corpus one right after the other. p50: the fastest of the rounds. %s / %s: the last corpus's figure over the first's within each round, median (least-greatest); a case whose cost does not grow with the corpus shows about 1.\n", rounds, last, first)
}
