package edit

import (
	"errors"
	"fmt"
	"slices"

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
	err = keepLiveReports(imp, b)
	if err == nil {
		err = citeClaims(imp, b, marking)
	}
	if err == nil {
		err = stage()
	}
	if err == nil {
		err = viasSpeakFor(imp, b)
	}
	if err != nil {
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

// viasSpeakFor applies the rule addAttribution applies to a facts file: each
// VIA of an attribution is its claimant, or a member or part of it. The
// memberships the file itself states count, with the live graph's.
func viasSpeakFor(imp *store.Import, b *seed.Bundle) error {
	stated := map[[2]string][]string{} // (from, type) -> to, from the bundle
	for _, e := range b.Edges {
		if e.Retraction == nil {
			k := [2]string{e.From, e.Type}
			stated[k] = append(stated[k], e.To)
		}
	}
	return imp.Live(func(tx *store.Txn) error {
		out := func(id, typ string) ([]string, error) {
			others := append([]string(nil), stated[[2]string{id, typ}]...)
			refs, err := tx.Edges(id, store.Out, typ)
			for _, r := range refs {
				if !r.Retracted {
					others = append(others, r.Other)
				}
			}
			return others, err
		}
		for _, e := range b.Edges {
			if e.Type != ontology.Via {
				continue
			}
			typ, _, err := store.DecodeNodeID(e.From)
			if err != nil || (typ != ontology.Attribution && typ != ontology.Stance) {
				continue
			}
			whose := ontology.AttributedBy
			if typ == ontology.Stance {
				whose = ontology.HeldBy
			}
			claimants, err := out(e.From, whose)
			if err != nil {
				return err
			}
			for _, c := range claimants {
				ok, err := speaksThrough(out, e.To, c)
				if err != nil {
					return err
				}
				if !ok {
					return fmt.Errorf("VIA from %s to %s: the speaker is not a member or part of the claimant %s; state the membership (MEMBER_OF, PART_OF) or file the claim under the speaker's own claimant", factRef(e.From), factRef(e.To), factRef(c))
				}
			}
		}
		return nil
	})
}

// factRef names a node as a facts file does (Type:key).
func factRef(id string) string {
	typ, key, err := store.DecodeNodeID(id)
	if err != nil {
		return "an unknown node"
	}
	return typ + ":" + key
}

// citeClaims adds the bundle's further reports of claims (Bundle.Cites) to
// the claims they cite: to the bundle's own node when it defines the claim,
// else to the stored claim, which is staged again with its citations
// merged and its marking and author kept. A claim already citing the same
// span is left as it is, so a second ingest writes nothing.
func citeClaims(imp *store.Import, b *seed.Bundle, marking string) error {
	if len(b.Cites) == 0 {
		return nil
	}
	inBundle := map[string]int{}
	for i, n := range b.Nodes {
		inBundle[n.ID] = i
	}
	var live []store.Node
	at := map[string]int{}
	err := imp.Live(func(tx *store.Txn) error {
		for _, c := range b.Cites {
			if i, ok := inBundle[c.Claim]; ok {
				b.Nodes[i].Citations = mergeCitations(b.Nodes[i].Citations, c.Citations)
				continue
			}
			if i, ok := at[c.Claim]; ok {
				live[i].Citations = mergeCitations(live[i].Citations, c.Citations)
				continue
			}
			n, err := tx.Node(c.Claim)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("citations of %s: no such claim in the file or the data directory", factRef(c.Claim))
			}
			if err != nil {
				return err
			}
			if n.Retraction != nil {
				return fmt.Errorf("citations of %s: the claim is retracted; unretract it before citing it again", factRef(c.Claim))
			}
			if ontology.MarkingLevel(marking) > ontology.MarkingLevel(n.Marking) {
				return fmt.Errorf("citations of %s: the claim is marked %s and this ingest %s; a claim may not cite a document marked above it, so ingest the report at the claim's marking or add a claim of its own", factRef(c.Claim), markingOrClear(n.Marking), marking)
			}
			n.Citations = mergeCitations(n.Citations, c.Citations)
			at[c.Claim] = len(live)
			live = append(live, *n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range live {
		if err := imp.StageNode(&live[i]); err != nil {
			return err
		}
	}
	return nil
}

func markingOrClear(m string) string {
	if m == "" {
		return "CLEAR"
	}
	return m
}

// keepLiveReports keeps, on each claim of the bundle already stored with
// the same properties, the citations other reports added to it since, so
// that ingesting a file again does not drop them (seed.KeepReports).
func keepLiveReports(imp *store.Import, b *seed.Bundle) error {
	return imp.Live(func(tx *store.Txn) error {
		for i := range b.Nodes {
			n := &b.Nodes[i]
			if !slices.Contains(ontology.ClaimTypes, n.Type) {
				continue
			}
			old, err := tx.Node(n.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			seed.KeepReports(n, old)
		}
		return nil
	})
}
