package bench

import (
	"bytes"
	"fmt"
	"path/filepath"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/synthetic"
	"github.com/attrib/attrib/view"
)

// ImportResult compares importer.Import of a native file with Badger's
// WriteBatch of the keys the import wrote, both synced.
type ImportResult struct {
	Incidents, Records int
	Bytes              int
	Keys               int
	Import, Raw        time.Duration
}

// MeasureImport generates incidents incidents (in memory, not timed),
// exports the whole graph as a native file, imports it into a new store
// under dir (timed: parsing, checking every citation and writing, one
// synced transaction), then writes the same keys and values into a second
// new store with a WriteBatch.
func MeasureImport(dir string, incidents int) (ImportResult, error) {
	res := ImportResult{Incidents: incidents}
	src, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		return res, err
	}
	defer src.Close()
	if _, err := synthetic.Load(src, synthetic.Options{Seed: 1, Incidents: incidents}); err != nil {
		return res, err
	}
	var file bytes.Buffer
	if err := export.Write(view.New(src, view.Everything()), subgraph.Request{}, export.Native, &file); err != nil {
		return res, fmt.Errorf("bench: import: %w", err)
	}
	res.Bytes = file.Len()

	dst, err := store.Open(filepath.Join(dir, "import"), store.Options{})
	if err != nil {
		return res, err
	}
	defer dst.Close()
	start := time.Now()
	rep, err := importer.Import(dst, file.Bytes())
	if err != nil {
		return res, fmt.Errorf("bench: %w", err)
	}
	res.Import = time.Since(start)
	res.Records = rep.Written

	kvs, err := allKeys(dst.DB())
	if err != nil {
		return res, fmt.Errorf("bench: import: read back: %w", err)
	}
	res.Keys = len(kvs)
	res.Raw, err = writeBatch(filepath.Join(dir, "raw"), kvs)
	return res, err
}

// allKeys copies every key and value of db.
func allKeys(db *badger.DB) ([][2][]byte, error) {
	var kvs [][2][]byte
	err := db.View(func(txn *badger.Txn) error {
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
	return kvs, err
}

// writeBatch times a WriteBatch of kvs into a new store at dir.
func writeBatch(dir string, kvs [][2][]byte) (time.Duration, error) {
	raw, err := store.Open(dir, store.Options{})
	if err != nil {
		return 0, err
	}
	defer raw.Close()
	start := time.Now()
	wb := raw.DB().NewWriteBatch()
	for _, kv := range kvs {
		if err := wb.Set(kv[0], kv[1]); err != nil {
			wb.Cancel()
			return 0, fmt.Errorf("bench: write batch: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return 0, fmt.Errorf("bench: write batch: %w", err)
	}
	return time.Since(start), nil
}
