package bench

import (
	"math"
	"testing"
	"time"
)

func TestRoundRatioIsTheCaseOverItsOwnRoundsFloor(t *testing.T) {
	rep := &Report{FloorItemsFields: 100}
	r := Result{Name: "page100", Fields: 50}
	rd := Round{
		Raw:    Stats{P50: time.Millisecond, CPU: 2 * time.Millisecond},
		InProc: Stats{P50: 3180 * time.Microsecond, CPU: 4 * time.Millisecond},
		Bare:   Stats{P50: 10 * time.Microsecond, CPU: 20 * time.Microsecond},
		// Floor (c): 100 fields cost 100 µs more than the bare request, so
		// 1 µs a field, and the case's 50 fields 50 µs.
		FloorBare:  Stats{P50: 10 * time.Microsecond, CPU: 20 * time.Microsecond},
		FloorItems: Stats{P50: 110 * time.Microsecond, CPU: 220 * time.Microsecond},
	}
	if got, want := rep.RoundRatio(r, rd), 3180.0/1060; math.Abs(got-want) > 1e-9 {
		t.Errorf("ratio %.4f, want %.4f: 3,180 µs over 1,000 + 10 + 50", got, want)
	}
	if got, want := rep.RoundCPURatio(r, rd), 4000.0/2120; math.Abs(got-want) > 1e-9 {
		t.Errorf("CPU ratio %.4f, want %.4f: 4,000 µs over 2,000 + 20 + 100", got, want)
	}
}

func TestSpreadIsMedianLeastAndGreatest(t *testing.T) {
	rep := &Report{FloorItemsFields: 1}
	ratios := []float64{3, 1, 2, 10}
	r := Result{Rounds: make([]Round, len(ratios))}
	i := 0
	f := func(Result, Round) float64 { i++; return ratios[i-1] }
	if got, want := rep.spread(r, f), (Spread{Median: 2.5, Min: 1, Max: 10}); got != want {
		t.Errorf("spread of %v: %+v, want %+v", ratios, got, want)
	}
	r.Rounds = r.Rounds[:3]
	i = 0
	if got, want := rep.spread(r, f), (Spread{Median: 2, Min: 1, Max: 3}); got != want {
		t.Errorf("spread of %v: %+v, want %+v", ratios[:3], got, want)
	}
	if got := rep.spread(Result{}, f); got != (Spread{}) {
		t.Errorf("spread without rounds: %+v, want zero", got)
	}
}
