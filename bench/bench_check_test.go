package bench

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/bench/floor"
	"github.com/attrib/attrib/gen"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/store"
)

// TestCasesAnswer checks, on a small corpus, what the benchmarks rely on:
// the fixture exists, every case answers without errors, every raw floor
// reads real keys (so the raw key layout matches the store's), and a
// measurement reports sane figures.
func TestCasesAnswer(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := gen.Load(s, gen.Options{Seed: 1, Incidents: 120}); err != nil {
		t.Fatal(err)
	}
	f, err := Pick(s)
	if err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(s, graph.DefaultLimits, nil)
	for _, c := range Cases(f) {
		ans, err := Do(h, c.Query, c.Vars)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		n, err := Fields(ans)
		if err != nil || n < 1 {
			t.Fatalf("%s: %d fields, %v", c.Name, n, err)
		}
		if err := c.Raw(s.DB()); err != nil {
			t.Fatalf("%s raw: %v", c.Name, err)
		}
	}
	// The two-hop answer holds at least 4 attributions, each with its
	// attributor: 4 x (id band confidence date{date} attributor{id code name}).
	ans, _ := Do(h, TwoHopQuery, map[string]any{"id": f.Incident})
	if n, _ := Fields(ans); n < 4*9 {
		t.Errorf("two-hop answer has %d fields; the fixture should have at least 4 attributions", n)
	}
	if err := s.DB().View(func(txn *badger.Txn) error { return getAll(txn, "no-such-node") }); err == nil {
		t.Error("raw read of a missing node succeeded")
	}
	st, err := Measure(4, 40, 8, time.Minute, func() error { return nil })
	if err != nil || st.N != 40 || st.P50 > st.P99 || st.PerSec <= 0 {
		t.Errorf("Measure = %+v, %v; want 40 calls with p50 <= p99", st, err)
	}
}

func TestFloorCountsFields(t *testing.T) {
	ans, err := Do(floor.NewHandler(), floor.ItemsQuery(10), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := Fields(ans); n != 1+10*9 {
		t.Errorf("10 items gave %d fields, want %d", n, 1+10*9)
	}
}
