package subgraph_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

var (
	incident = store.NodeID("Incident", "2022-07-15-albania-gov")
	article  = store.NodeID("Document", "000_ee0890f214b0197b")
	iso      = store.NodeID("Document", "iso3166-1")
)

func walk(t *testing.T, r subgraph.Request) *subgraph.Selection {
	t.Helper()
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, _ := seed.Default()
	if _, err := seed.Load(s, b); err != nil {
		t.Fatal(err)
	}
	var sel *subgraph.Selection
	err = view.New(s, view.Scope{Retracted: r.IncludeRetracted}).View(func(tx *view.Txn) error {
		sel, err = subgraph.Walk(tx, r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

func TestDepthZeroIsTheRootAndItsDocuments(t *testing.T) {
	sel := walk(t, subgraph.Request{Roots: []string{incident}})
	if !slices.Equal(sel.Nodes, []string{incident}) || len(sel.Edges) != 0 {
		t.Fatalf("depth 0: %v, %v", sel.Nodes, sel.Edges)
	}
	if !slices.Equal(sel.Documents, []string{article}) {
		t.Fatalf("depth 0 documents: %v", sel.Documents)
	}
}

func TestStatesBringTheReferenceTheyCite(t *testing.T) {
	sel := walk(t, subgraph.Request{Roots: []string{store.NodeID("State", "AL")}})
	if !slices.Contains(sel.Documents, iso) || !slices.Contains(sel.Documents, article) {
		t.Fatalf("a state cites the ISO list and the article: %v", sel.Documents)
	}
}

func TestFilters(t *testing.T) {
	full := walk(t, subgraph.Request{Roots: []string{incident}, Depth: 1})
	out := walk(t, subgraph.Request{Roots: []string{incident}, Depth: 1, Direction: store.Out})
	// Out of the incident there are only TARGETED links.
	if len(out.Nodes) >= len(full.Nodes) || len(out.Nodes) < 2 {
		t.Fatalf("direction out: %d nodes, both: %d", len(out.Nodes), len(full.Nodes))
	}
	typed := walk(t, subgraph.Request{Roots: []string{incident}, Depth: 2, EdgeTypes: []string{"CONCERNS", "ATTRIBUTED_BY"}})
	// Incident, three attributions and their three attributors.
	if len(typed.Nodes) != 7 {
		t.Fatalf("CONCERNS+ATTRIBUTED_BY at depth 2: %d nodes %v", len(typed.Nodes), typed.Nodes)
	}
	states := walk(t, subgraph.Request{Roots: []string{incident}, Depth: 2, NodeTypes: []string{"State"}})
	for _, id := range states.Nodes {
		if typ, _, _ := store.DecodeNodeID(id); id != incident && typ != "State" {
			t.Fatalf("node type filter let in %s", typ)
		}
	}
	all := walk(t, subgraph.Request{})
	if len(all.Nodes) < 40 || len(all.Documents) != 2 {
		t.Fatalf("whole graph: %d nodes, %d documents", len(all.Nodes), len(all.Documents))
	}
}

func TestLimits(t *testing.T) {
	for _, r := range []subgraph.Request{{Depth: -1}, {Depth: 7}, {MaxNodes: 3}} {
		s, _ := store.Open("", store.Options{InMemory: true})
		b, _ := seed.Default()
		seed.Load(s, b)
		err := view.New(s, view.Scope{}).View(func(tx *view.Txn) error { _, err := subgraph.Walk(tx, r); return err })
		s.Close()
		if !errors.Is(err, subgraph.ErrLimit) {
			t.Errorf("%+v: %v, want ErrLimit", r, err)
		}
	}
}

// walkMarked walks the seed after marking the article AMBER and one state
// GREEN.
func walkMarked(t *testing.T, clearance string, r subgraph.Request) (*subgraph.Selection, error) {
	t.Helper()
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, _ := seed.Default()
	if _, err := seed.Load(s, b); err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *store.Txn) error {
		for id, m := range map[string]string{article: "AMBER", store.NodeID("State", "GB"): "GREEN"} {
			n, err := tx.Node(id)
			if err != nil {
				return err
			}
			n.Marking = m
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sel *subgraph.Selection
	err = view.New(s, view.Scope{Clearance: clearance}).View(func(tx *view.Txn) error {
		sel, err = subgraph.Walk(tx, r)
		return err
	})
	return sel, err
}

func TestClearanceHidesMarkedRecords(t *testing.T) {
	gb := store.NodeID("State", "GB")
	for _, c := range []struct {
		clearance   string
		gb, article bool
	}{{"", false, false}, {"GREEN", true, false}, {"AMBER", true, true}} {
		sel, err := walkMarked(t, c.clearance, subgraph.Request{Roots: []string{incident}, Depth: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(sel.Nodes, gb); got != c.gb {
			t.Errorf("clearance %q: GREEN state selected %v, want %v", c.clearance, got, c.gb)
		}
		if got := sel.Cites(article); got != c.article || slices.Contains(sel.Documents, article) != c.article {
			t.Errorf("clearance %q: AMBER article cited %v, want %v", c.clearance, got, c.article)
		}
		// What an export must drop citations into, and only that.
		if got := slices.Equal(sel.Withheld, []string{article}); got == c.article {
			t.Errorf("clearance %q: withheld %v", c.clearance, sel.Withheld)
		}
	}
	// A marked root is, below its marking, not there.
	if _, err := walkMarked(t, "CLEAR", subgraph.Request{Roots: []string{gb}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GREEN root at CLEAR: %v, want not found", err)
	}
}
