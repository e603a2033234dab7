package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/view"
)

// Visibility is not decided here: every read of a resolver goes through
// the request's view.Reader (see reader), opened for the request's scope,
// which yields nothing outside it. A resolver has no unfiltered read to
// call; TestQuerySideReadsOnlyThroughView guards that.

// scopeOf is what the request may see: its principal's clearance, and
// retracted facts when the operation carries @withRetracted.
func scopeOf(ctx context.Context) view.Scope {
	return view.Scope{Clearance: auth.FromContext(ctx).Role.Clearance(), Retracted: showRetracted(ctx)}
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

// reader is the request's scoped reader.
func (r *Resolver) reader(ctx context.Context) *view.Reader { return r.loaders(ctx).reader }

// citedDocument loads the document a citation points into. A retracted
// document still shows behind the facts that cite it (the citation is
// their evidence, and the document's own retracted field says so); its
// marking still applies.
func (r *Resolver) citedDocument(ctx context.Context, id string) (model.Node, error) {
	n, err := r.loaders(ctx).docs.Load(ctx, id)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return model.FromNode(n)
}
