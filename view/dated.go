package view

import (
	"slices"

	"github.com/attrib/attrib/store"
)

// DatedQuery asks for one page of a list in date order, walked through the
// store's date-ordered indexes (store/dated.go).
type DatedQuery struct {
	// Type lists the dated nodes of a type; or, with Party, those with an
	// edge of EdgeType to Party (an attributor's claims, a target's
	// incidents).
	Type            string
	Party, EdgeType string
	From, To        string // date bounds, inclusive; "" for open
	Desc            bool   // newest first
	Offset, Limit   int    // the page: positions [Offset, Offset+Limit)
	Count           bool   // count every match (a connection's totalCount)
}

// DatedPage is one page of a dated list: the IDs in order, whether more
// follow, and, when counted, how many the list holds in all.
type DatedPage struct {
	IDs   []string
	More  bool
	Total int
}

// Dated answers q from the index, in (date, ID) order or its reverse, with
// only what the scope shows: a node it hides, a link it hides, and a
// retracted link (which no longer joins its ends) are skipped. ok is
// false when the store has no such index yet (an old store opened
// read-only): the caller then reads the records instead.
func (t *Txn) Dated(q DatedQuery) (page DatedPage, ok bool, err error) {
	if has, err := t.tx.HasDatedIndex(); err != nil || !has {
		return page, false, err
	}
	if q.Party != "" {
		if ok, err := t.Visible(q.Party); err != nil || !ok {
			return page, true, err
		}
	}
	sc := t.r.scope
	shows := func(e store.DatedEntry) bool {
		if !sc.Cleared(e.Marking) || (e.Retracted && !sc.Retracted) {
			return false
		}
		return !e.ByEdge || (!e.EdgeRetracted && sc.Cleared(e.EdgeMarking))
	}
	// A whole list's count comes from the store's counts (a few keys)
	// rather than from walking the list; a count between dates walks.
	counted := false
	if q.Count && q.From == "" && q.To == "" {
		if counted, err = t.tx.HasCounts(); err != nil {
			return page, true, err
		}
	}
	if counted {
		err := t.tx.DatedCounts(q.Type, q.Party, q.EdgeType, func(e store.DatedEntry, n int) {
			if shows(e) {
				page.Total += n
			}
		})
		if err != nil {
			return page, true, err
		}
		q.Count = false
	}
	pos := 0
	done := false
	full := false // the page is complete and more follow: only count now
	var group []string
	groupDate := ""
	// flush emits a date's IDs, sorted as the records' order sorts them
	// (the index orders a date's entries by key, not by ID).
	flush := func() {
		slices.Sort(group)
		if q.Desc {
			slices.Reverse(group)
		}
		for _, id := range group {
			switch {
			case pos >= q.Offset && len(page.IDs) < q.Limit:
				page.IDs = append(page.IDs, id)
			case pos >= q.Offset+q.Limit:
				page.More, full = true, true
				if !q.Count {
					done = true
				}
			}
			pos++
		}
		group = group[:0]
	}
	err = t.tx.DatedRange(q.Type, q.Party, q.EdgeType, q.From, q.To, q.Desc, func(e store.DatedEntry) (bool, error) {
		if !shows(e) {
			return true, nil
		}
		if full {
			pos++
			return true, nil
		}
		if string(e.Date) != groupDate {
			flush()
			if done {
				return false, nil
			}
			if full {
				pos++
				return true, nil
			}
			groupDate = string(e.Date)
		}
		group = append(group, string(e.ID))
		return true, nil
	})
	if err != nil {
		return page, true, err
	}
	if !done {
		flush()
	}
	if !counted {
		page.Total = pos
	}
	return page, true, nil
}
