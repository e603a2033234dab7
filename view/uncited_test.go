package view_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
	"github.com/attrib/attrib/view"
)

// NodeUncited answers as Node does, for every node and every scope, except
// that it leaves the citations out; and reading a node without them does
// not take them from a later Node of the same node in the same reader.
func TestNodeUncitedIsNodeWithoutCitations(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 3, Incidents: 20})
	var ids []string
	err := s.Update(func(tx *store.Txn) error {
		for _, typ := range []string{ontology.Document, ontology.Incident, ontology.Attribution, ontology.Response, ontology.State} {
			some, err := tx.NodeIDsByType(typ)
			if err != nil {
				return err
			}
			ids = append(ids, some...)
		}
		// Mark and retract a share of the nodes, documents included, so
		// that some are hidden and some claims cite hidden documents.
		for i, id := range ids {
			if i%3 != 0 {
				continue
			}
			n, err := tx.Node(id)
			if err != nil {
				return err
			}
			n.Marking = []string{"GREEN", "AMBER", "RED"}[i%9/3]
			if i%7 == 0 {
				n.Retraction = &store.Retraction{By: "test", At: "2026-01-01T00:00:00Z", Reason: "test"}
			}
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	shown, dropped := 0, 0
	for _, sc := range []view.Scope{{Clearance: "CLEAR"}, {Clearance: "GREEN"}, {Clearance: "AMBER"}, view.Everything()} {
		// What Node answers in a reader that never read a node without
		// its citations.
		ref := map[string]*store.Node{}
		err := view.New(s, sc).View(func(tx *view.Txn) error {
			for _, id := range ids {
				if n, err := tx.Node(id); err == nil {
					ref[id] = n
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = view.New(s, sc).View(func(tx *view.Txn) error {
			for _, id := range ids {
				// The first read of a node's links keeps the nodes they
				// reach; NodeUncited then answers from what was kept.
				if _, err := tx.EdgesToLoad(id, store.Out, ""); err != nil {
					return err
				}
				bare, errBare := tx.NodeUncited(id)
				whole, errWhole := tx.Node(id)
				if errors.Is(errBare, store.ErrNotFound) != errors.Is(errWhole, store.ErrNotFound) || (errBare == nil) != (errWhole == nil) {
					t.Fatalf("%+v, %s: NodeUncited says %v, Node says %v", sc, id, errBare, errWhole)
				}
				if errWhole != nil {
					continue
				}
				if !reflect.DeepEqual(whole, ref[id]) {
					t.Fatalf("%+v, %s: after NodeUncited, Node gives %+v; alone it gives %+v", sc, id, whole, ref[id])
				}
				if bare.Citations != nil {
					t.Fatalf("%+v, %s: NodeUncited kept %d citations", sc, id, len(bare.Citations))
				}
				cited := *whole
				cited.Citations = nil
				if !reflect.DeepEqual(*bare, cited) {
					t.Fatalf("%+v, %s: NodeUncited gives %+v, Node without citations %+v", sc, id, *bare, cited)
				}
				if whole.Type != ontology.Document && len(whole.Citations) == 0 {
					dropped++
				}
				shown++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if shown == 0 || dropped == 0 {
		t.Fatalf("%d nodes shown, %d shown with every citation hidden: the fixture tests too little", shown, dropped)
	}
}
