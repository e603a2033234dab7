package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// outlineOf is what an outline must be: the record decoded into a struct
// by encoding/json, with each cited document once.
func outlineOf(t *testing.T, b []byte) store.Outline {
	t.Helper()
	var rec struct {
		Type string `json:"type"`
		store.Meta
		Citations []struct {
			Document string `json:"document"`
		} `json:"citations"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	o := store.Outline{Type: rec.Type, Meta: rec.Meta}
	for _, c := range rec.Citations {
		if !slices.Contains(o.CitedDocs, c.Document) {
			o.CitedDocs = append(o.CitedDocs, c.Document)
		}
	}
	return o
}

// oddRecords are records whose outlines are easy to get wrong: escapes in
// the fields the outline keeps, a property named like a member the outline
// reads, null members, retraction.
func oddRecords() ([]*store.Node, []*store.Edge) {
	a := &store.Node{ID: "odd-a", Type: "Type \"quoted\" <&>", Props: store.Props{
		"citations": []any{map[string]any{"document": "not-cited"}},
		"marking":   "RED",
		"text":      "line\nbreak \u2028 \\ \"citations\":[{\"document\":\"x\"}]",
	}, Citations: []store.Citation{{Document: "doc \"1\"", Exact: "x", End: 1}, {Document: "doc2", Exact: "y", End: 1}, {Document: "doc \"1\"", Exact: "z", End: 1}},
		Meta: store.Meta{Marking: "AMBER+STRICT", CreatedBy: "al\\ice", Retraction: &store.Retraction{By: "bob", At: "2026-01-01T00:00:00Z", Reason: "said \"no\" <b>"}}}
	b := &store.Node{ID: "odd-b", Type: "State"} // null properties and citations
	e := &store.Edge{ID: store.EdgeID("REL", a.ID, b.ID), Type: "REL", From: a.ID, To: b.ID,
		Citations: []store.Citation{{Document: "doc2", Exact: "q", End: 1, Translation: &store.Translation{Lang: "en", Text: "t"}}},
		Meta:      store.Meta{Marking: "GREEN"}}
	return []*store.Node{a, b}, []*store.Edge{e}
}

// cursorCorpus writes a generated corpus and the odd records to a store in
// a directory and reopens it, so that reads go to tables on disk (and to
// the value log for large records), not to a memtable.
func cursorCorpus(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synthetic.Load(s, synthetic.Options{Seed: 3, Incidents: 30}); err != nil {
		t.Fatal(err)
	}
	nodes, edges := oddRecords()
	err = s.Update(func(tx *store.Txn) error {
		for _, n := range nodes {
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		for _, e := range edges {
			if _, err := tx.PutEdge(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = store.Open(dir, store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestCursorReadsWhatTxnReads reads every record, outline and adjacency
// list of a corpus through one cursor, in random order (so that its
// iterators seek backwards as well as forwards), and compares each with the
// transaction's own reads.
func TestCursorReadsWhatTxnReads(t *testing.T) {
	s := cursorCorpus(t)
	var nodes, edges []string
	err := s.View(func(tx *store.Txn) error {
		if err := tx.ScanNodes(func(id string, _ *store.Node) error { nodes = append(nodes, id); return nil }); err != nil {
			return err
		}
		return tx.ScanEdges(func(id string, _ *store.Edge) error { edges = append(edges, id); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(nodes), func(i, j int) { nodes[i], nodes[j] = nodes[j], nodes[i] })
	rng.Shuffle(len(edges), func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
	big := 0
	err = s.View(func(tx *store.Txn) error {
		c := tx.NewCursor()
		defer c.Close()
		var refs []store.EdgeRef
		for _, id := range nodes {
			want := value(t, tx.NodeValue, id)
			if len(want) > 4<<10 {
				big++
			}
			if got := value(t, c.NodeValue, id); !bytes.Equal(got, want) {
				t.Fatalf("cursor NodeValue(%s) = %s, want %s", id, got, want)
			}
			o, err := c.Outline(id)
			if err != nil {
				t.Fatal(err)
			}
			if w := outlineOf(t, want); !reflect.DeepEqual(o, w) {
				t.Fatalf("cursor Outline(%s) = %+v, want %+v", id, o, w)
			}
			if o2, err := tx.Outline(id); err != nil || !reflect.DeepEqual(o2, o) {
				t.Fatalf("Outline(%s) = %+v, %v; cursor read %+v", id, o2, err, o)
			}
			for _, typ := range []string{"", "REL", "ATTRIBUTED_BY"} {
				wantRefs, err := tx.Edges(id, store.Both, typ)
				if err != nil {
					t.Fatal(err)
				}
				// Appending to what a previous call returned must keep it.
				prev := slices.Clone(refs)
				if refs, err = c.AppendEdges(refs, id, store.Both, typ); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(refs[:len(prev)], prev) || !slices.Equal(refs[len(prev):], wantRefs) {
					t.Fatalf("cursor AppendEdges(%s, %q) = %+v, want %+v", id, typ, refs[len(prev):], wantRefs)
				}
				if len(refs) > 100 {
					refs = refs[:0]
				}
			}
		}
		for _, id := range edges {
			want := value(t, tx.EdgeValue, id)
			if got := value(t, c.EdgeValue, id); !bytes.Equal(got, want) {
				t.Fatalf("cursor EdgeValue(%s) = %s, want %s", id, got, want)
			}
			o, err := c.EdgeOutline(id)
			if err != nil {
				t.Fatal(err)
			}
			if w := outlineOf(t, want); !reflect.DeepEqual(o, w) {
				t.Fatalf("cursor EdgeOutline(%s) = %+v, want %+v", id, o, w)
			}
		}
		for _, read := range []func() error{
			func() error { _, err := c.Outline("missing"); return err },
			func() error { _, err := c.EdgeOutline(nodes[0]); return err }, // a node ID is no edge
			func() error { return c.NodeValue("odd-a\x00", func([]byte) error { return nil }) },
		} {
			if err := read(); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("reading a missing record: %v, want ErrNotFound", err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if big == 0 {
		t.Error("no record was large enough for the value log: the corpus does not test reads from it")
	}
}

func value(t *testing.T, read func(string, func([]byte) error) error, id string) []byte {
	t.Helper()
	var b []byte
	if err := read(id, func(v []byte) error { b = bytes.Clone(v); return nil }); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCursorReadsAllocateLittle guards what the cursor is for: an
// adjacency list read through it (as a read transaction's Edges calls are)
// reuses the iterator where a write transaction's Edges builds one per
// call, and an outline costs the record read and its list of documents,
// nothing for the properties it skips.
func TestCursorReadsAllocateLittle(t *testing.T) {
	s := cursorCorpus(t)
	var ids []string
	err := s.View(func(tx *store.Txn) error {
		return tx.ScanNodes(func(id string, _ *store.Node) error { ids = append(ids, id); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	none := func([]byte) error { return nil }
	var edges, viewEdges, cursorEdges, value, outline float64
	perNode := func(read func(string)) float64 {
		return testing.AllocsPerRun(3, func() {
			for _, id := range ids {
				read(id)
			}
		}) / float64(len(ids))
	}
	err = s.Update(func(tx *store.Txn) error {
		edges = perNode(func(id string) { tx.Edges(id, store.Both, "") })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(func(tx *store.Txn) error {
		c := tx.NewCursor()
		defer c.Close()
		var refs []store.EdgeRef
		viewEdges = perNode(func(id string) { tx.Edges(id, store.Both, "") })
		cursorEdges = perNode(func(id string) { refs, _ = c.AppendEdges(refs[:0], id, store.Both, "") })
		value = perNode(func(id string) { tx.NodeValue(id, none) })
		outline = perNode(func(id string) { c.Outline(id) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("allocations per node: edges %.1f with an iterator per call, %.1f through a read transaction, %.1f through a cursor; record %.1f, outline %.1f",
		edges, viewEdges, cursorEdges, value, outline)
	for _, c := range []struct {
		name string
		n    float64
	}{{"a cursor", cursorEdges}, {"a read transaction's Edges", viewEdges}} {
		if c.n > edges/2 {
			t.Errorf("a node's edges through %s take %.1f allocations, with an iterator per call %.1f: want at most half", c.name, c.n, edges)
		}
	}
	if outline > value+2 {
		t.Errorf("an outline read takes %.1f allocations, the bare record read %.1f: want at most 2 more", outline, value)
	}
}
