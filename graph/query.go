package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/query"
	"github.com/attrib/attrib/store"
)

// Resolvers answer read questions through package query, over the
// request's scoped reader and loaders; what is left here is turning
// GraphQL arguments into a question and the answer into model types.

// MaxPageSize is the largest `first` a connection accepts.
const MaxPageSize = query.MaxPageSize

// defaultFirst is the page size a connection uses when `first` is absent
// (the schema gives the same default; TestSchemaPagesByDefaultFirst).
const defaultFirst = query.DefaultFirst

// q is the query layer for the request: its scoped reader, with the
// request's loaders reading the records.
func (r *Resolver) q(ctx context.Context) *query.Q {
	l := r.loaders(ctx)
	return &query.Q{Reader: l.reader, Loader: l, BruteForce: r.noDateIndex}
}

// list asks the questions of a root list field (a connection): like q,
// and when the field's selection shows no citations anywhere, the list's
// records are read without them (query.Q.Uncited).
func (r *Resolver) list(ctx context.Context) *query.Q {
	q := r.q(ctx)
	q.Uncited = !showsCitations(ctx)
	return q
}

// Nodes loads nodes for the query layer through the request's batching
// node loader, leaving out those not found.
func (l *Loaders) Nodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	return found(loadAllFound(ctx, l.nodes, ids))
}

// UncitedNodes is Nodes without the nodes' citations, through a loader of
// its own.
func (l *Loaders) UncitedNodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	return found(loadAllFound(ctx, l.uncited, ids))
}

// found drops the nodes not found from ns.
func found(ns []*store.Node, err error) ([]*store.Node, error) {
	if err != nil {
		return nil, err
	}
	out := ns[:0]
	for _, n := range ns {
		if n != nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// page reads a connection's Relay arguments, and whether the client
// selected totalCount (which a list walked in an index counts only then).
func page(ctx context.Context, first *int, after *string) query.Page {
	p := query.FirstPage(first, after)
	p.Count = wants(ctx, "totalCount")
	return p
}

// wants reports whether the field being resolved selects child field name.
func wants(ctx context.Context, name string) bool {
	if !graphql.HasOperationContext(ctx) || graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectAllFields(ctx) {
		if f == name {
			return true
		}
	}
	return false
}

// datedArgs reads the filters every dated list shares.
func datedArgs(from, to, asOf *model.Date, lang *string, sort *model.SortOrder) query.Dated {
	return query.Dated{From: dateArg(from), To: dateArg(to), AsOf: dateArg(asOf), Lang: lang, Sort: (*query.Order)(sort)}
}

// connection converts a page of records, which the query layer answered
// with err, into a connection's edges, made by mk, and its page info. A
// record not of the connection's type T is left out.
func connection[T model.Node, E any](w query.Window[*store.Node], err error, mk func(cursor string, t T) E) ([]E, *model.PageInfo, error) {
	if err != nil {
		return nil, nil, fail("", err)
	}
	ts, err := models[T](w.Items)
	if err != nil {
		return nil, nil, err
	}
	edges := make([]E, len(ts))
	for i, t := range ts {
		edges[i] = mk(query.Cursor(w.Start+i), t)
	}
	return edges, pageInfo(w, len(edges)), nil
}

// pageInfo describes the n items shown of window w.
func pageInfo[T any](w query.Window[T], n int) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: w.HasNext, HasPreviousPage: w.HasPrev}
	if n > 0 {
		s, e := query.Cursor(w.Start), query.Cursor(w.Start+n-1)
		info.StartCursor, info.EndCursor = &s, &e
	}
	return info
}

// models converts records into model types, keeping those of type T.
func models[T model.Node](ns []*store.Node) ([]T, error) {
	out := make([]T, 0, len(ns))
	for _, n := range ns {
		m, err := model.FromNode(n)
		if err != nil {
			return nil, err
		}
		if t, ok := m.(T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// fail gives the query layer's errors their GraphQL codes: a bad argument
// is VALIDATION, under the argument's name; the other errors of a walk
// named op as walkError says.
func fail(op string, err error) error {
	var arg *query.ArgError
	switch {
	case errors.As(err, &arg):
		return errInvalid(arg.Arg, "%s", arg.Msg)
	case op != "":
		return walkError(op, err)
	}
	return err
}

// citationFields are the fields that show a record's citations.
var citationFields = map[string]bool{"citations": true, "references": true}

// showsCitations reports whether the field being resolved selects, at any
// depth and through any fragment, a field that shows citations. It errs
// towards yes (a field under @skip still counts): a record read without
// its citations must never answer a field that shows them.
func showsCitations(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return true
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return true
	}
	return selects(fc.Field.Selections, citationFields, map[string]bool{})
}

// selects reports whether set selects a field named in names, at any
// depth. walked holds the fragments already walked (and found without
// one), so that a fragment spread many times is walked once.
func selects(set ast.SelectionSet, names map[string]bool, walked map[string]bool) bool {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if names[s.Name] || selects(s.SelectionSet, names, walked) {
				return true
			}
		case *ast.InlineFragment:
			if selects(s.SelectionSet, names, walked) {
				return true
			}
		case *ast.FragmentSpread:
			if walked[s.Name] {
				continue
			}
			if s.Definition == nil {
				return true
			}
			walked[s.Name] = true
			if selects(s.Definition.SelectionSet, names, walked) {
				return true
			}
		default:
			return true
		}
	}
	return false
}
