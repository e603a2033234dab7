package edit

import (
	"fmt"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// Ingest writes a resolved facts bundle in one transaction, recording who
// ingested it and what each written record was before and after, as the
// mutations do. Records identical to those stored are not written again,
// so ingesting the same bundle twice changes nothing, not even the audit
// trail. by names who ingested it; marking ("" for CLEAR) marks every
// record of the bundle.
func (e *Editor) Ingest(by, marking string, b *seed.Bundle) (seed.Result, error) {
	if ontology.MarkingLevel(marking) < 0 {
		return seed.Result{}, fmt.Errorf("ingest: marking %q is not one of %v", marking, ontology.Markings)
	}
	for i := range b.Nodes {
		b.Nodes[i].CreatedBy, b.Nodes[i].Marking = by, marking
	}
	for i := range b.Edges {
		b.Edges[i].CreatedBy, b.Edges[i].Marking = by, marking
	}
	var res seed.Result
	err := e.store.Update(func(tx *store.Txn) error {
		w := &writer{tx: tx, mutation: "ingest", at: e.Now().UTC().Format(TimeLayout)}
		w.p.Name = by
		var err error
		res, err = seed.Put(tx, b, func(before, after any) error {
			op := "create"
			if before != nil {
				op = "update"
			}
			switch a := after.(type) {
			case *store.Node:
				return w.audit(op, a.ID, "node", "", before, a, a.Marking)
			case *store.Edge:
				return w.audit(op, a.ID, "edge", a.From, before, a, a.Marking)
			}
			return fmt.Errorf("unexpected record %T", after)
		})
		return err
	})
	if err != nil {
		return seed.Result{}, fmt.Errorf("ingest: %w", err)
	}
	return res, nil
}
