package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"
)

// Summary is what one run says of each case in process, kept (as JSON) so
// that runs on corpora of different sizes can be set side by side
// (CompareSizes): whether a case costs the same on a big corpus as on a
// small one is a question no single run answers.
type Summary struct {
	Corpus string        `json:"corpus"` // as given to the run, e.g. the data directory's name
	Cases  []CaseSummary `json:"cases"`
}

// CaseSummary is one case of a Summary, in nanoseconds.
type CaseSummary struct {
	Name     string        `json:"name"`
	Fields   int           `json:"fields"`
	P50      time.Duration `json:"p50_ns"`
	Floor    time.Duration `json:"floor_ns"` // a+b+c, in process
	CPU      time.Duration `json:"cpu_ns"`
	FloorCPU time.Duration `json:"floor_cpu_ns"`
	// RoundRatio and RoundCPURatio spread the ratios of the rounds, each
	// case beside its floors (Round); zero when the run had none.
	RoundRatio    Spread `json:"round_ratio"`
	RoundCPURatio Spread `json:"round_cpu_ratio"`
}

// Summary sums up rep for CompareSizes.
func (rep *Report) Summary(corpus string) Summary {
	s := Summary{Corpus: corpus}
	for _, r := range rep.Cases {
		s.Cases = append(s.Cases, CaseSummary{Name: r.Name, Fields: r.Fields,
			P50: r.InProc.P50, Floor: rep.Floor(r), CPU: r.InProc.CPU, FloorCPU: rep.FloorCPU(r),
			RoundRatio: rep.spread(r, rep.RoundRatio), RoundCPURatio: rep.spread(r, rep.RoundCPURatio)})
	}
	return s
}

// WriteSummary writes s as JSON to path.
func WriteSummary(path string, s Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}

// ReadSummary reads a summary WriteSummary wrote.
func ReadSummary(path string) (Summary, error) {
	var s Summary
	b, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("read summary: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("read summary %s: %w (write it with attrib-load --json)", path, err)
	}
	if len(s.Cases) == 0 {
		return s, fmt.Errorf("read summary %s: no cases (write it with attrib-load --json)", path)
	}
	return s, nil
}

// CompareSizes writes, for every case the runs share, its p50 in process
// and its ratio to the floor on each corpus, and how much more the last
// run's p50 and CPU time are than the first's: runs is ordered from the
// smallest corpus to the largest, and a case whose cost does not grow
// with the corpus shows about 1.
func CompareSizes(w io.Writer, runs []Summary) error {
	if len(runs) < 2 {
		return fmt.Errorf("compare sizes: %d summaries; give two or more, smallest corpus first", len(runs))
	}
	first, last := runs[0], runs[len(runs)-1]
	fmt.Fprint(w, "| case |")
	for _, r := range runs {
		fmt.Fprintf(w, " %s p50 | ratio |", r.Corpus)
	}
	fmt.Fprintf(w, " p50 %s / %s | CPU %s / %s |\n|---|", last.Corpus, first.Corpus, last.Corpus, first.Corpus)
	for range runs {
		fmt.Fprint(w, "--:|--:|")
	}
	fmt.Fprintln(w, "--:|--:|")
	for _, c := range first.Cases {
		cs := make([]CaseSummary, 0, len(runs))
		for _, r := range runs {
			if x, ok := r.find(c.Name); ok {
				cs = append(cs, x)
			}
		}
		if len(cs) != len(runs) {
			continue // not measured in every run (search cases, --no-search)
		}
		fmt.Fprintf(w, "| %s |", c.Name)
		for _, x := range cs {
			fmt.Fprintf(w, " %s | %.2f |", us(x.P50), x.ratio())
		}
		fmt.Fprintf(w, " %.2f | %.2f |\n", ratio(cs[len(cs)-1].P50, cs[0].P50), ratio(cs[len(cs)-1].CPU, cs[0].CPU))
	}
	fmt.Fprintln(w, "\np50 and CPU: the fastest of the run's rounds, in process. ratio: to the floor a+b+c, the median of the rounds' ratios where the run had rounds, else the fastest p50 over the floor.")
	return nil
}

// ratio is c's ratio to its floor: the rounds' median when measured.
func (c CaseSummary) ratio() float64 {
	if c.RoundRatio.Median > 0 {
		return c.RoundRatio.Median
	}
	return ratio(c.P50, c.Floor)
}

func (s Summary) find(name string) (CaseSummary, bool) {
	for _, c := range s.Cases {
		if c.Name == name {
			return c, true
		}
	}
	return CaseSummary{}, false
}
