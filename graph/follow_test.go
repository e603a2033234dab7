package graph

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
)

// Neighbours are followed from what the adjacency index says of each edge:
// a retracted or too highly marked link must stop joining its ends there
// exactly as it would if the edge record were read.
func TestNeighboursFollowOnlyVisibleLinks(t *testing.T) {
	s := seedtest.Store(t)
	h := NewHandler(s, DefaultLimits, nil)
	gb := store.NodeID("State", "GB")
	made := func(directive string) int {
		t.Helper()
		q := fmt.Sprintf(`query %s { node(id: %q) { ... on State { attributionsMade { id } } } }`, directive, gb)
		out := do(t, h, q)
		var data struct {
			Node struct{ AttributionsMade []struct{ ID string } } `json:"node"`
		}
		if len(out.Errors) != 0 || json.Unmarshal(out.Data, &data) != nil {
			t.Fatalf("%s: %s", q, out.Body)
		}
		return len(data.Node.AttributionsMade)
	}
	if n := made(""); n != 1 {
		t.Fatalf("GB made %d attributions in the seed, want 1", n)
	}
	edgeID := store.EdgeID("ATTRIBUTED_BY", store.NodeID("Attribution", "gb-blames-ir"), gb)
	change := func(f func(e *store.Edge)) {
		t.Helper()
		err := s.Update(func(tx *store.Txn) error {
			e, err := tx.Edge(edgeID)
			if err != nil {
				return err
			}
			f(e)
			_, err = tx.PutEdge(e)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	change(func(e *store.Edge) {
		e.Retraction = &store.Retraction{By: "admin", At: "2026-01-01T00:00:00Z", Reason: "test"}
	})
	if n := made(""); n != 0 {
		t.Errorf("a retracted ATTRIBUTED_BY link is still followed: %d attributions", n)
	}
	if n := made("@withRetracted"); n != 1 {
		t.Errorf("@withRetracted follows %d retracted links, want 1", n)
	}
	change(func(e *store.Edge) { e.Retraction = nil; e.Marking = "RED" })
	if n := made(""); n != 0 {
		t.Errorf("an anonymous reader follows a RED link: %d attributions", n)
	}
	change(func(e *store.Edge) { e.Marking = "" })
	if n := made(""); n != 1 {
		t.Errorf("a cleared link is not followed again: %d attributions", n)
	}
}
