package bench

import (
	"os"
	"sync"
	"testing"

	"github.com/attrib/attrib/gen"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/store"
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
			if _, corpus.err = gen.Load(corpus.s, gen.Options{Seed: 1, Incidents: benchIncidents}); corpus.err != nil {
				return
			}
		}
		corpus.f, corpus.err = Pick(corpus.s)
	})
	if corpus.err != nil {
		b.Fatal(corpus.err)
	}
	return corpus.s, corpus.f
}

func TestMain(m *testing.M) {
	code := m.Run()
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
	h := graph.NewHandler(s, graph.DefaultLimits, nil)
	for _, c := range Cases(f) {
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
	for _, c := range Cases(f) {
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
