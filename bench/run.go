package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/attrib/attrib/bench/floor"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// Config bounds a run: every measurement stops after Count timed calls or
// Duration, whichever comes first.
type Config struct {
	Store    *store.Store
	Count    int
	Duration time.Duration
	Warm     int
	Conns    int // the concurrent-connection measurement (32)
	// Rounds is how many passes Run makes over each case (at least 2):
	// the first, then rounds that measure the case beside its floors
	// (Round). On a shared machine other work can slow a measurement by
	// half for minutes; figures of one round are slowed alike. For
	// MeasureGrowth it is the number of rounds over the corpora.
	Rounds int
	Log    io.Writer // progress lines; nil for none
	// Index serves the search cases; nil leaves them out.
	Index *search.Index
}

// Result is one case measured every way, with its floors.
type Result struct {
	Name   string
	Fields int // output fields of its answer
	// Raw is floor (a): the minimal Badger reads, one goroutine, and under
	// Conns goroutines.
	Raw, RawConc Stats
	InProc       Stats // through the handler, no network
	HTTP         Stats // loopback, one connection
	HTTPConc     Stats // loopback, Conns connections
	// Rounds are the one-connection measurements taken again, each with
	// its floors beside it.
	Rounds []Round
	// RSSPeak and RSSAfter are, for a Heavy case, this process's RSS at
	// its highest during the Conns-connection measurement and 10 s after
	// it ended.
	RSSPeak, RSSAfter uint64
}

// settle is how long after load a heavy case's RSS is read again.
const settle = 10 * time.Second

// Report is a whole run.
type Report struct {
	Cases []Result
	// PerField is floor (c) per field: (floor items p50 - floor typename
	// p50) / fields, in process; PerFieldConc is the same in machine time
	// per field at Conns connections over HTTP.
	PerField, PerFieldConc time.Duration
	PerFieldCPU            time.Duration // the same in CPU time per field
	FloorItems, FloorBare  Stats         // the static schema, in process
	FloorItemsFields       int
	RSSIdle, RSSPeak       uint64 // bytes, this process (server and client)
	Procs                  int
	Export                 ExportResult
}

// FloorItems is how many items the field-cost floor asks for.
const FloorItems = 100

