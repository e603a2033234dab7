package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// connectionByDate answers a connection in date order from the store's
// date-ordered indexes: it walks the index from the page's start, skipping
// what the request may not see by the entries' own visibility, and reads
// the page's records alone. A page of N costs about offset+N index entries
// and N records, whatever the list's size; totalCount, when asked for,
// counts the rest of the index (entries, not records). ok is false when the
// store has no such index (an old store opened read-only): the caller then
// reads the records.
func connectionByDate[T model.Node, E any](ctx context.Context, r *Resolver, q view.DatedQuery, first *int, after *string, mk func(cursor string, t T) E) (edges []E, info *model.PageInfo, total int, ok bool, err error) {
	n, offset, err := pageArgs(first, after)
	if err != nil {
		return nil, nil, 0, false, err
	}
	q.Offset, q.Limit = offset, n
	// Past the first page, or with no page at all, the total decides
	// whether there is a previous page, as it does for lists in memory.
	q.Count = offset > 0 || n == 0 || wants(ctx, "totalCount")
	var p view.DatedPage
	err = r.reader(ctx).View(func(tx *view.Txn) error {
		var err error
		p, ok, err = tx.Dated(q)
		return err
	})
	if err != nil || !ok {
		return nil, nil, 0, ok, err
	}
	ns, err := r.nodesByID(ctx, p.IDs)
	if err != nil {
		return nil, nil, 0, true, err
	}
	from := offset
	if q.Count {
		from = min(offset, p.Total)
	}
	info = &model.PageInfo{HasNextPage: p.More, HasPreviousPage: from > 0}
	for i, t := range only[T](ns) {
		edges = append(edges, mk(cursor(offset+i), t))
	}
	if len(edges) > 0 {
		s, e := cursor(offset), cursor(offset+len(edges)-1)
		info.StartCursor, info.EndCursor = &s, &e
	}
	if edges == nil {
		edges = []E{}
	}
	return edges, info, p.Total, true, nil
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

// dateBounds turns a list's from, to and asOf into the index's date
// bounds: an item is kept when its date lies in [from, to] and on or
// before asOf.
func dateBounds(from, to, asOf *model.Date) (string, string) {
	f, t := "", ""
	if from != nil {
		f = string(*from)
	}
	if to != nil {
		t = string(*to)
	}
	if asOf != nil && (t == "" || string(*asOf) < t) {
		t = string(*asOf)
	}
	return f, t
}

// datedList turns a list's constraints and order into an index walk: the
// nodes of typ, or those linked to one party (a constraint's edge points
// from the listed node to the party). ok is false when the index cannot
// answer: two parties at once, or an order other than by date.
func datedList(typ string, cs []constraint, sort *model.SortOrder) (view.DatedQuery, bool) {
	q := view.DatedQuery{Type: typ}
	for _, c := range cs {
		if _, _, err := store.DecodeNodeID(c.id); err != nil {
			return q, false // candidates says what is wrong with it
		}
	}
	if sort != nil && *sort != model.SortOrderDateAsc && *sort != model.SortOrderDateDesc {
		return q, false
	}
	q.Desc = sort != nil && *sort == model.SortOrderDateDesc
	switch len(cs) {
	case 0:
	case 1:
		if cs[0].dir != store.In {
			return q, false
		}
		q.Party, q.EdgeType = cs[0].id, cs[0].edgeType
	default:
		return q, false
	}
	return q, true
}
