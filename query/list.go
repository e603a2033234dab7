package query

import (
	"context"
	"slices"
	"sort"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// list is one list question. Every list is answered by the same steps
// (run): filter on links → candidates → narrow → load → keep → order →
// page; or, when its filters allow, by a walk of a date-ordered index
// that reads only the page's records (byDate).
type list struct {
	typ string
	// links narrow the candidates to the nodes joined to given nodes.
	links []link
	// narrow keeps the candidates that pass a check reading more than
	// their own record (who blamed them, who claimed them); nil keeps all.
	narrow func(ctx context.Context, ids []string) ([]string, error)
	// keep filters the loaded records; nil keeps all.
	keep func(ctx context.Context, n *store.Node) (bool, error)
	// readsCitations says keep reads the records' citations, so they are
	// loaded even for a caller that shows none (Q.Uncited).
	readsCitations bool
	// key is the list's own order: by key, then by ID.
	key func(n *store.Node) string
	// sort is the order asked for (nil: the key's): DateAsc keeps the
	// key's order, DateDesc reverses it, the orders in also sort by by.
	sort *Order
	also []Order
	by   func(o Order) func(a, b *store.Node) int
	// dated, when not nil, lets the date index answer: the list's other
	// filters need no record, and these are its date bounds.
	dated *bounds
	// walk, when not nil, lets the date index give the list's order and
	// date bounds while keep and narrow still decide on each item: a page
	// reads the records up to its end, not the whole list (byDateKept).
	walk *bounds
}

// link: a listed node must be joined to id by an edge of edgeType; dir is
// seen from id (In: the edge ends at id). arg names the argument it came
// from, for errors.
type link struct {
	arg, id  string
	dir      store.Direction
	edgeType string
}

// join adds a link to id when the argument arg was given.
func (l *list) join(arg string, id *string, dir store.Direction, edgeType string) {
	if id != nil {
		l.links = append(l.links, link{arg: arg, id: *id, dir: dir, edgeType: edgeType})
	}
}

// bounds are a dated list's bounds on its items' own dates, inclusive
// ("" for open).
type bounds struct{ from, to string }

// run answers page p of l.
func (q *Q) run(ctx context.Context, l list, p Page) (Window[*store.Node], error) {
	if l.dated != nil && !q.BruteForce {
		if dq, ok := l.indexed(); ok {
			w, ok, err := q.byDate(ctx, dq, l, p)
			if err != nil || ok {
				return w, err
			}
		}
	}
	// A total needs every item that passes, so only a page without one
	// walks the index when records must decide.
	if l.walk != nil && !p.Count && !q.BruteForce {
		walked := l
		walked.dated = l.walk
		if dq, ok := walked.indexed(); ok {
			w, ok, err := q.byDateKept(ctx, dq, l, p)
			if err != nil || ok {
				return w, err
			}
		}
	}
	ns, err := q.collect(ctx, l)
	if err != nil {
		return Window[*store.Node]{}, err
	}
	return Paginate(ns, p)
}

// collect answers l whole, in order.
func (q *Q) collect(ctx context.Context, l list) ([]*store.Node, error) {
	ids, err := q.candidates(l.typ, l.links)
	if err != nil {
		return nil, err
	}
	if l.narrow != nil {
		if ids, err = l.narrow(ctx, ids); err != nil {
			return nil, err
		}
	}
	ns, err := q.listed(ctx, l, ids)
	if err != nil {
		return nil, err
	}
	out := make([]*store.Node, 0, len(ns))
	for _, n := range ns {
		if n.Type != l.typ {
			continue
		}
		if l.keep != nil {
			ok, err := l.keep(ctx, n)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, n)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ki, kj := l.key(out[i]), l.key(out[j])
		if ki != kj {
			return ki < kj
		}
		return out[i].ID < out[j].ID
	})
	return out, l.order(out)
}

// order applies the order asked for to items in the key's order.
func (l list) order(items []*store.Node) error {
	if l.sort == nil || *l.sort == DateAsc {
		return nil
	}
	if *l.sort == DateDesc {
		slices.Reverse(items)
		return nil
	}
	if !slices.Contains(l.also, *l.sort) {
		also := ""
		for _, o := range l.also {
			also += ", " + string(o)
		}
		return invalid("sort", "%s does not apply here; use DATE_ASC or DATE_DESC%s", *l.sort, also)
	}
	slices.SortStableFunc(items, l.by(*l.sort))
	return nil
}

// candidates returns the IDs of the nodes of type typ joined as each link
// says, by a link not retracted; with no link, every node of the type.
func (q *Q) candidates(typ string, links []link) ([]string, error) {
	var ids []string
	err := q.view(func(tx *view.Txn) error {
		if len(links) == 0 {
			var err error
			ids, err = tx.NodeIDsByType(typ)
			return err
		}
		var set map[string]bool
		for _, c := range links {
			if err := checkID(c.arg, c.id); err != nil {
				return err
			}
			refs, err := tx.Edges(c.id, c.dir, c.edgeType)
			if err != nil {
				return err
			}
			next := map[string]bool{}
			for _, ref := range refs {
				if set != nil && !set[ref.Other] {
					continue
				}
				// A retracted link no longer joins its ends, even when
				// the reader shows retracted facts. (The reader leaves
				// out what it may not see.)
				if !ref.Retracted {
					next[ref.Other] = true
				}
			}
			set = next
		}
		for id := range set {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		return nil
	})
	return ids, err
}

// checkID checks that id, given as argument arg, is a node ID.
func checkID(arg, id string) error {
	if _, _, err := store.DecodeNodeID(id); err != nil {
		return invalid(arg, "%v", err)
	}
	return nil
}
