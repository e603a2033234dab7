package seed

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/attrib/attrib/ontology"
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
	for i := range b.Nodes {
		n := &b.Nodes[i]
		var before any
		if onChange != nil || slices.Contains(ontology.ClaimTypes, n.Type) {
			old, err := tx.Node(n.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return res, err
			}
			if old != nil {
				before = old
				KeepReports(n, old)
			}
		}
		changed, err := tx.PutNode(n)
		if err != nil {
			return res, err
		}
		if changed {
			res.NewNodes++
			if onChange != nil {
				if err := onChange(before, n); err != nil {
					return res, err
				}
			}
		}
	}
	for _, c := range b.Cites {
		n, err := tx.Node(c.Claim)
		if err != nil {
			return res, fmt.Errorf("citations of %s: %w", c.Claim, err)
		}
		before := *n
		for _, add := range c.Citations {
			if !slices.ContainsFunc(n.Citations, func(h store.Citation) bool {
				return h.Document == add.Document && h.Start == add.Start && h.End == add.End
			}) {
				n.Citations = append(n.Citations, add)
			}
		}
		changed, err := tx.PutNode(n)
		if err != nil {
			return res, err
		}
		if changed && onChange != nil {
			if err := onChange(&before, n); err != nil {
				return res, err
			}
		}
	}
	for i := range b.Edges {
		e := &b.Edges[i]
		var before any
		if onChange != nil {
			old, err := tx.Edge(e.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return res, err
			}
			if old != nil {
				before = old
			}
		}
		changed, err := tx.PutEdge(e)
		if err != nil {
			return res, err
		}
		if changed {
			res.NewEdges++
			if onChange != nil {
				if err := onChange(before, e); err != nil {
					return res, err
				}
			}
		}
	}
	return res, nil
}

// KeepReports keeps, on a claim loaded again, the citations other reports
// added to the stored claim (addCitation, a facts file's citations): the
// same claim with the same properties is the same claim, and loading the
// seed again must not drop what analysts cited it from since.
func KeepReports(n, old *store.Node) {
	if !slices.Contains(ontology.ClaimTypes, n.Type) || !reflect.DeepEqual(map[string]any(n.Props), map[string]any(old.Props)) {
		return
	}
	for _, c := range old.Citations {
		if !slices.ContainsFunc(n.Citations, func(h store.Citation) bool {
			return h.Document == c.Document && h.Start == c.Start && h.End == c.End
		}) {
			n.Citations = append(n.Citations, c)
		}
	}
}
