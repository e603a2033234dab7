package store

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// A list's totalCount must not cost a walk of every match, so the store
// keeps, for each list a date-ordered index offers (the d entries of a
// type; the r entries of a party and edge type), how many of its entries
// carry each visibility value:
//
//	u | lp(list) lp(entry value) -> count, uint64 big-endian
//
// list is the index key up to the date (d | lp(type), or r | lp(party)
// lp(edgeType)); entry value is the d or r value (dated.go), which holds
// the markings and retractions a reader decides by. A reader adds up the
// counts of the values its scope shows: a handful of keys, whatever the
// list's length.
//
// Every write of a d or r entry goes through setIndexed or deleteIndexed,
// which note the change in the transaction; flushCounts applies the sum
// before the commit is logged, in the same transaction, so counts and
// entries never disagree in a committed state. Writers are serialised
// (writeMu), so the read-modify-write of a count cannot race. Stores
// written before the counts get them once, at Open (migrateCounts);
// until then (a store opened read-only) HasCounts is false and a count
// walks the index.

// metaCounts names the meta entry that says the counts are complete.
const metaCounts = "index-counts"

// listOf returns the part of index key k that names its list: the d key
// up to its type, the r key up to its edge type.
func listOf(k []byte) ([]byte, error) {
	parts := 1
	if k[0] == prefixDated {
		parts = 2
	}
	end := 1
	for range parts {
		if len(k) < end+2 {
			return nil, fmt.Errorf("index key %q too short", k)
		}
		end += 2 + int(binary.BigEndian.Uint16(k[end:]))
		if end > len(k) {
			return nil, fmt.Errorf("index key %q too short", k)
		}
	}
	return k[:end], nil
}

func countKey(list, value []byte) []byte {
	return key(prefixCount, string(list), string(value))
}

// count notes that index entry k with value v was added (delta 1) or
// removed (delta -1) in this transaction.
func (tx *Txn) count(k, v []byte, delta int64) error {
	list, err := listOf(k)
	if err != nil {
		return err
	}
	if tx.counts == nil {
		tx.counts = map[string]int64{}
	}
	tx.counts[string(countKey(list, v))] += delta
	return nil
}

// setIndexed writes d or r entry k with value v; old is its value before,
// nil when it did not exist.
func (tx *Txn) setIndexed(k, v, old []byte) error {
	if old != nil {
		if err := tx.count(k, old, -1); err != nil {
			return err
		}
	}
	if err := tx.t.Set(k, v); err != nil {
		return err
	}
	return tx.count(k, v, 1)
}

// deleteIndexed deletes d or r entry k, whose value was old.
func (tx *Txn) deleteIndexed(k, old []byte) error {
	if err := tx.t.Delete(k); err != nil {
		return err
	}
	return tx.count(k, old, -1)
}

// flushCounts applies the counts this transaction changed.
func (tx *Txn) flushCounts() error {
	for ck, d := range tx.counts {
		if d == 0 {
			continue
		}
		k := []byte(ck)
		cur, err := tx.rawGet(k)
		if err != nil {
			return fmt.Errorf("read list count: %w", err)
		}
		n := d
		if len(cur) == 8 {
			n += int64(binary.BigEndian.Uint64(cur))
		}
		switch {
		case n < 0:
			return fmt.Errorf("list count %q falls below zero: the index and its counts disagree; run attrib check", k)
		case n == 0:
			err = tx.t.Delete(k)
		default:
			err = tx.t.Set(k, binary.BigEndian.AppendUint64(nil, uint64(n)))
		}
		if err != nil {
			return fmt.Errorf("write list count: %w", err)
		}
	}
	tx.counts = nil
	return nil
}

// HasCounts reports whether the store keeps list counts (false only for a
// store written before them and opened read-only).
func (tx *Txn) HasCounts() (bool, error) {
	v, err := tx.rawGet(key(prefixMeta, metaCounts))
	return v != nil, err
}

