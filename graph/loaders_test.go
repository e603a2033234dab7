package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// A page of 100 attributions with their attributors is served by a handful
// of batched store transactions, not one per attribution.
func TestLoadersBatchAPageOfAttributions(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cited := []store.Citation{{Document: "d", Exact: "x", End: 1}}
	err = s.Update(func(tx *store.Txn) error {
		inc := &store.Node{ID: store.NodeID("Incident", "i"), Type: "Incident", Citations: cited,
			Props: store.Props{"date": "2022-07-15", "date_precision": "DAY"}}
		if _, err := tx.PutNode(inc); err != nil {
			return err
		}
		for i := range 100 {
			st := &store.Node{ID: store.NodeID("State", fmt.Sprint(i)), Type: "State", Citations: cited,
				Props: store.Props{"code": fmt.Sprintf("%c%c", 'A'+i/26, 'A'+i%26)}}
			a := &store.Node{ID: store.NodeID("Attribution", fmt.Sprint(i)), Type: "Attribution", Citations: cited,
				Props: store.Props{"date": "2022-09-07", "date_precision": "DAY", "band": "LIKELY"}}
			for _, n := range []*store.Node{st, a} {
				if _, err := tx.PutNode(n); err != nil {
					return err
				}
			}
			for _, e := range []*store.Edge{
				{Type: "ATTRIBUTED_BY", From: a.ID, To: st.ID},
				{Type: "CONCERNS", From: a.ID, To: inc.ID},
			} {
				e.ID, e.Citations = store.EdgeID(e.Type, e.From, e.To), cited
				if _, err := tx.PutEdge(e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	loaders := NewLoaders(view.New(s, view.Scope{Clearance: auth.Anonymous.Clearance()}))
	h := newServer(s, DefaultLimits, nil)
	r := gqltest.Serve(t, h, gqltest.Request{Query: `{ attributions(first: 100) { edges { node { attributor { code } incident { id } } } } }`,
		Context: context.WithValue(t.Context(), loadersKey{}, loaders)})
	if r.Status != 200 || strings.Contains(r.Body, `"errors"`) {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := strings.Count(r.Body, `"code"`); got != 100 {
		t.Fatalf("answer has %d attributors, want 100", got)
	}
	// Page nodes, their edges, the attributors and incidents: a few batches
	// per level, more on a loaded machine when the scheduler spreads the
	// resolvers out (4 to 58 seen on 2 cores, 51 under the race
	// detector there). Unbatched, it would be over 300: one read per
	// attribution per field. The bound, a third of that, fails when
	// batching is lost, not when the scheduler is slow.
	if n := loaders.Batches.Load(); n > 100 {
		t.Errorf("100 attributions with attributors took %d store transactions, want at most 100 (unbatched: over 300)", n)
	} else {
		t.Logf("100 attributions with attributors and incidents: %d batched store transactions", n)
	}
}
