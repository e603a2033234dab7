package graph

import (
	"context"
	"errors"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/store"
)

// node loads one node as its model type; nil when it does not exist or the
// request may not see it.
func (r *Resolver) node(ctx context.Context, id string) (model.Node, error) {
	n, err := r.loaders(ctx).nodes.Load(ctx, id)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return model.FromNode(n)
}

// nodesByID loads nodes as model types, in the order given, skipping IDs
// that do not exist and nodes the request may not see.
func (r *Resolver) nodesByID(ctx context.Context, ids []string) ([]model.Node, error) {
	ns, err := r.loaders(ctx).nodes.LoadAll(ctx, ids)
	out := make([]model.Node, 0, len(ids))
	var errs keyErrors
	if err != nil && !errors.As(err, &errs) {
		return nil, err
	}
	for i, n := range ns {
		if errs != nil && errs[i] != nil {
			if isNotFound(errs[i]) {
				continue
			}
			return nil, errs[i]
		}
		if n == nil {
			continue
		}
		m, err := model.FromNode(n)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// neighbours returns the nodes linked to id by edges of edgeType in dir,
// following only the edges the request may see.
func (r *Resolver) neighbours(ctx context.Context, id string, dir store.Direction, edgeType string) ([]model.Node, error) {
	refs, err := r.loaders(ctx).edges.Load(ctx, edgeKey{ID: id, Dir: dir, Type: edgeType})
	if err != nil {
		return nil, err
	}
	// The reader lists only the edges the request may follow, to nodes it
	// may see, so no edge record is read.
	ids := make([]string, 0, len(refs))
	seen := map[string]bool{}
	for _, ref := range refs {
		if !seen[ref.Other] {
			seen[ref.Other] = true
			ids = append(ids, ref.Other)
		}
	}
	return r.nodesByID(ctx, ids)
}

// linked returns the neighbours of one model type T.
func linked[T model.Node](ctx context.Context, r *Resolver, id string, dir store.Direction, edgeType string) ([]T, error) {
	ns, err := r.neighbours(ctx, id, dir, edgeType)
	if err != nil {
		return nil, err
	}
	return only[T](ns), nil
}

// only keeps the nodes of type T.
func only[T any](ns []model.Node) []T {
	out := make([]T, 0, len(ns))
	for _, n := range ns {
		if t, ok := n.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// one returns the first neighbour of type T, or nil.
func one[T model.Node](ctx context.Context, r *Resolver, id string, dir store.Direction, edgeType string) (T, error) {
	var zero T
	ts, err := linked[T](ctx, r, id, dir, edgeType)
	if err != nil || len(ts) == 0 {
		return zero, err
	}
	return ts[0], nil
}

// actors keeps the States and Organizations.
func actors(ns []model.Node) []model.Actor { return only[model.Actor](ns) }

// speakers keeps the Persons and Organizations.
func speakers(ns []model.Node) []model.Speaker { return only[model.Speaker](ns) }

// links returns the edges of a node, optionally of one type and direction.
func (r *Resolver) links(ctx context.Context, id string, typ *string, dir *model.Direction) ([]*model.Link, error) {
	d := store.Both
	if dir != nil {
		switch *dir {
		case model.DirectionOut:
			d = store.Out
		case model.DirectionIn:
			d = store.In
		}
	}
	t := ""
	if typ != nil {
		t = *typ
	}
	refs, err := r.loaders(ctx).edges.Load(ctx, edgeKey{ID: id, Dir: d, Type: t})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(refs))
	for i, ref := range refs {
		ids[i] = ref.ID
	}
	// The reader lists only the links the request may see, whose ends it
	// may see.
	es, err := loadAllFound(ctx, r.loaders(ctx).links, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Link, 0, len(es))
	for _, e := range es {
		out = append(out, model.FromEdge(e))
	}
	return out, nil
}

// idOf returns a model node's ID.
func idOf(n model.Node) string {
	switch v := n.(type) {
	case *model.Document:
		return v.ID
	case *model.State:
		return v.ID
	case *model.Organization:
		return v.ID
	case *model.Person:
		return v.ID
	case *model.Incident:
		return v.ID
	case *model.Attribution:
		return v.ID
	case *model.Response:
		return v.ID
	case *model.Statement:
		return v.ID
	case *model.Assessment:
		return v.ID
	case *model.ThreatActor:
		return v.ID
	case *model.Campaign:
		return v.ID
	case *model.Malware:
		return v.ID
	case *model.Tool:
		return v.ID
	case *model.AttackPattern:
		return v.ID
	case *model.Stance:
		return v.ID
	}
	return ""
}

// endpoint loads a link's endpoint, which must exist.
func (r *Resolver) endpoint(ctx context.Context, id string) (model.Node, error) {
	n, err := r.node(ctx, id)
	if err == nil && n == nil {
		return nil, errNotFound("node", id)
	}
	return n, err
}

// loadAllFound loads keys with l, in order, leaving out those not found
// (absent, or outside the request's scope).
func loadAllFound[K comparable, V any](ctx context.Context, l *batcher[K, V], keys []K) ([]V, error) {
	vs, err := l.LoadAll(ctx, keys)
	var errs keyErrors
	if err != nil && !errors.As(err, &errs) {
		return nil, err
	}
	out := vs[:0]
	for i, v := range vs {
		if errs != nil && errs[i] != nil {
			if isNotFound(errs[i]) {
				continue
			}
			return nil, errs[i]
		}
		out = append(out, v)
	}
	return out, nil
}
