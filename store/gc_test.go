package store

import (
	"strings"
	"testing"
)

// Overwriting large values leaves garbage in the value log; a GC pass must
// run without error and leave every current value readable.
func TestCollectGarbageKeepsCurrentValues(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	big := strings.Repeat("x", 4<<10) // above the value threshold: value log
	for round := range 3 {
		err := s.Update(func(tx *Txn) error {
			for i := range 200 {
				n := &Node{ID: NodeIDRaw("Document:" + string(rune('a'+i%26)) + strings.Repeat("k", i/26)), Type: "Document",
					Props: Props{"text": big, "round": float64(round)}}
				if _, err := tx.PutNode(n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CollectGarbage(); err != nil {
		t.Fatal(err)
	}
	err = s.View(func(tx *Txn) error {
		ids, err := tx.NodeIDsByType("Document")
		if len(ids) != 200 {
			t.Errorf("%d documents after gc, want 200", len(ids))
		}
		for _, id := range ids {
			n, err := tx.Node(id)
			if err != nil {
				return err
			}
			if n.Props["round"] != float64(2) || n.Props.String("text") != big {
				t.Errorf("%s lost its latest value", id)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
