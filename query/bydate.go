package query

import (
	"context"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// byDate answers a page of list l in date order from the store's
// date-ordered indexes: it walks the index from the page's start, skipping
// what the reader may not see by the entries' own visibility, and reads
// the page's records alone. A page of N costs about offset+N index entries
// and N records, whatever the list's size; the total, when p.Count asks
// for it, comes from the store's list counts (or, between dates, from the
// rest of the index: entries, not records). ok is false
// when the store has no such index (an old store opened read-only): the
// caller then reads the records.
func (q *Q) byDate(ctx context.Context, dq view.DatedQuery, l list, p Page) (w Window[*store.Node], ok bool, err error) {
	offset, err := p.Offset()
	if err != nil {
		return w, false, err
	}
	dq.Offset, dq.Limit = offset, p.First
	// Past the first page, or with no page at all, the total decides
	// whether there is a previous page, as it does for lists in memory.
	dq.Count = offset > 0 || p.First == 0 || p.Count
	dp, ok, err := q.datedPage(dq)
	if err != nil || !ok {
		return w, ok, err
	}
	ns, err := q.listed(ctx, l, dp.IDs)
	if err != nil {
		return w, true, err
	}
	from := offset
	if dq.Count {
		from = min(offset, dp.Total)
	}
	w = Window[*store.Node]{Items: make([]*store.Node, 0, len(ns)), Start: offset, Total: dp.Total, HasNext: dp.More, HasPrev: from > 0}
	for _, n := range ns {
		if n.Type == dq.Type {
			w.Items = append(w.Items, n)
		}
	}
	return w, true, nil
}

// indexed turns the list's links, order and date bounds into an index
// walk: the nodes of its type, or those linked to one party (the link
// points from the listed node to the party). ok is false when the index
// cannot answer: two parties at once, or an order other than by date.
func (l list) indexed() (view.DatedQuery, bool) {
	q := view.DatedQuery{Type: l.typ, From: l.dated.from, To: l.dated.to}
	for _, c := range l.links {
		if _, _, err := store.DecodeNodeID(c.id); err != nil {
			return q, false // candidates says what is wrong with it
		}
	}
	if l.sort != nil && *l.sort != DateAsc && *l.sort != DateDesc {
		return q, false
	}
	q.Desc = l.sort != nil && *l.sort == DateDesc
	switch len(l.links) {
	case 0:
	case 1:
		if l.links[0].dir != store.In {
			return q, false
		}
		q.Party, q.EdgeType = l.links[0].id, l.links[0].edgeType
	default:
		return q, false
	}
	return q, true
}

// byDateKept answers a page of list l in date order when its records
// decide what it keeps (a kind, a confidence, a language, who is blamed):
// it walks the index in chunks, reads each chunk's records, and keeps
// those l keeps, until the page and one item past it are found. A page
// ending at the N-th kept item costs about N/s records for a filter that
// keeps a share s, not the whole list; it knows no total, so a page that
// asks for one reads the list whole instead. ok is false when the store
// has no such index.
func (q *Q) byDateKept(ctx context.Context, dq view.DatedQuery, l list, p Page) (w Window[*store.Node], ok bool, err error) {
	offset, err := p.Offset()
	if err != nil {
		return w, false, err
	}
	w.Items = []*store.Node{}
	kept := 0 // items kept so far: the position of the next one
	chunk := min(max(2*(offset+p.First+1), 64), 1024)
	for pos := 0; ; pos += dq.Limit {
		dq.Offset, dq.Limit, dq.Count = pos, chunk, false
		dp, ok, err := q.datedPage(dq)
		if err != nil || !ok {
			return w, ok, err
		}
		ids := dp.IDs
		if l.narrow != nil {
			// narrow keeps an ordered subset.
			if ids, err = l.narrow(ctx, ids); err != nil {
				return w, true, err
			}
		}
		ns, err := q.listed(ctx, l, ids)
		if err != nil {
			return w, true, err
		}
		for _, n := range ns {
			if n.Type != l.typ {
				continue
			}
			if l.keep != nil {
				keep, err := l.keep(ctx, n)
				if err != nil {
					return w, true, err
				}
				if !keep {
					continue
				}
			}
			switch {
			case kept >= offset+p.First:
				w.Start, w.HasNext, w.HasPrev = offset, true, offset > 0
				return w, true, nil
			case kept >= offset:
				w.Items = append(w.Items, n)
			}
			kept++
		}
		if !dp.More {
			break
		}
		chunk = min(2*chunk, 1024)
	}
	// The walk reached the list's end: its length is known.
	w.Total = kept
	w.Start = min(offset, kept)
	w.HasPrev = w.Start > 0
	return w, true, nil
}

// datedPage reads one page of a date index in one scoped read; ok is
// false when the store has no such index.
func (q *Q) datedPage(dq view.DatedQuery) (dp view.DatedPage, ok bool, err error) {
	err = q.view(func(tx *view.Txn) error {
		dp, ok, err = tx.Dated(dq)
		return err
	})
	return dp, ok, err
}
