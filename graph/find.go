package graph

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/store"
)

func errUnavailable(msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": apierr.Unavailable}}
}

// walkError turns a graph walk's error into what the client should see:
// a bound passed or a bad argument is the client's to fix.
func walkError(op string, err error) error {
	switch {
	case errors.Is(err, graphalgo.ErrBounds), errors.As(err, new(*graphalgo.KindError)):
		return errInvalid(op, "%v", err)
	case errors.Is(err, store.ErrNotFound):
		return &gqlerror.Error{Message: op + ": " + err.Error(), Extensions: map[string]any{"code": apierr.NotFound}}
	}
	return err
}

// typed loads one node that must exist and be of model type T.
func typed[T model.Node](ctx context.Context, r *Resolver, what, id string) (T, error) {
	var zero T
	n, err := r.node(ctx, id)
	if err != nil {
		return zero, err
	}
	t, ok := n.(T)
	if !ok {
		return zero, errNotFound(what, id)
	}
	return t, nil
}

// linksByRef loads the edges behind adjacency refs, in order.
func (r *Resolver) linksByRef(ctx context.Context, refs []store.EdgeRef) ([]*model.Link, error) {
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.ID
	}
	es, err := r.loaders(ctx).links.LoadAll(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Link, len(es))
	for i, e := range es {
		out[i] = model.FromEdge(e)
	}
	return out, nil
}

// dateArg reads an optional date argument ("" when absent).
func dateArg(d *model.Date) string {
	if d == nil {
		return ""
	}
	return string(*d)
}

// cutAt makes an incident show only the claims and acts dated by asOf.
func cutAt(n model.Node, asOf *model.Date) {
	if i, ok := n.(*model.Incident); ok && asOf != nil {
		i.SetCutoff(*asOf)
	}
}
