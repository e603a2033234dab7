package graph

import (
	"context"
	"slices"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// usedByConstraint narrows a list of capabilities to those the node usedBy
// uses.
func usedByConstraint(usedBy *string) []constraint {
	if usedBy == nil {
		return nil
	}
	return []constraint{{arg: "usedBy", id: *usedBy, dir: store.Out, edgeType: ontology.Uses}}
}

// claimsBy returns the IDs of the visible attributions joined to id by an
// edge of edgeType (into id).
func (r *Resolver) claimsBy(ctx context.Context, arg, id, edgeType string) ([]*model.Attribution, error) {
	if _, _, err := store.DecodeNodeID(id); err != nil {
		return nil, errInvalid(arg, "%v", err)
	}
	return linked[*model.Attribution](ctx, r, id, store.In, edgeType)
}

// blamedBy keeps the ids that some claim by claimant blames.
func (r *Resolver) blamedBy(ctx context.Context, ids []string, claimant string) ([]string, error) {
	claims, err := r.claimsBy(ctx, "blamedBy", claimant, ontology.AttributedBy)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, a := range claims {
		ns, err := r.neighbours(ctx, a.ID, store.Out, ontology.Blames)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			keep[idOf(n)] = true
		}
	}
	return slices.DeleteFunc(ids, func(id string) bool { return !keep[id] }), nil
}

// attributedTo keeps the ids that some claim blaming party is about.
func (r *Resolver) attributedTo(ctx context.Context, ids []string, party string) ([]string, error) {
	claims, err := r.claimsBy(ctx, "attributedTo", party, ontology.Blames)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, a := range claims {
		ns, err := r.neighbours(ctx, a.ID, store.Out, ontology.Concerns)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			keep[idOf(n)] = true
		}
	}
	return slices.DeleteFunc(ids, func(id string) bool { return !keep[id] }), nil
}
