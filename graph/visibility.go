package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Visibility is decided here, once, for every read: node, nodesByID,
// neighbours and links call visible (and candidates skips retracted
// links), so no resolver filters on its own.
// A request sees a record when its role's clearance covers the record's
// TLP marking, and, unless the operation carries @withRetracted, when the
// record is not retracted.

// visible reports whether the request may see a record with meta m.
func visible(ctx context.Context, m store.Meta) bool {
	return cleared(ctx, m.Marking) && (m.Retraction == nil || showRetracted(ctx))
}

// followable reports whether the request may follow an edge, from what the
// adjacency index says of it: the same rule as visible.
func followable(ctx context.Context, ref store.EdgeRef) bool {
	return cleared(ctx, ref.Marking) && (!ref.Retracted || showRetracted(ctx))
}

// cleared reports whether the request's principal may read marking.
func cleared(ctx context.Context, marking string) bool {
	return ontology.Covers(clearance(ctx), marking)
}

// clearance is the most restricted marking the request's principal may
// read; the walk of subgraph and export is handed the same value.
func clearance(ctx context.Context) string {
	return auth.FromContext(ctx).Role.Clearance()
}

// showRetracted reports whether the operation asked for retracted facts.
func showRetracted(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Directives.ForName("withRetracted") != nil
}

// withRetracted implements the @withRetracted directive; showRetracted
// reads it from the operation itself.
func withRetracted(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	return next(ctx)
}

// citedDocument loads the document a citation points into. A retracted
// document still shows behind the facts that cite it (the citation is
// their evidence, and the document's own retracted field says so); its
// marking still applies.
func (r *Resolver) citedDocument(ctx context.Context, id string) (model.Node, error) {
	n, err := r.loaders(ctx).nodes.Load(ctx, id)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !cleared(ctx, n.Marking) {
		return nil, nil
	}
	return model.FromNode(n)
}
