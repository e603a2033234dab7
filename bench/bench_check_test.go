package bench

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/bench/floor"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// TestCasesAnswer checks, on a small corpus, what the benchmarks rely on:
// the fixture exists, every case answers without errors, every raw floor
// reads real keys (so the raw key layout matches the store's), and a
// measurement reports sane figures.
func TestCasesAnswer(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 120})
	f, err := Pick(s)
	if err != nil {
		t.Fatal(err)
	}
	h := server.GraphQL(s, server.DefaultLimits, nil)
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

// TestNewCasesAnswer checks the search, export, import and mutation
// measurements on a small corpus: each answers, each floor reads or writes
// real keys, and the figures they report are the ones a run prints.
func TestNewCasesAnswer(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 120})
	f, err := Pick(s)
	if err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(filepath.Join(t.TempDir(), "search.bleve"), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	h := server.GraphQL(s, server.DefaultLimits, nil, graph.WithIndex(x))
	for _, c := range SearchCases(x) {
		ans, err := Do(h, c.Query, c.Vars)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		// totalCount and 20 hits of score, field, snippet, node{id __typename}.
		if n, _ := Fields(ans); n < 2+20*6 {
			t.Errorf("%s: %d fields; a hub's name should fill a page of 20", c.Name, n)
		}
		if err := c.Raw(s.DB()); err != nil {
			t.Fatalf("%s raw: %v", c.Name, err)
		}
	}

	srvURL, stop, err := listen(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	e, err := MeasureExport(s, http.DefaultClient, strings.TrimSuffix(srvURL, "/graphql"), f.Attributor, 2, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if e.Records < 100 || e.Bytes < int64(e.Records)*100 || e.HTTP.N != 2 || e.Raw.N != 2 || e.Seq.N != 2 {
		t.Errorf("export = %+v; want a hub's subgraph of 100+ records, measured twice each way", e)
	}

	l, err := MeasureImport(t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	if l.Records < 10*3 || l.Keys < l.Records || l.Import <= 0 || l.Raw <= 0 {
		t.Errorf("import = %+v; want every record written and both timed", l)
	}

	bundle, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	si, err := MeasureSTIXImport(t.TempDir(), bundle)
	if err != nil {
		t.Fatal(err)
	}
	if si.Objects != 1826 || si.Records < 400 || si.Keys < si.Records || si.STIX <= 0 || si.Native <= 0 || si.Raw <= 0 {
		t.Errorf("STIX import = %+v; want ATT&CK for ICS's 1826 objects, every record written, all three timed", si)
	}

	m, err := MeasureMutation(t.TempDir(), 3, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Incident, its target edge, and their indexes at least.
	if m.Keys < 4 || m.InProc.N != 3 || m.HTTP.N != 3 || m.Raw.N != 3 {
		t.Errorf("mutation = %+v; want the keys of one upsert, three calls each way", m)
	}
}

// The raw floors build the store's keys themselves; they must be the keys
// the store writes, or a floor would read nothing and look fast.
func TestRawKeysAreTheStoresKeys(t *testing.T) {
	for _, c := range []struct {
		raw []byte
		ie  store.IndexEntry
	}{
		{rawKey(tableOut, "a", "T", "b", "e"), store.IndexEntry{Table: "out", Node: "a", Type: "T", Other: "b", Edge: "e"}},
		{rawKey(tableIn, "b", "T", "a", "e"), store.IndexEntry{Table: "in", Node: "b", Type: "T", Other: "a", Edge: "e"}},
		{rawKey(tableDate, "Incident", "2022-07-15", "i"), store.IndexEntry{Table: "date", Type: "Incident", Date: "2022-07-15", Node: "i"}},
		{rawKey(tableDated, "p", "T", "2022-07-15", "c", "e"), store.IndexEntry{Table: "dated", Node: "p", Type: "T", Date: "2022-07-15", Other: "c", Edge: "e"}},
	} {
		if got := store.IndexKey(c.ie); string(got) != string(c.raw) {
			t.Errorf("%s: raw key %q, the store's %q", c.ie.Table, c.raw, got)
		}
	}
}

// The page floor reads the list's counts by the prefix the store files
// them under.
func TestRawCountPrefixIsTheStores(t *testing.T) {
	ie := store.IndexEntry{Table: "dated", Node: "p", Type: "T", Date: "2022-07-15", Other: "c", Edge: "e"}
	got, err := store.ListCountKey(ie)
	if err != nil {
		t.Fatal(err)
	}
	if prefix := rawKey(tableCount, string(rawKey(tableDated, "p", "T"))); !strings.HasPrefix(string(got), string(prefix)) {
		t.Errorf("raw count prefix %q, the store's key %q", prefix, got)
	}
}
