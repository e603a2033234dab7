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
	var err error
	if res.NewNodes, err = put(b.Nodes, func(n *store.Node) string { return n.ID }, tx.Node, tx.PutNode, KeepReports, onChange); err != nil {
		return res, err
	}
	if err := putCites(tx, b.Cites, onChange); err != nil {
		return res, err
	}
	res.NewEdges, err = put(b.Edges, func(e *store.Edge) string { return e.ID }, tx.Edge, tx.PutEdge, nil, onChange)
	return res, err
}

// put writes each of recs with write, telling onChange of each one that
// changed, with the record read before (nil when there was none), and
// returns how many changed. keep, when not nil, is given each record and
// the stored one it replaces, to carry over what the record must keep.
// Nodes and edges go through it alike.
func put[R any](recs []R, id func(*R) string, read func(string) (*R, error), write func(*R) (bool, error), keep func(r, old *R), onChange func(before, after any) error) (int, error) {
	changed := 0
	for i := range recs {
		r := &recs[i]
		var before any
		if onChange != nil || keep != nil {
			old, err := read(id(r))
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return changed, err
			}
			if old != nil {
				before = old
				if keep != nil {
					keep(r, old)
				}
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

// putCites adds a facts file's further reports of known claims to them.
func putCites(tx *store.Txn, cites []Cites, onChange func(before, after any) error) error {
	for _, c := range cites {
		n, err := tx.Node(c.Claim)
		if err != nil {
			return fmt.Errorf("citations of %s: %w", c.Claim, err)
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
			return err
		}
		if changed && onChange != nil {
			if err := onChange(&before, n); err != nil {
				return err
			}
		}
	}
	return nil
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
