package main

import (
	"testing"

	"github.com/attrib/attrib/store"
)

// serve seeds a data directory only when it holds nothing at all: a store
// with facts but no document is not empty.
func TestIsEmptyCountsEveryNode(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if empty, err := isEmpty(s); err != nil || !empty {
		t.Fatalf("a new store: empty %v, %v", empty, err)
	}
	err = s.Update(func(tx *store.Txn) error {
		_, err := tx.PutNode(&store.Node{ID: store.NodeID("State", "AL"), Type: "State", Props: store.Props{"code": "AL"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if empty, err := isEmpty(s); err != nil || empty {
		t.Fatalf("a store holding a State and no document: empty %v, %v", empty, err)
	}
}
