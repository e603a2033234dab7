package store

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// The adjacency entries (o and i) carry, as their value, what a reader
// needs to decide whether it may follow the edge: its marking and whether it
// is retracted. Walking a node's neighbours then reads no edge record, which
// is most of the cost of a two-hop query.
//
//	value: version byte (1) | flags byte (bit 0: retracted) | marking
//
// Stores written before the value existed have empty values; Open records
// them once (migrateAdjacency), and Edges reads the edge record for any entry
// still without one (a store opened read-only).
const adjacencyVersion byte = 1

// metaAdjacency names the meta entry that says every adjacency entry
// carries its edge's visibility.
const metaAdjacency = "adjacency-visibility"

func adjacencyValue(m Meta) []byte {
	v := make([]byte, 2, 2+len(m.Marking))
	v[0] = adjacencyVersion
	if m.Retraction != nil {
		v[1] = 1
	}
	return append(v, m.Marking...)
}

// parseAdjacency reads an adjacency value; ok is false when the entry
// carries none (an old store) or one this version does not know.
func parseAdjacency(v []byte) (marking string, retracted, ok bool) {
	m, retracted, ok := parseAdjacencyBytes(v)
	return string(m), retracted, ok
}

// parseAdjacencyBytes is parseAdjacency without copying the marking.
func parseAdjacencyBytes(v []byte) (marking []byte, retracted, ok bool) {
	if len(v) < 2 || v[0] != adjacencyVersion {
		return nil, false, false
	}
	return v[2:], v[1]&1 != 0, true
}

// putAdjacency writes both adjacency entries of e.
func (tx *Txn) putAdjacency(e *Edge) error {
	v := adjacencyValue(e.Meta)
	if err := tx.t.Set(key(prefixOut, e.From, e.Type, e.To, e.ID), v); err != nil {
		return fmt.Errorf("index edge %s: %w", e.ID, err)
	}
	if err := tx.t.Set(key(prefixIn, e.To, e.Type, e.From, e.ID), v); err != nil {
		return fmt.Errorf("index edge %s: %w", e.ID, err)
	}
	return nil
}

// AdjacencyVisibility is what the adjacency entries of e must carry, for
// checkers: marking and retraction as Edges reports them.
func (e *Edge) AdjacencyVisibility() (marking string, retracted bool) {
	return e.Marking, e.Retraction != nil
}

// migrateAdjacency gives every adjacency entry of a store written before
// entries carried visibility its edge's marking and retraction, once. It
// runs in batches outside any transaction and is idempotent: a crash part
// way leaves entries that Edges still answers for, and the next Open starts
// again.
func (s *Store) migrateAdjacency() error {
	done, err := s.hasMeta(metaAdjacency)
	if err != nil || done {
		return err
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err = s.View(func(tx *Txn) error {
		return tx.scanRecords(prefixEdge, func(id string, b []byte) error {
			// Only the ends, type and meta are needed, not the citations.
			var e struct {
				ID, Type, From, To string
				Meta
			}
			if err := decode(b, &e); err != nil {
				return fmt.Errorf("edge %s: decode record: %w", id, err)
			}
			v := adjacencyValue(e.Meta)
			if err := wb.Set(key(prefixOut, e.From, e.Type, e.To, e.ID), v); err != nil {
				return err
			}
			return wb.Set(key(prefixIn, e.To, e.Type, e.From, e.ID), v)
		})
	})
	if err != nil {
		return fmt.Errorf("record edge visibility in the adjacency index: %w", err)
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("record edge visibility in the adjacency index: %w", err)
	}
	return s.db.Update(func(t *badger.Txn) error {
		return t.Set(key(prefixMeta, metaAdjacency), []byte{adjacencyVersion})
	})
}
