package seed

import (
	"fmt"

	"github.com/attrib/attrib/store"
)

// Result counts what a load wrote; records identical to those stored are
// not written again.
type Result struct {
	Nodes, Edges       int // in the bundle
	NewNodes, NewEdges int // written because absent or different
}

// Load writes the bundle into s in one transaction: either all of it is
// stored or none. Loading the same bundle twice changes nothing.
func Load(s *store.Store, b *Bundle) (Result, error) {
	res := Result{Nodes: len(b.Nodes), Edges: len(b.Edges)}
	err := s.Update(func(tx *store.Txn) error {
		for i := range b.Nodes {
			changed, err := tx.PutNode(&b.Nodes[i])
			if err != nil {
				return err
			}
			if changed {
				res.NewNodes++
			}
		}
		for i := range b.Edges {
			changed, err := tx.PutEdge(&b.Edges[i])
			if err != nil {
				return err
			}
			if changed {
				res.NewEdges++
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("load facts: %w", err)
	}
	return res, nil
}
