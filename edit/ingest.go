package edit

import (
	"errors"
	"fmt"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// Ingest writes a resolved facts bundle, all or nothing, recording who
// ingested it and what each written record was before and after, as the
// mutations do. Records identical to those stored are not written again,
// so ingesting the same bundle twice changes nothing, not even the audit
// trail. by names who ingested it; marking ("" for CLEAR) marks every
// record of the bundle.
//
// The bundle is written as a staged import (store.Import), so it may hold
// more than one transaction can commit: readers see none of it until all
// of it, and a crash part way leaves the store as before or as after.
// Each record's audit entry is written in the same commit as the record.
func (e *Editor) Ingest(by, marking string, b *seed.Bundle) (seed.Result, error) {
	if ontology.MarkingLevel(marking) < 0 {
		return seed.Result{}, fmt.Errorf("ingest: marking %q is not one of %v", marking, ontology.Markings)
	}
	imp, err := e.store.BeginImport(store.ImportOptions{Audit: &store.AuditAs{
		By: by, Mutation: "ingest", At: e.Now().UTC().Format(TimeLayout)}})
	if err != nil {
		return seed.Result{}, fmt.Errorf("ingest: %w", err)
	}
	stage := func() error {
		for i := range b.Nodes {
			b.Nodes[i].CreatedBy, b.Nodes[i].Marking = by, marking
			if err := imp.StageNode(&b.Nodes[i]); err != nil {
				return err
			}
		}
		for i := range b.Edges {
			b.Edges[i].CreatedBy, b.Edges[i].Marking = by, marking
			if err := imp.StageEdge(&b.Edges[i]); err != nil {
				return err
			}
		}
		return nil
	}
	if err := stage(); err != nil {
		imp.Abort()
		if errors.Is(err, store.ErrDuplicate) {
			err = fmt.Errorf("%w: %v", store.ErrInvalid, err)
		}
		return seed.Result{}, fmt.Errorf("ingest: %w", err)
	}
	applied, err := imp.Commit(nil)
	if err != nil {
		return seed.Result{}, fmt.Errorf("ingest: %w", err)
	}
	return seed.Result{Nodes: len(b.Nodes), Edges: len(b.Edges), NewNodes: applied.Nodes, NewEdges: applied.Edges}, nil
}
