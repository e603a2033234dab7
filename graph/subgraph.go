package graph

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// subgraphRequest turns GraphQL arguments into a walk request, with the
// server's node cap and the principal's clearance: the walk itself leaves
// out what the principal may not see, so the node cap counts only what is
// shown and no way out of the walk can forget the filter.
func (r *Resolver) subgraphRequest(ctx context.Context, root *string, roots []string, depth *int, edgeTypes []string, direction *model.Direction, nodeTypes []model.NodeType, includeRetracted *bool) (subgraph.Request, error) {
	if root != nil && roots != nil {
		return subgraph.Request{}, errInvalid("root", "give root or roots, not both")
	}
	req := subgraph.Request{Roots: roots, Depth: subgraph.DefaultHops, EdgeTypes: edgeTypes, MaxNodes: r.MaxNodes}
	if req.MaxNodes == 0 {
		req.MaxNodes = subgraph.DefaultMaxNodes
	}
	if root != nil {
		req.Roots = []string{*root}
	}
	if depth != nil {
		req.Depth = *depth
	}
	if direction != nil {
		switch *direction {
		case model.DirectionOut:
			req.Direction = store.Out
		case model.DirectionIn:
			req.Direction = store.In
		}
	}
	for _, t := range nodeTypes {
		req.NodeTypes = append(req.NodeTypes, string(t))
	}
	req.IncludeRetracted = includeRetracted != nil && *includeRetracted
	if err := auth.RetractedAllowed(auth.FromContext(ctx), req.IncludeRetracted); err != nil {
		return req, errForbidden(err.Error())
	}
	if err := req.Validate(); err != nil {
		return req, selectionError(err)
	}
	return req, nil
}

// walkReader opens the read of a walk: the principal's clearance, and
// retracted facts when the request asks for them (subgraphRequest has
// checked the principal may).
func (r *Resolver) walkReader(ctx context.Context, req subgraph.Request) *view.Reader {
	return view.New(r.Store, view.Scope{Clearance: auth.FromContext(ctx).Role.Clearance(), Retracted: req.IncludeRetracted})
}

// selectionError gives walk errors their GraphQL codes: a limit or a bad
// argument is VALIDATION (the message states the limit), an unknown root
// NOT_FOUND.
func selectionError(err error) error {
	switch {
	case errors.Is(err, subgraph.ErrLimit), subgraph.IsArgError(err):
		return errInvalid("subgraph", "%v", err)
	case errors.Is(err, store.ErrNotFound):
		return errNotFoundMsg(err.Error())
	}
	return err
}

func errNotFoundMsg(msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": apierr.NotFound}}
}
