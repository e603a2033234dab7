package bench

import (
	"fmt"
	"slices"
	"time"
)

// Round is one case's one-connection measurements taken together with
// its floors (b) and (c), one right after the other. On a shared machine
// other work can slow everything by half for minutes; it slows a round's
// figures alike, so the ratio of a case to its floor within one round is
// steadier than one built from measurements minutes apart.
type Round struct {
	Raw, InProc, HTTP Stats // floor (a), and the case in process and over one connection
	// Bare and BareHTTP are floor (b): { __typename } through the same
	// handler in process, and over one loopback connection.
	Bare, BareHTTP Stats
	// FloorBare and FloorItems are floor (c)'s two requests to the static
	// schema, in process.
	FloorBare, FloorItems Stats
}

// roundFloor is floor a+b+c of r in round rd, with b the bare request
// by: its p50 or its CPU time.
func (rep *Report) roundFloor(r Result, rd Round, by func(Stats) time.Duration, bare Stats) time.Duration {
	if rep.FloorItemsFields == 0 {
		return 0
	}
	perField := max(0, (by(rd.FloorItems)-by(rd.FloorBare))/time.Duration(rep.FloorItemsFields))
	return by(rd.Raw) + by(bare) + perField*time.Duration(r.Fields)
}

func p50(s Stats) time.Duration { return s.P50 }
func cpu(s Stats) time.Duration { return s.CPU }

// RoundRatio is r's p50 in process over its floor, within round rd.
func (rep *Report) RoundRatio(r Result, rd Round) float64 {
	return ratio(rd.InProc.P50, rep.roundFloor(r, rd, p50, rd.Bare))
}

// RoundCPURatio is the same in CPU time per request.
func (rep *Report) RoundCPURatio(r Result, rd Round) float64 {
	return ratio(rd.InProc.CPU, rep.roundFloor(r, rd, cpu, rd.Bare))
}

// RoundHTTPRatio is r's p50 over one loopback connection over its floor
// there, within round rd.
func (rep *Report) RoundHTTPRatio(r Result, rd Round) float64 {
	return ratio(rd.HTTP.P50, rep.roundFloor(r, rd, p50, rd.BareHTTP))
}

// Spread is the median, least and greatest of some ratios.
type Spread struct{ Median, Min, Max float64 }

func (s Spread) String() string {
	return fmt.Sprintf("%.2f (%.2f-%.2f)", s.Median, s.Min, s.Max)
}

// spread of the ratio each round of r gives by f; zero without rounds.
func (rep *Report) spread(r Result, f func(Result, Round) float64) Spread {
	xs := make([]float64, len(r.Rounds))
	for i, rd := range r.Rounds {
		xs[i] = f(r, rd)
	}
	return spreadOf(xs)
}

// spreadOf is the Spread of xs; zero when xs is empty.
func spreadOf(xs []float64) Spread {
	if len(xs) == 0 {
		return Spread{}
	}
	xs = slices.Sorted(slices.Values(xs))
	m := xs[len(xs)/2]
	if len(xs)%2 == 0 {
		m = (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return Spread{Median: m, Min: xs[0], Max: xs[len(xs)-1]}
}