// DatedCounts calls fn with each visibility value the list of typ (or,
// with party, of party and edgeType) holds entries of, and how many: the
// entry's ID and Date are empty.
func (tx *Txn) DatedCounts(typ, party, edgeType string, fn func(e DatedEntry, n int)) error {
	byEdge := party != ""
	var list []byte
	if byEdge {
		list = key(prefixDated, party, edgeType)
	} else {
		list = key(prefixDate, typ)
	}
	prefix := key(prefixCount, string(list))
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		k := item.Key()
		_, value, ok := keyParts(k, 0)
		if !ok {
			return fmt.Errorf("list count: bad key %q", k)
		}
		e, ok := parseDated(value, byEdge)
		if !ok {
			return fmt.Errorf("list count: key %q names no visibility", k)
		}
		var n uint64
		if err := item.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("list count %q is %d bytes, want 8", k, len(v))
			}
			n = binary.BigEndian.Uint64(v)
			return nil
		}); err != nil {
			return err
		}
		fn(e, int(n))
	}
	return nil
}

// tally counts the d and r entries by list and value, in key order, and
// calls emit with each list's counts once the walk has left it: entries
// of one list are adjacent, so it holds one list's counts at a time.
func (tx *Txn) tally(emit func(list []byte, counts map[string]uint64) error) error {
	for _, p := range []byte{prefixDate, prefixDated} {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = []byte{p}
		it := tx.t.NewIterator(opts)
		var list []byte
		counts := map[string]uint64{}
		flush := func() error {
			if len(counts) == 0 {
				return nil
			}
			err := emit(list, counts)
			counts = map[string]uint64{}
			return err
		}
		for it.Seek(opts.Prefix); it.ValidForPrefix(opts.Prefix); it.Next() {
			item := it.Item()
			l, err := listOf(item.Key())
			if err != nil {
				it.Close()
				return err
			}
			if string(l) != string(list) {
				if err := flush(); err != nil {
					it.Close()
					return err
				}
				list = append(list[:0], l...)
			}
			if err := item.Value(func(v []byte) error { counts[string(v)]++; return nil }); err != nil {
				it.Close()
				return err
			}
		}
		it.Close()
		if err := flush(); err != nil {
			return err
		}
	}
	return nil
}

// CountMismatches compares the list counts with the index entries they
// count and describes each that differs.
func (tx *Txn) CountMismatches() ([]string, error) {
	var bad []string
	seen := map[string]bool{}
	err := tx.tally(func(list []byte, counts map[string]uint64) error {
		for v, want := range counts {
			ck := countKey(list, []byte(v))
			seen[string(ck)] = true
			cur, err := tx.rawGet(ck)
			if err != nil {
				return err
			}
			got := uint64(0)
			if len(cur) == 8 {
				got = binary.BigEndian.Uint64(cur)
			}
			if got != want {
				bad = append(bad, fmt.Sprintf("list %q: %d entries of visibility %q, count says %d", list[1:], want, v, got))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count index entries: %w", err)
	}
	err = tx.scanKeys([]byte{prefixCount}, func(k []byte) error {
		if !seen[string(k)] {
			bad = append(bad, fmt.Sprintf("count %q has no index entries", k[1:]))
		}
		return nil
	})
	return bad, err
}

// migrateCounts gives a store written before the list counts their
// counts, once.
func (s *Store) migrateCounts() error {
	done, err := s.hasMeta(metaCounts)
	if err != nil || done {
		return err
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err = s.View(func(tx *Txn) error {
		return tx.tally(func(list []byte, counts map[string]uint64) error {
			for v, n := range counts {
				if err := wb.Set(countKey(list, []byte(v)), binary.BigEndian.AppendUint64(nil, n)); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("count lists: %w", err)
	}
	if err := wb.Set(key(prefixMeta, metaCounts), []byte{1}); err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("count lists: %w", err)
	}
	return nil
}

// ListCountKey is the key of the count that counts index entry e (a date
// or dated entry): for tools that repair or, in tests, damage a store.
func ListCountKey(e IndexEntry) ([]byte, error) {
	m := Meta{Marking: e.Marking}
	if e.Retracted {
		m.Retraction = &Retraction{}
	}
	var v []byte
	switch e.Table {
	case "date":
		v = adjacencyValue(m)
	case "dated":
		v = datedEdgeValue(m, e.EdgeMarking, e.EdgeRetracted)
	default:
		return nil, fmt.Errorf("index %s keeps no counts", e.Table)
	}
	list, err := listOf(IndexKey(e))
	if err != nil {
		return nil, err
	}
	return countKey(list, v), nil
}