// Run measures every case of f on cfg.Store, and the floors, in one run.
func Run(ctx context.Context, cfg Config, f Fixture) (*Report, error) {
	logf := func(format string, a ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", a...)
		}
	}
	rep := &Report{Procs: runtime.GOMAXPROCS(0)}
	rounds := max(2, cfg.Rounds)
	h := server.GraphQL(cfg.Store, server.DefaultLimits, nil, graph.WithIndex(cfg.Index))
	srvURL, stopSrv, err := listen(server.Handler(server.Config{Store: cfg.Store, Index: cfg.Index, Limits: server.DefaultLimits}))
	if err != nil {
		return nil, err
	}
	defer stopSrv()
	floorURL, stopFloor, err := listen(floor.NewHandler())
	if err != nil {
		return nil, err
	}
	defer stopFloor()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: cfg.Conns, MaxConnsPerHost: cfg.Conns}}
	defer client.CloseIdleConnections()
	one := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1}}
	defer one.CloseIdleConnections()

	debug.FreeOSMemory()
	rep.RSSIdle = rss()
	var peak atomic.Uint64
	stopWatch := watchRSS(&peak)
	defer stopWatch()

	measure := func(what string, conns int, op func() error) (Stats, error) {
		if err := ctx.Err(); err != nil {
			return Stats{}, err
		}
		st, err := Measure(conns, cfg.Count, cfg.Warm, cfg.Duration, op)
		if err != nil {
			return st, fmt.Errorf("%s: %w", what, err)
		}
		logf("%-28s n=%-6d p50=%-10s p99=%-10s %8.0f/s cpu/op=%s", what, st.N, st.P50, st.P99, st.PerSec, st.CPU)
		return st, nil
	}

	// Floor (c): the static schema, bare and with FloorItems items. It is
	// measured before and after the cases and the faster kept: on a shared
	// machine a burst of other work can inflate one measurement, and a
	// floor must not be inflated.
	fh := floor.NewHandler()
	ans, err := Do(fh, floor.ItemsQuery(FloorItems), nil)
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	if rep.FloorItemsFields, err = Fields(ans); err != nil {
		return nil, err
	}
	// The one-connection requests of floors (b) and (c), measured at the
	// start and end of the run and in every round of every case.
	floorBare, err := InProcess(fh, TypenameQuery, nil)
	if err != nil {
		return nil, err
	}
	floorItems, err := InProcess(fh, floor.ItemsQuery(FloorItems), nil)
	if err != nil {
		return nil, err
	}
	bareInProc, err := InProcess(h, TypenameQuery, nil)
	if err != nil {
		return nil, err
	}
	bareHTTP, err := OverHTTP(one, srvURL, TypenameQuery, nil)
	if err != nil {
		return nil, err
	}
	// keepFastest measures each request once more over one connection,
	// keeping in its Stats the faster of the two.
	type again struct {
		what string
		op   func() error
		st   *Stats
	}
	keepFastest := func(ms ...again) error {
		for _, m := range ms {
			st, err := measure(m.what, 1, m.op)
			if err != nil {
				return err
			}
			keepFaster(m.st, st)
		}
		return nil
	}
	measureFloor := func() error {
		if err := keepFastest(again{"floor typename in-proc", floorBare, &rep.FloorBare}, again{"floor items in-proc", floorItems, &rep.FloorItems}); err != nil {
			return err
		}
		rep.PerField = max(0, (rep.FloorItems.P50-rep.FloorBare.P50)/time.Duration(rep.FloorItemsFields))
		rep.PerFieldCPU = max(0, (rep.FloorItems.CPU-rep.FloorBare.CPU)/time.Duration(rep.FloorItemsFields))
		return nil
	}
	if err := measureFloor(); err != nil {
		return nil, err
	}
	var bareConc, itemsConc Stats
	for _, m := range []struct {
		name  string
		query string
		st    *Stats
	}{{"floor typename http x" + strconv.Itoa(cfg.Conns), TypenameQuery, &bareConc}, {"floor items http x" + strconv.Itoa(cfg.Conns), floor.ItemsQuery(FloorItems), &itemsConc}} {
		op, err := OverHTTP(client, floorURL, m.query, nil)
		if err != nil {
			return nil, err
		}
		if *m.st, err = measure(m.name, cfg.Conns, op); err != nil {
			return nil, err
		}
	}
	rep.PerFieldConc = max(0, time.Duration((1/itemsConc.PerSec-1/bareConc.PerSec)*float64(time.Second))/time.Duration(rep.FloorItemsFields))

	cases := Cases(f)
	if cfg.Index != nil {
		cases = append(cases, SearchCases(cfg.Index)...)
	}
	for _, c := range cases {
		ans, err := Do(h, c.Query, c.Vars)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		r := Result{Name: c.Name}
		if r.Fields, err = Fields(ans); err != nil {
			return nil, err
		}
		db := cfg.Store.DB()
		raw := func() error { return c.Raw(db) }
		inproc, err := InProcess(h, c.Query, c.Vars)
		if err != nil {
			return nil, err
		}
		httpOne, err := OverHTTP(one, srvURL, c.Query, c.Vars)
		if err != nil {
			return nil, err
		}
		httpConc, err := OverHTTP(client, srvURL, c.Query, c.Vars)
		if err != nil {
			return nil, err
		}
		conc := "x" + strconv.Itoa(cfg.Conns)
		for _, m := range []struct {
			what  string
			conns int
			op    func() error
			st    *Stats
		}{
			{c.Name + " raw", 1, raw, &r.Raw},
			{c.Name + " raw " + conc, cfg.Conns, raw, &r.RawConc},
			{c.Name + " in-proc", 1, inproc, &r.InProc},
			{c.Name + " http x1", 1, httpOne, &r.HTTP},
			{c.Name + " http " + conc, cfg.Conns, httpConc, &r.HTTPConc},
		} {
			var casePeak atomic.Uint64
			heavy := Heavy[c.Name] && m.st == &r.HTTPConc
			if heavy {
				stop := watchRSS(&casePeak)
				*m.st, err = measure(m.what, m.conns, m.op)
				stop()
				r.RSSPeak = casePeak.Load()
				time.Sleep(settle)
				r.RSSAfter = rss()
				logf("%-28s RSS peak %d MB, %s after: %d MB", m.what, r.RSSPeak>>20, settle, r.RSSAfter>>20)
			} else {
				*m.st, err = measure(m.what, m.conns, m.op)
			}
			if err != nil {
				return nil, err
			}
		}
		// Then rounds: the one-connection measurements again, each round
		// with its own floors (b) and (c) taken right beside them. The
		// fastest of each is kept, as for the floors; and the ratio of
		// each round, whose figures the machine's other work touched
		// alike, is kept too.
		for range rounds - 1 {
			var rd Round
			for _, m := range []struct {
				what string
				op   func() error
				st   *Stats
				keep *Stats
			}{
				{c.Name + " raw", raw, &rd.Raw, &r.Raw},
				{c.Name + " in-proc", inproc, &rd.InProc, &r.InProc},
				{c.Name + " http x1", httpOne, &rd.HTTP, &r.HTTP},
				{"  round: typename in-proc", bareInProc, &rd.Bare, nil},
				{"  round: typename http x1", bareHTTP, &rd.BareHTTP, nil},
				{"  round: floor typename", floorBare, &rd.FloorBare, nil},
				{"  round: floor items", floorItems, &rd.FloorItems, nil},
			} {
				if *m.st, err = measure(m.what, 1, m.op); err != nil {
					return nil, err
				}
				if m.keep != nil {
					keepFaster(m.keep, *m.st)
				}
			}
			r.Rounds = append(r.Rounds, rd)
			logf("%-28s ratio %.2f, CPU ratio %.2f, HTTP x1 ratio %.2f", "  round: "+c.Name,
				rep.RoundRatio(r, rd), rep.RoundCPURatio(r, rd), rep.RoundHTTPRatio(r, rd))
		}
		rep.Cases = append(rep.Cases, r)
	}
	stopWatch()
	rep.RSSPeak = peak.Load()
	rep.Export, err = MeasureExport(cfg.Store, one, strings.TrimSuffix(srvURL, "/graphql"), f.Attributor, cfg.Count, cfg.Duration)
	if err != nil {
		return nil, err
	}
	logf("%-28s %d records, %d bytes: http p50=%s raw p50=%s", "export", rep.Export.Records, rep.Export.Bytes, rep.Export.HTTP.P50, rep.Export.Raw.P50)
	for range rounds - 1 {
		if err := measureFloor(); err != nil {
			return nil, err
		}
	}
	// Floor (b) likewise: the bare request again, the fastest kept.
	bare := &rep.Cases[0]
	for range rounds - 1 {
		if err := keepFastest(again{"typename in-proc", bareInProc, &bare.InProc}, again{"typename http x1", bareHTTP, &bare.HTTP}); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// keepFaster keeps in dst the one of dst and st with the lower p50 (st
// when dst is unmeasured), and the lower CPU time of the two: each is what
// the request costs at least.
func keepFaster(dst *Stats, st Stats) {
	cpu := st.CPU
	if dst.N != 0 {
		cpu = min(cpu, dst.CPU)
	}
	if dst.N == 0 || st.P50 < dst.P50 {
		*dst = st
	}
	dst.CPU = cpu
}

// listen serves h on a loopback port.
func listen(h http.Handler) (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "bench: serve:", err)
		}
	}()
	return "http://" + ln.Addr().String() + "/graphql", func() { srv.Close() }, nil
}

