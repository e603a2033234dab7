package bench

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/subgraph"

	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// The benchmarks run on the corpus in $ATTRIB_BENCH_DATA (written by
// 'attrib gen'), or else on 1000 generated incidents in a temporary
// directory. They run only with -bench, never in go test ./...:
//
//	go test ./bench -run '^$' -bench . -benchtime 2000x
//	go test ./bench -run '^$' -bench 'Query/twohop' -cpuprofile cpu.out
var corpus struct {
	once sync.Once
	s    *store.Store
	x    *search.Index
	f    Fixture
	dir  string
	err  error
}

// benchIncidents is the size of the corpus generated when none is given.
const benchIncidents = 1000

func openCorpus(b *testing.B) (*store.Store, Fixture) {
	b.Helper()
	corpus.once.Do(func() {
		dir := os.Getenv("ATTRIB_BENCH_DATA")
		fresh := dir == ""
		if fresh {
			if dir, corpus.err = os.MkdirTemp("", "attrib-bench-"); corpus.err != nil {
				return
			}
			corpus.dir = dir
		}
		if corpus.s, corpus.err = store.Open(dir, store.Options{}); corpus.err != nil {
			return
		}
		if fresh {
			if _, corpus.err = synthetic.Load(corpus.s, synthetic.Options{Seed: 1, Incidents: benchIncidents}); corpus.err != nil {
				return
			}
		}
		if corpus.f, corpus.err = Pick(corpus.s); corpus.err != nil {
			return
		}
		// The index 'attrib reindex' writes; built here when missing.
		corpus.x, corpus.err = search.Open(filepath.Join(dir, "search.bleve"), corpus.s, nil)
	})
	if corpus.err != nil {
		b.Fatal(corpus.err)
	}
	return corpus.s, corpus.f
}

func TestMain(m *testing.M) {
	code := m.Run()
	if corpus.x != nil {
		corpus.x.Close()
	}
	if corpus.s != nil {
		corpus.s.Close()
	}
	if corpus.dir != "" {
		os.RemoveAll(corpus.dir)
	}
	os.Exit(code)
}

// BenchmarkQuery runs each case through the GraphQL handler in process.
func BenchmarkQuery(b *testing.B) {
	s, f := openCorpus(b)
	h := server.GraphQL(s, server.DefaultLimits, nil, graph.WithIndex(corpus.x))
	for _, c := range append(Cases(f), SearchCases(corpus.x)...) {
		b.Run(c.Name, func(b *testing.B) {
			op, err := InProcess(h, c.Query, c.Vars)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := op(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRaw runs each case's floor (a): its minimal reads on Badger.
func BenchmarkRaw(b *testing.B) {
	s, f := openCorpus(b)
	for _, c := range append(Cases(f), SearchCases(corpus.x)...) {
		b.Run(c.Name, func(b *testing.B) {
			for b.Loop() {
				if err := c.Raw(s.DB()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad writes 200 incidents through the store path, synced, per
// iteration, into a fresh directory.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		l, err := MeasureLoad(dir, 200)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(l.Keys)/l.Store.Seconds(), "keys/s")
		b.ReportMetric(float64(l.Keys)/l.Raw.Seconds(), "raw-keys/s")
	}
}

// BenchmarkExport streams the native export of the subgraph within
// ExportDepth of the hub state through the server, and the raw reads of
// the same records.
func BenchmarkExport(b *testing.B) {
	s, f := openCorpus(b)
	h := server.Handler(server.Config{Store: s, Limits: server.DefaultLimits})
	req := subgraph.Request{Roots: []string{f.Attributor}, Depth: ExportDepth}
	keys, err := exportKeys(s, req)
	if err != nil {
		b.Fatal(err)
	}
	target := "/export?root=" + url.QueryEscape(f.Attributor) + "&depth=" + strconv.Itoa(ExportDepth)
	b.Run("http", func(b *testing.B) {
		for b.Loop() {
			w := &discard{header: http.Header{}}
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
			if (w.code != 0 && w.code != http.StatusOK) || w.n == 0 {
				b.Fatalf("export: status %d, %d bytes", w.code, w.n)
			}
		}
		b.ReportMetric(float64(len(keys))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			if err := rawScan(s.DB(), keys); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(keys))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("seq", func(b *testing.B) {
		for b.Loop() {
			if err := rawSeq(s.DB(), len(keys)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(keys))*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkImport imports a native file of 100 generated incidents into a
// fresh store per iteration, beside a WriteBatch of the same keys.
func BenchmarkImport(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		l, err := MeasureImport(dir, 100)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(l.Keys)/l.Import.Seconds(), "keys/s")
		b.ReportMetric(float64(l.Keys)/l.Raw.Seconds(), "raw-keys/s")
	}
}

// BenchmarkMutation reports the p50 of upsertIncident as an editor, in
// process and over HTTP, and of a raw synced Update of the same keys; b.N
// is the number of runs of MeasureMutation (200 calls each).
func BenchmarkMutation(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		b.StartTimer()
		m, err := MeasureMutation(dir, 200, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(m.InProc.P50.Microseconds()), "inproc-p50-µs")
		b.ReportMetric(float64(m.HTTP.P50.Microseconds()), "http-p50-µs")
		b.ReportMetric(float64(m.Raw.P50.Microseconds()), "raw-p50-µs")
		b.ReportMetric(float64(m.InProc.CPU.Microseconds()), "inproc-cpu-µs")
		b.ReportMetric(float64(m.Raw.CPU.Microseconds()), "raw-cpu-µs")
		b.ReportMetric(float64(m.InProc.P50)/float64(m.Raw.P50), "inproc/raw-p50")
	}
}

// BenchmarkMutationCall times one upsertIncident through the handler in
// process, each op a new incident on the same store, so that allocs/op
// and a CPU profile are those of one mutation alone.
func BenchmarkMutationCall(b *testing.B) {
	r, err := OpenMutation(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for range 5 {
		if err := r.Call(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Call(); err != nil {
			b.Fatal(err)
		}
	}
}
