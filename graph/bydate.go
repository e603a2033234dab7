package graph

import (
	"context"
	"sort"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/view"
)

// connectionByDate pages ids in (date, ID) order, the order loadTyped
// sorts dated claims in, but reads only the dates of all of them and the
// records of the page alone. A hub state's claims run to tens of thousands
// at national scale; decoding and caching every one of them to show 100
// made the page cost grow with the hub and its memory with the
// concurrency (3.8 GB at 32 connections on 100k incidents).
func connectionByDate[T model.Node, E any](ctx context.Context, r *Resolver, ids []string, first *int, after *string, mk func(cursor string, t T) E) ([]E, *model.PageInfo, int, error) {
	// The reader leaves out what the request may not see before counting
	// and paging.
	var all []view.Dated
	if err := r.reader(ctx).View(func(tx *view.Txn) error {
		var err error
		all, err = tx.Dates(ids)
		return err
	}); err != nil {
		return nil, nil, 0, err
	}
	ids = make([]string, len(all))
	dates := make([]string, len(all))
	for i, d := range all {
		ids[i], dates[i] = d.ID, d.Date
	}
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		i, j := order[a], order[b]
		if dates[i] != dates[j] {
			return dates[i] < dates[j]
		}
		return ids[i] < ids[j]
	})
	w, err := page(len(ids), first, after)
	if err != nil {
		return nil, nil, 0, err
	}
	pageIDs := make([]string, 0, w.to-w.from)
	for _, i := range order[w.from:w.to] {
		pageIDs = append(pageIDs, ids[i])
	}
	ns, err := r.nodesByID(ctx, pageIDs)
	if err != nil {
		return nil, nil, 0, err
	}
	edges := make([]E, 0, len(ns))
	for i, t := range only[T](ns) {
		edges = append(edges, mk(cursor(w.from+i), t))
	}
	return edges, w.info, w.total, nil
}
