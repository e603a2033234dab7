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
	return r.keepClaimed(ctx, ids, "blamedBy", claimant, ontology.AttributedBy, ontology.Blames)
}

// attributedTo keeps the ids that some claim blaming party is about.
func (r *Resolver) attributedTo(ctx context.Context, ids []string, party string) ([]string, error) {
	return r.keepClaimed(ctx, ids, "attributedTo", party, ontology.Blames, ontology.Concerns)
}

// keepClaimed keeps the ids that some claim linked to party by partyEdge
// points at by claimEdge; arg names the argument party came from.
func (r *Resolver) keepClaimed(ctx context.Context, ids []string, arg, party, partyEdge, claimEdge string) ([]string, error) {
	claims, err := r.claimsBy(ctx, arg, party, partyEdge)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, a := range claims {
		ns, err := r.neighbours(ctx, a.ID, store.Out, claimEdge)
		if err != nil {
			return nil, err
		}
		for _, n := range ns {
			keep[idOf(n)] = true
		}
	}
	return slices.DeleteFunc(ids, func(id string) bool { return !keep[id] }), nil
}
