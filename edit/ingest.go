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
		if err != nil {
			return err
		}
		return viasSpeakFor(tx, b)
	})
	if err != nil {
		return seed.Result{}, fmt.Errorf("ingest: %w", err)
	}
	return res, nil
}

// viasSpeakFor applies the rule addAttribution applies to a facts file: each
// VIA of an attribution is its claimant, or a member or part of it. It
// reads the transaction after the bundle's writes, so memberships the file
// itself states count.
func viasSpeakFor(tx *store.Txn, b *seed.Bundle) error {
	for _, e := range b.Edges {
		if e.Type != ontology.Via {
			continue
		}
		if typ, _, err := store.DecodeNodeID(e.From); err != nil || typ != ontology.Attribution {
			continue
		}
		refs, err := tx.Edges(e.From, store.Out, ontology.AttributedBy)
		if err != nil {
			return err
		}
		for _, r := range refs {
			ok, err := speaksFor(tx, e.To, r.Other)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("VIA from %s to %s: the speaker is not a member or part of the claimant %s; state the membership (MEMBER_OF, PART_OF) or file the claim under the speaker's own claimant", factRef(e.From), factRef(e.To), factRef(r.Other))
			}
		}
	}
	return nil
}

// factRef names a node as a facts file does (Type:key).
func factRef(id string) string {
	typ, key, err := store.DecodeNodeID(id)
	if err != nil {
		return "an unknown node"
	}
	return typ + ":" + key
}
