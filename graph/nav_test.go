package graph

import (
	"testing"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// A neighbourhood finds its centre and each node's distance by the
// node's ID: every node type must give it, or a node of a new type sits
// at distance 0 and a neighbourhood centred on one has no centre.
func TestIDOfKnowsEveryNodeType(t *testing.T) {
	for _, typ := range ontology.NodeTypes {
		id := store.NodeID(typ, "x")
		m, err := model.FromNode(&store.Node{ID: id, Type: typ, Props: store.Props{}})
		if err != nil {
			t.Errorf("%s: %v", typ, err)
			continue
		}
		if got := idOf(m); got != id {
			t.Errorf("idOf a %s = %q, want %q", typ, got, id)
		}
	}
}
