package bench

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// LoadResult compares the store's write path with Badger's own bulk path
// for the same keys and values, both synced.
type LoadResult struct {
	Incidents, Records int           // records: nodes and edges
	Keys               int           // Badger keys written (records and indexes)
	Store              time.Duration // store.Update + PutNode/PutEdge, in synthetic's batches
	Raw                time.Duration // badger.WriteBatch of the same keys
}

// MeasureLoad writes incidents generated incidents into a new store under
// dir through the store's write path, then the same keys and values into a
// second store with Badger's WriteBatch. Generating the records is not
// timed.
func MeasureLoad(dir string, incidents int) (LoadResult, error) {
	res := LoadResult{Incidents: incidents}
	c, err := synthetic.New(1)
	if err != nil {
		return res, err
	}
	type batch struct {
		nodes []store.Node
		edges []store.Edge
	}
	fn, fe := c.Fixed()
	batches := []batch{{fn, fe}}
	for from := 1; from <= incidents; from += synthetic.DefaultBatch {
		var b batch
		for i := from; i <= min(from+synthetic.DefaultBatch-1, incidents); i++ {
			n, e := c.Incident(i)
			b.nodes = append(b.nodes, n...)
			b.edges = append(b.edges, e...)
		}
		batches = append(batches, b)
	}
	s, err := store.Open(filepath.Join(dir, "store"), store.Options{})
	if err != nil {
		return res, err
	}
	defer s.Close()
	start := time.Now()
	for _, b := range batches {
		err := s.Update(func(tx *store.Txn) error {
			for i := range b.nodes {
				if _, err := tx.PutNode(&b.nodes[i]); err != nil {
					return err
				}
			}
			for i := range b.edges {
				if _, err := tx.PutEdge(&b.edges[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("bench: load: %w", err)
		}
		res.Records += len(b.nodes) + len(b.edges)
	}
	res.Store = time.Since(start)

	var kvs [][2][]byte
	err = s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			kvs = append(kvs, [2][]byte{it.Item().KeyCopy(nil), v})
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("bench: read back: %w", err)
	}
	res.Keys = len(kvs)
	raw, err := store.Open(filepath.Join(dir, "raw"), store.Options{})
	if err != nil {
		return res, err
	}
	defer raw.Close()
	start = time.Now()
	wb := raw.DB().NewWriteBatch()
	for _, kv := range kvs {
		if err := wb.Set(kv[0], kv[1]); err != nil {
			wb.Cancel()
			return res, fmt.Errorf("bench: write batch: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return res, fmt.Errorf("bench: write batch: %w", err)
	}
	res.Raw = time.Since(start)
	return res, nil
}
