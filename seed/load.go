package seed

import (
	"errors"
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
	var res Result
	err := s.Update(func(tx *store.Txn) error {
		var err error
		res, err = Put(tx, b, nil)
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("load facts: %w", err)
	}
	return res, nil
}

// Put writes the bundle within tx. onChange, when not nil, is called for
// each record actually written, with the stored record before (nil when it
// is new) and after: that is how an ingest records its audit trail in the
// same transaction.
func Put(tx *store.Txn, b *Bundle, onChange func(before, after any) error) (Result, error) {
	res := Result{Nodes: len(b.Nodes), Edges: len(b.Edges)}
	var err error
	if res.NewNodes, err = put(b.Nodes, func(n *store.Node) string { return n.ID }, tx.Node, tx.PutNode, onChange); err != nil {
		return res, err
	}
	res.NewEdges, err = put(b.Edges, func(e *store.Edge) string { return e.ID }, tx.Edge, tx.PutEdge, onChange)
	return res, err
}

// put writes each of recs with write, telling onChange of each one that
// changed, with the record read before (nil when there was none), and
// returns how many changed. Nodes and edges go through it alike.
func put[R any](recs []R, id func(*R) string, read func(string) (*R, error), write func(*R) (bool, error), onChange func(before, after any) error) (int, error) {
	changed := 0
	for i := range recs {
		r := &recs[i]
		var before any
		if onChange != nil {
			old, err := read(id(r))
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return changed, err
			}
			if old != nil {
				before = old
			}
		}
		ok, err := write(r)
		if err != nil {
			return changed, err
		}
		if !ok {
			continue
		}
		changed++
		if onChange != nil {
			if err := onChange(before, r); err != nil {
				return changed, err
			}
		}
	}
	return changed, nil
}