// rss returns this process's resident set size in bytes (Linux), 0 when
// it cannot be read.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// watchRSS samples RSS every 50 ms into peak until stopped.
func watchRSS(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var once bool
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if r := rss(); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		if !once {
			once = true
			close(done)
		}
	}
}

// Floor is the p50 floor of r in process: (a) + (b) + (c) x fields.
func (rep *Report) Floor(r Result) time.Duration {
	return r.Raw.P50 + rep.bare().InProc.P50 + rep.PerField*time.Duration(r.Fields)
}

// FloorCPU is the floor of r in CPU time per request, in process.
func (rep *Report) FloorCPU(r Result) time.Duration {
	return r.Raw.CPU + rep.bare().InProc.CPU + rep.PerFieldCPU*time.Duration(r.Fields)
}

// FloorHTTP is the p50 floor of r over one loopback connection.
func (rep *Report) FloorHTTP(r Result) time.Duration {
	return r.Raw.P50 + rep.bare().HTTP.P50 + rep.PerField*time.Duration(r.Fields)
}

// FloorPerSec is the throughput the floor allows at Conns connections:
// raw reads, a bare request and the fields, each at its own measured
// concurrent rate, one after the other.
func (rep *Report) FloorPerSec(r Result) float64 {
	b := rep.bare()
	sec := 1/r.RawConc.PerSec + 1/b.HTTPConc.PerSec + rep.PerFieldConc.Seconds()*float64(r.Fields)
	if r.Name == b.Name {
		sec = 1 / b.HTTPConc.PerSec
	}
	return 1 / sec
}

func (rep *Report) bare() Result { return rep.Cases[0] }
