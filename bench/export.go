package bench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// ExportDepth is the depth of the export case, around the hub state of
// the fixture (CQ5: everything within two hops of a party).
const ExportDepth = 2

// exportMinDuration is the least time the export measurement is given.
const exportMinDuration = 10 * time.Second

// ExportResult compares GET /export (native format, streamed over one
// loopback connection) with Badger scanning the same records with their
// values.
type ExportResult struct {
	Root             string
	Records          int    // nodes, edges and documents exported
	Bytes            int64  // size of the file
	HTTP, Raw        Stats  // Raw: point reads of the same records, in key order
	Seq              Stats  // a sequential scan with values of as many records
	RSSBefore, RSSPk uint64 // process RSS before the export measurements, and its peak during them
	// The same exports again under a soft memory limit (Limit: the live
	// heap after a collection plus exportHeadroom), with the process RSS
	// before and at its peak: what the export holds, without the garbage
	// the collector lets pile up by default.
	Limited                  Stats
	Limit                    uint64
	RSSLimitBefore, RSSLimPk uint64
}

// exportHeadroom is the memory a streaming export may take beyond what the
// process holds at rest: the target for a 100k-node subgraph.
const exportHeadroom = 64 << 20

// Rate is records per second at the p50 of st.
func (e ExportResult) Rate(st Stats) float64 {
	return float64(e.Records) / st.P50.Seconds()
}

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m[0].Value.Uint64()
}

// exportKeys returns the Badger keys of every record an anonymous
// reader's export of r writes, sorted: what a scan with values has to
// visit.
func exportKeys(s *store.Store, r subgraph.Request) ([][]byte, error) {
	var keys [][]byte
	err := view.New(s, view.Scope{Clearance: auth.Anonymous.Clearance()}).View(func(tx *view.Txn) error {
		sel, err := subgraph.Walk(tx, r)
		if err != nil {
			return err
		}
		for _, id := range sel.Nodes {
			keys = append(keys, rawKey(tableNode, id))
		}
		for _, id := range sel.Documents {
			keys = append(keys, rawKey(tableNode, id))
		}
		for _, id := range sel.Edges {
			keys = append(keys, rawKey(tableEdge, id))
		}
		return nil
	})
	slices.SortFunc(keys, bytes.Compare)
	return keys, err
}

// rawScan reads every key in key order with its value, touched but not
// decoded: Badger's reads of the same records. (An iterator with values
// prefetched, seeking to each key, was measured too and is slower: each
// seek prefetches values the export does not need.)
func rawScan(db *badger.DB, keys [][]byte) error {
	return db.View(func(txn *badger.Txn) error {
		for _, k := range keys {
			item, err := txn.Get(k)
			if err != nil {
				return fmt.Errorf("raw scan: key %q: %w", k, err)
			}
			if err := item.Value(func(v []byte) error {
				if len(v) == 0 {
					return fmt.Errorf("raw scan: key %q has no value", k)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
}

// rawSeq scans n records with their values (prefetched) from the start
// of the node table, then the edge table: Badger's sequential
// scan-with-values rate, the floor, over as many records as the
// export writes.
func rawSeq(db *badger.DB, n int) error {
	return db.View(func(txn *badger.Txn) error {
		for _, t := range []byte{tableNode, tableEdge} {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = []byte{t}
			it := txn.NewIterator(opts)
			for it.Rewind(); it.Valid() && n > 0; it.Next() {
				if err := it.Item().Value(func(v []byte) error {
					if len(v) == 0 {
						return fmt.Errorf("raw scan: key %q has no value", it.Item().Key())
					}
					return nil
				}); err != nil {
					it.Close()
					return err
				}
				n--
			}
			it.Close()
		}
		if n > 0 {
			return fmt.Errorf("raw scan: %d records short", n)
		}
		return nil
	})
}

// MeasureExport times GET /export of the subgraph within ExportDepth of
// root at baseURL (the server's root, no path) as an anonymous reader, and
// the raw reads of the same records, each count calls or for d.
func MeasureExport(s *store.Store, client *http.Client, baseURL, root string, count int, d time.Duration) (ExportResult, error) {
	res := ExportResult{Root: root}
	req := subgraph.Request{Roots: []string{root}, Depth: ExportDepth}
	keys, err := exportKeys(s, req)
	if err != nil {
		return res, fmt.Errorf("bench: export: %w", err)
	}
	res.Records = len(keys)
	u := baseURL + "/export?" + url.Values{"root": {root}, "depth": {fmt.Sprint(ExportDepth)}, "format": {"native"}}.Encode()
	var size atomic.Int64
	get := func() error {
		resp, err := client.Get(u)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("export: status %d", resp.StatusCode)
		}
		size.Store(n)
		return nil
	}
	debug.FreeOSMemory()
	res.RSSBefore = rss()
	var peak atomic.Uint64
	stop := watchRSS(&peak)
	// An export of a big corpus takes seconds: give it time for a few.
	res.HTTP, err = Measure(1, count, 1, max(d, exportMinDuration), get)
	stop()
	res.RSSPk = peak.Load()
	if err != nil {
		return res, fmt.Errorf("bench: export: %w", err)
	}
	res.Bytes = size.Load()
	// By default the collector lets the heap grow to twice the live heap
	// (GOGC=100) before it collects, and most of the live heap at rest is
	// Badger's memtable and caches, so RSS growth during an export is
	// mostly garbage not yet collected. Under a soft limit (what GOMEMLIMIT
	// sets for attrib serve) the growth shows what the export holds.
	debug.FreeOSMemory()
	res.Limit = liveHeap() + exportHeadroom
	prev := debug.SetMemoryLimit(int64(res.Limit))
	res.RSSLimitBefore = rss()
	var limPeak atomic.Uint64
	stop = watchRSS(&limPeak)
	res.Limited, err = Measure(1, count, 1, max(d, exportMinDuration)/2, get)
	stop()
	debug.SetMemoryLimit(prev)
	res.RSSLimPk = limPeak.Load()
	if err != nil {
		return res, fmt.Errorf("bench: export under a memory limit: %w", err)
	}
	if res.Raw, err = Measure(1, count, 1, d, func() error { return rawScan(s.DB(), keys) }); err != nil {
		return res, fmt.Errorf("bench: export raw: %w", err)
	}
	if res.Seq, err = Measure(1, count, 1, d, func() error { return rawSeq(s.DB(), res.Records) }); err != nil {
		return res, fmt.Errorf("bench: export raw scan: %w", err)
	}
	return res, nil
}
