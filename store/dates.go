package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Dates returns the "date" property of each node in ids, in order ("" when
// it has none), decoding nothing else. Paging thousands of claims by date
// needs every date but only a page of records: this reads each record once
// and keeps only its date, instead of decoding and holding them all.
func (tx *Txn) Dates(ids []string) ([]string, error) {
	out := make([]string, len(ids))
	var rec struct {
		Props struct {
			Date string `json:"date"`
		} `json:"properties"`
	}
	for i, id := range ids {
		item, err := tx.t.Get(key(prefixNode, id))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, fmt.Errorf("node %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("node %s: read: %w", id, err)
		}
		rec.Props.Date = ""
		if err := item.Value(func(b []byte) error { return decode(b, &rec) }); err != nil {
			return nil, fmt.Errorf("node %s: decode record: %w", id, err)
		}
		out[i] = rec.Props.Date
	}
	return out, nil
}
