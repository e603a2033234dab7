package query

import (
	"strconv"
	"strings"
	"time"

	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// ChangeCursor is the cursor of the audit entry numbered seq: the feed is
// paged by sequence number, not position, so a cursor stays good while
// entries are appended.
func ChangeCursor(seq uint64) string { return changePrefix + strconv.FormatUint(seq, 10) }

const changePrefix = "change:"

// Changes answers page p of the audit feed the reader may see, oldest
// first, from since (an RFC 3339 time; nil for the whole feed). p.After
// is a ChangeCursor; the total counts the whole feed from since.
func (q *Q) Changes(since *string, p Page) (Window[*store.Change], error) {
	var w Window[*store.Change]
	var from uint64
	if p.After != "" {
		s, ok := strings.CutPrefix(p.After, changePrefix)
		n, err := strconv.ParseUint(s, 10, 64)
		if !ok || err != nil {
			return w, invalid("after", "%q is not a changes cursor this server issued", p.After)
		}
		from = n
	}
	var sinceT string
	if since != nil {
		t, err := time.Parse(time.RFC3339Nano, *since)
		if err != nil {
			return w, invalid("since", "%q is not an RFC 3339 time (e.g. 2026-01-02T15:04:05Z)", *since)
		}
		sinceT = t.UTC().Format(edit.TimeLayout)
	}
	if p.First < 0 || p.First > MaxPageSize {
		return w, invalid("first", "must be between 0 and %d, got %d", MaxPageSize, p.First)
	}
	w.Items = []*store.Change{}
	err := q.view(func(tx *view.Txn) error {
		return tx.Changes(0, func(c *store.Change) (bool, error) {
			// Timestamps are fixed-width UTC, so they compare as strings.
			if sinceT != "" && c.At < sinceT {
				return true, nil
			}
			w.Total++
			switch {
			case c.Seq <= from:
				w.HasPrev = true
			case len(w.Items) < p.First:
				w.Items = append(w.Items, c)
			default:
				w.HasNext = true
			}
			return true, nil
		})
	})
	return w, err
}
