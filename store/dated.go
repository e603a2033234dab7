package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Lists in date order walk an index in the order they return, so a page
// of N costs about N index entries and N records, not every match:
//
//	d | lp(type) lp(date) lp(id)                          -> visibility of the node
//	r | lp(party) lp(edgeType) lp(date) lp(dated) lp(edgeID) -> visibility of the
//	                                                         dated node and the edge
//
// d lists the dated nodes of a type (incidents, claims, responses,
// statements) by date. r lists, for a party, the dated nodes with an edge
// of one type to it, by the dated node's date: an attributor's claims, an
// incident's attributions, a target's incidents. Both carry, as their
// value, what a reader needs to skip what it may not see without reading
// the record:
//
//	d value: version (1) | flags (bit 0: retracted) | marking
//	r value: version (1) | flags (bit 0: node retracted, bit 1: edge retracted) |
//	         len(node marking) | node marking | edge marking
//
// PutNode and PutEdge keep both in step with the records, in the same
// transaction. Stores written before them get them once, at Open
// (migrateDated); until then (a store opened read-only) HasDatedIndex is
// false and lists fall back to reading the records.
const datedVersion byte = 1

// metaDated names the meta entry that says t and d entries carry
// visibility and r is complete.
const metaDated = "index-visibility"

func datedEdgeValue(node Meta, edgeMarking string, edgeRetracted bool) []byte {
	v := make([]byte, 3, 3+len(node.Marking)+len(edgeMarking))
	v[0] = datedVersion
	if node.Retraction != nil {
		v[1] |= 1
	}
	if edgeRetracted {
		v[1] |= 2
	}
	v[2] = byte(len(node.Marking))
	v = append(v, node.Marking...)
	return append(v, edgeMarking...)
}

// DatedEntry is one entry of a date-ordered index, as a reader needs it.
// ID and Date are valid only during the call that hands it over: a walk
// of thousands of entries allocates nothing for the ones it only counts.
type DatedEntry struct {
	ID, Date      []byte
	Marking       string // the node's
	Retracted     bool   // the node's
	EdgeMarking   string // r entries only
	EdgeRetracted bool
	ByEdge        bool // an r entry, with an edge
}

func parseDated(v []byte, byEdge bool) (DatedEntry, bool) {
	var e DatedEntry
	if len(v) < 2 || v[0] != datedVersion {
		return e, false
	}
	e.Retracted = v[1]&1 != 0
	if !byEdge {
		e.Marking = marking(v[2:])
		return e, true
	}
	if len(v) < 3 || int(v[2]) > len(v)-3 {
		return e, false
	}
	n := int(v[2])
	e.ByEdge = true
	e.EdgeRetracted = v[1]&2 != 0
	e.Marking = marking(v[3 : 3+n])
	e.EdgeMarking = marking(v[3+n:])
	return e, true
}

