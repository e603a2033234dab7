package graphalgo

import (
	"errors"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

var (
	albania  = store.NodeID("State", "AL")
	iran     = store.NodeID("State", "IR")
	britain  = store.NodeID("State", "GB")
	usa      = store.NodeID("State", "US")
	incident = store.NodeID("Incident", "2022-07-15-albania-gov")
)

// read runs fn in a read of st that sees everything.
func read(t *testing.T, st *store.Store, fn func(tx *view.Txn) error) {
	t.Helper()
	if err := view.New(st, view.Everything()).View(fn); err != nil {
		t.Fatal(err)
	}
}

// Britain and the United States each blamed Iran, separately: following
// only who claimed what about which incident, the two states meet at the
// incident and nowhere else.
func TestPathJoinsTwoStatesThroughTheIncident(t *testing.T) {
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
		ps, err := ShortestPaths(tx, britain, usa, PathOptions{EdgeTypes: []string{ontology.AttributedBy, ontology.Concerns}})
		if err != nil {
			return err
		}
		if len(ps) != 1 {
			t.Fatalf("got %d paths, want 1: %+v", len(ps), ps)
		}
		p := ps[0]
		want := []string{britain, store.NodeID("Attribution", "gb-blames-ir"), incident, store.NodeID("Attribution", "us-blames-ir"), usa}
		if len(p.Nodes) != len(want) {
			t.Fatalf("path %v, want %v", p.Nodes, want)
		}
		for i := range want {
			if p.Nodes[i] != want[i] {
				t.Fatalf("path %v, want %v", p.Nodes, want)
			}
		}
		if len(p.Edges) != 4 || p.Edges[1].Type != ontology.Concerns || p.Edges[2].Type != ontology.Concerns {
			t.Errorf("edges %+v, want ATTRIBUTED_BY, CONCERNS, CONCERNS, ATTRIBUTED_BY", p.Edges)
		}
		// Without the incident's edges the two are not joined at all.
		ps, err = ShortestPaths(tx, britain, usa, PathOptions{EdgeTypes: []string{ontology.AttributedBy}})
		if err != nil {
			return err
		}
		if len(ps) != 0 {
			t.Errorf("paths without CONCERNS: %+v, want none", ps)
		}
		return nil
	})
}

func TestPathsAndNeighbourhoodAreBounded(t *testing.T) {
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
		if _, err := ShortestPaths(tx, britain, usa, PathOptions{MaxHops: MaxHops + 1}); !errors.Is(err, ErrBounds) {
			t.Errorf("maxHops %d: err = %v, want ErrBounds", MaxHops+1, err)
		}
		if _, err := Around(tx, iran, MaxDepth+1); !errors.Is(err, ErrBounds) {
			t.Errorf("depth %d: err = %v, want ErrBounds", MaxDepth+1, err)
		}
		nb, err := Around(tx, incident, 1)
		if err != nil {
			return err
		}
		// The incident, its two targets, three attributions, seven
		// responses and the statements about it.
		if nb.Nodes[0] != incident || nb.Distance[albania] != 1 || nb.Distance[store.NodeID("Attribution", "al-blames-ir")] != 1 {
			t.Errorf("neighbourhood %+v lacks the incident's target and claims", nb.Nodes)
		}
		if _, ok := nb.Distance[iran]; ok {
			t.Errorf("Iran is two hops from the incident, not one")
		}
		return nil
	})
}