// markings are the TLP markings as stored; marking returns one of them
// for its bytes without allocating.
var markings = []string{"", "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

func marking(b []byte) string {
	for _, m := range markings {
		if string(b) == m {
			return m
		}
	}
	return string(b)
}

// keyParts returns parts i and i+1 of composite key k (after its prefix
// byte), without allocating.
func keyParts(k []byte, i int) (a, b []byte, ok bool) {
	rest := k[1:]
	for j := 0; j <= i+1; j++ {
		if len(rest) < 2 {
			return nil, nil, false
		}
		n := int(binary.BigEndian.Uint16(rest))
		if len(rest) < 2+n {
			return nil, nil, false
		}
		switch j {
		case i:
			a = rest[2 : 2+n]
		case i + 1:
			b = rest[2 : 2+n]
		}
		rest = rest[2+n:]
	}
	return a, b, true
}

// HasDatedIndex reports whether the store's date-ordered indexes are
// complete (see dated.go); false only for a store written before them and
// opened read-only.
func (tx *Txn) HasDatedIndex() (bool, error) {
	v, err := tx.rawGet(key(prefixMeta, metaDated))
	return v != nil, err
}

// DatedRange walks the d entries of typ, or with party the r entries of
// party and edgeType, whose date lies in [from, to] ("" for open), in
// (date, ID-in-key-order) order, or the reverse with desc, until fn
// returns false.
func (tx *Txn) DatedRange(typ, party, edgeType, from, to string, desc bool, fn func(DatedEntry) (bool, error)) error {
	var prefix []byte
	byEdge := party != ""
	if byEdge {
		prefix = key(prefixDated, party, edgeType)
	} else {
		prefix = key(prefixDate, typ)
	}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	opts.Reverse = desc
	it := tx.t.NewIterator(opts)
	defer it.Close()
	start := prefix
	switch {
	case !desc && from != "":
		start = append(append([]byte(nil), prefix...), lp(from)...)
	case desc && to != "":
		// Just past every key of date `to`.
		start = append(append(append([]byte(nil), prefix...), lp(to)...), 0xff)
	case desc:
		start = append(append([]byte(nil), prefix...), 0xff)
	}
	partsAfter := 1 // type
	if byEdge {
		partsAfter = 2 // party, edge type
	}
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		date, id, ok := keyParts(item.Key(), partsAfter)
		if !ok {
			return fmt.Errorf("date index: bad key %q", item.Key())
		}
		if (!desc && to != "" && string(date) > to) || (desc && from != "" && string(date) < from) {
			return nil
		}
		if (!desc && from != "" && string(date) < from) || (desc && to != "" && string(date) > to) {
			continue
		}
		var e DatedEntry
		if err := item.Value(func(v []byte) error { e, ok = parseDated(v, byEdge); return nil }); err != nil {
			return fmt.Errorf("date index: %w", err)
		}
		if !ok {
			return fmt.Errorf("date index: entry of %s carries no visibility; open the store writable once to index it", id)
		}
		e.ID, e.Date = id, date
		more, err := fn(e)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// Visibility reads node id's marking and retraction from the type index,
// without its record: the type is part of the ID. ok is false when the
// index cannot say (no such node, an entry without visibility in a store
// opened read-only before it was recorded): read the record then.
func (tx *Txn) Visibility(id string) (marking string, retracted, ok bool, err error) {
	typ, _, derr := DecodeNodeID(id)
	if derr != nil {
		return "", false, false, nil
	}
	v, err := tx.rawGet(key(prefixType, typ, id))
	if err != nil || v == nil {
		return "", false, false, err
	}
	marking, retracted, ok = parseAdjacency(v)
	return marking, retracted, ok, nil
}

// lp is one length-prefixed key part.
func lp(s string) []byte { return key(0, s)[1:] }

// noteDated remembers, for this transaction, the date and visibility of a
// node just written, so that the edges written after it need not read it
// back.
func (tx *Txn) noteDated(n *Node) {
	if tx.dated == nil {
		tx.dated = map[string]Dated{}
	}
	tx.dated[n.ID] = Dated{Date: n.Props.String("date"), Meta: n.Meta}
}

// datedOf returns the date and visibility of node id within the
// transaction.
func (tx *Txn) datedOf(id string) (Dated, error) {
	if d, ok := tx.dated[id]; ok {
		return d, nil
	}
	ds, err := tx.Dates([]string{id})
	if err != nil {
		return Dated{}, err
	}
	return ds[0], nil
}

// indexDatedEdge writes the r entry of e when its start is dated; existed
// says whether e was stored before (and so may have an entry already).
func (tx *Txn) indexDatedEdge(e *Edge, existed bool) error {
	d, err := tx.datedOf(e.From)
	if err != nil || d.Date == "" {
		return err
	}
	k := key(prefixDated, e.To, e.Type, d.Date, e.From, e.ID)
	var old []byte
	if existed {
		if old, err = tx.rawGet(k); err != nil {
			return fmt.Errorf("index edge %s by date: %w", e.ID, err)
		}
	}
	if err := tx.setIndexed(k, datedEdgeValue(d.Meta, e.Marking, e.Retraction != nil), old); err != nil {
		return fmt.Errorf("index edge %s by date: %w", e.ID, err)
	}
	return nil
}

// reindexDatedNode moves the r entries of n's out-edges from prevDate to
// n's date, with n's visibility, after either changed.
func (tx *Txn) reindexDatedNode(n *Node, prevDate string) error {
	date := n.Props.String("date")
	prefix := key(prefixOut, n.ID)
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	type out struct {
		typ, to, id, marking string
		retracted            bool
	}
	var outs []out
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		parts, err := splitKey(it.Item().Key())
		if err != nil || len(parts) != 4 {
			it.Close()
			return fmt.Errorf("out-edge index: bad key %q", it.Item().Key())
		}
		o := out{typ: parts[1], to: parts[2], id: parts[3]}
		if err := it.Item().Value(func(v []byte) error {
			var ok bool
			o.marking, o.retracted, ok = parseAdjacency(v)
			if !ok {
				return errors.New("adjacency entry without visibility")
			}
			return nil
		}); err != nil {
			it.Close()
			return fmt.Errorf("out-edges of %s: %w", n.ID, err)
		}
		outs = append(outs, o)
	}
	it.Close()
	for _, o := range outs {
		// The entry under the previous date is deleted, then written
		// under the new one, so the write has no old value to uncount.
		if prevDate != "" {
			k := key(prefixDated, o.to, o.typ, prevDate, n.ID, o.id)
			old, err := tx.rawGet(k)
			if err == nil && old != nil {
				err = tx.deleteIndexed(k, old)
			}
			if err != nil {
				return fmt.Errorf("unindex edge %s by date: %w", o.id, err)
			}
		}
		if date != "" {
			if err := tx.setIndexed(key(prefixDated, o.to, o.typ, date, n.ID, o.id), datedEdgeValue(n.Meta, o.marking, o.retracted), nil); err != nil {
				return fmt.Errorf("index edge %s by date: %w", o.id, err)
			}
		}
	}
	return nil
}

// sameVisibility reports whether two metas show to the same readers.
func sameVisibility(a, b Meta) bool {
	return a.Marking == b.Marking && (a.Retraction == nil) == (b.Retraction == nil)
}

// migrateDated gives a store written before the date-ordered indexes
// their values and r entries, once.
func (s *Store) migrateDated() error {
	done, err := s.hasMeta(metaDated)
	if err != nil || done {
		return err
	}
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	err = s.View(func(tx *Txn) error {
		dates := map[string]Dated{}
		err := tx.scanRecords(prefixNode, func(id string, b []byte) error {
			var rec struct {
				Type  string `json:"type"`
				Props struct {
					Date string `json:"date"`
				} `json:"properties"`
				Meta
			}
			if err := decode(b, &rec); err != nil {
				return fmt.Errorf("node %s: decode record: %w", id, err)
			}
			if err := wb.Set(key(prefixType, rec.Type, id), adjacencyValue(rec.Meta)); err != nil {
				return err
			}
			if rec.Props.Date == "" {
				return nil
			}
			dates[id] = Dated{Date: rec.Props.Date, Meta: rec.Meta}
			return wb.Set(key(prefixDate, rec.Type, rec.Props.Date, id), adjacencyValue(rec.Meta))
		})
		if err != nil {
			return err
		}
		return tx.scanRecords(prefixEdge, func(id string, b []byte) error {
			var e struct {
				ID, Type, From, To string
				Meta
			}
			if err := decode(b, &e); err != nil {
				return fmt.Errorf("edge %s: decode record: %w", id, err)
			}
			d, ok := dates[e.From]
			if !ok {
				return nil
			}
			return wb.Set(key(prefixDated, e.To, e.Type, d.Date, e.From, e.ID), datedEdgeValue(d.Meta, e.Marking, e.Retraction != nil))
		})
	})
	if err != nil {
		return fmt.Errorf("index by date: %w", err)
	}
	if err := wb.Set(key(prefixMeta, metaDated), []byte{datedVersion}); err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("index by date: %w", err)
	}
	return nil
}

// hasMeta reports whether the meta entry name is set: a migration that
// sets it when done runs once.
func (s *Store) hasMeta(name string) (bool, error) {
	found := false
	err := s.db.View(func(t *badger.Txn) error {
		_, err := t.Get(key(prefixMeta, name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		found = err == nil
		return err
	})
	return found, err
}
