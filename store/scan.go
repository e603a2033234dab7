package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// IndexEntry is one secondary index entry, decoded from its key (and, for
// the code index, its value). Fields a table does not use are empty; the
// struct is comparable so entries can be collected in sets.
type IndexEntry struct {
	Table string // "out", "in", "type", "code", "date" or "dated"
	Node  string // the node the entry is filed under (out: from, in: to)
	Type  string // out/in: edge type; type/date: node type
	Other string // out/in: the other endpoint
	Edge  string // out/in: edge ID
	Date  string // date
	Code  string // code
	// out/in: the edge's marking and retraction as the entry records them;
	// date and dated: the dated node's. Recorded is false for an entry
	// that carries none.
	Marking   string
	Retracted bool
	Recorded  bool
	// dated: the edge's marking and retraction.
	EdgeMarking   string
	EdgeRetracted bool
}

// IndexEntries lists the entries the indexes must hold for n.
func (n *Node) IndexEntries() []IndexEntry {
	var out []IndexEntry
	for _, k := range nodeIndexKeys(n) {
		v := []byte(n.ID)
		if k[0] == prefixDate || k[0] == prefixType {
			v = adjacencyValue(n.Meta)
		}
		e, err := decodeIndex(k, v)
		if err == nil {
			out = append(out, e)
		}
	}
	return out
}

// DatedIndexEntry is the entry the date-ordered index of parties must hold
// for e, whose start is from; ok is false when from has no date.
func DatedIndexEntry(e *Edge, from *Node) (IndexEntry, bool) {
	d := from.Props.String("date")
	if d == "" {
		return IndexEntry{}, false
	}
	ie, err := decodeIndex(key(prefixDated, e.To, e.Type, d, e.From, e.ID), datedEdgeValue(from.Meta, e.Marking, e.Retraction != nil))
	return ie, err == nil
}

// IndexEntries lists the entries the indexes must hold for e.
func (e *Edge) IndexEntries() []IndexEntry {
	m, r := e.AdjacencyVisibility()
	return []IndexEntry{
		{Table: "out", Node: e.From, Type: e.Type, Other: e.To, Edge: e.ID, Marking: m, Retracted: r, Recorded: true},
		{Table: "in", Node: e.To, Type: e.Type, Other: e.From, Edge: e.ID, Marking: m, Retracted: r, Recorded: true},
	}
}

// ScanNodes calls fn with each stored node and the ID its key names, in
// key order.
func (tx *Txn) ScanNodes(fn func(keyID string, n *Node) error) error {
	return tx.scanRecords(prefixNode, func(id string, v []byte) error {
		var n Node
		if err := decode(v, &n); err != nil {
			return fmt.Errorf("node %s: decode record: %w", id, err)
		}
		return fn(id, &n)
	})
}

// ScanEdges calls fn with each stored edge and the ID its key names.
func (tx *Txn) ScanEdges(fn func(keyID string, e *Edge) error) error {
	return tx.scanRecords(prefixEdge, func(id string, v []byte) error {
		var e Edge
		if err := decode(v, &e); err != nil {
			return fmt.Errorf("edge %s: decode record: %w", id, err)
		}
		return fn(id, &e)
	})
}

func (tx *Txn) scanRecords(prefix byte, fn func(id string, v []byte) error) error {
	p := []byte{prefix}
	it := tx.t.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Seek(p); it.ValidForPrefix(p); it.Next() {
		parts, err := splitKey(it.Item().Key())
		if err != nil || len(parts) != 1 {
			return fmt.Errorf("record key %q is malformed", it.Item().Key())
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("read %s: %w", parts[0], err)
		}
		if err := fn(parts[0], v); err != nil {
			return err
		}
	}
	return nil
}

// ScanIndexes calls fn with every secondary index entry. A key of a table
// this file does not decode (one added later, say) comes as an entry whose
// Table is "?" followed by its prefix byte, so a checker can say what it
// skipped; a malformed key of a known table is an error naming it.
func (tx *Txn) ScanIndexes(fn func(IndexEntry) error) error {
	it := tx.t.NewIterator(badger.IteratorOptions{PrefetchValues: false})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().Key()
		switch k[0] {
		case prefixNode, prefixEdge, prefixMeta:
			continue
		case prefixCount:
			continue // not entries but their counts: CountMismatches checks them
		}
		// Every index carries what it needs in its value: the visibility
		// of what it lists, or (code) the node's ID.
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("read index %q: %w", k, err)
		}
		e, err := decodeIndex(k, v)
		if errors.Is(err, errUnknownTable) {
			e, err = IndexEntry{Table: "?" + string(k[:1])}, nil
		}
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

var errUnknownTable = errors.New("not a table ScanIndexes decodes")

func decodeIndex(k, v []byte) (IndexEntry, error) {
	want := map[byte]int{prefixOut: 4, prefixIn: 4, prefixType: 2, prefixCode: 1, prefixDate: 3, prefixDated: 5}
	n, known := want[k[0]]
	if !known {
		return IndexEntry{}, fmt.Errorf("key %q: %w", k, errUnknownTable)
	}
	parts, err := splitKey(k)
	if err != nil {
		return IndexEntry{}, err
	}
	if len(parts) != n {
		return IndexEntry{}, fmt.Errorf("index key %q has %d parts, want %d", k, len(parts), n)
	}
	switch k[0] {
	case prefixOut, prefixIn:
		e := IndexEntry{Table: "out", Node: parts[0], Type: parts[1], Other: parts[2], Edge: parts[3]}
		if k[0] == prefixIn {
			e.Table = "in"
		}
		e.Marking, e.Retracted, e.Recorded = parseAdjacency(v)
		return e, nil
	case prefixType:
		e := IndexEntry{Table: "type", Type: parts[0], Node: parts[1]}
		e.Marking, e.Retracted, e.Recorded = parseAdjacency(v)
		return e, nil
	case prefixCode:
		return IndexEntry{Table: "code", Code: parts[0], Node: string(v)}, nil
	case prefixDated:
		e := IndexEntry{Table: "dated", Node: parts[0], Type: parts[1], Date: parts[2], Other: parts[3], Edge: parts[4]}
		if d, ok := parseDated(v, true); ok {
			e.Marking, e.Retracted, e.EdgeMarking, e.EdgeRetracted, e.Recorded = d.Marking, d.Retracted, d.EdgeMarking, d.EdgeRetracted, true
		}
		return e, nil
	default:
		e := IndexEntry{Table: "date", Type: parts[0], Date: parts[1], Node: parts[2]}
		e.Marking, e.Retracted, e.Recorded = parseAdjacency(v)
		return e, nil
	}
}

// IndexKey is the raw key of an index entry: for tools that repair or, in
// tests, damage a store.
func IndexKey(e IndexEntry) []byte {
	switch e.Table {
	case "out":
		return key(prefixOut, e.Node, e.Type, e.Other, e.Edge)
	case "in":
		return key(prefixIn, e.Node, e.Type, e.Other, e.Edge)
	case "type":
		return key(prefixType, e.Type, e.Node)
	case "code":
		return key(prefixCode, e.Code)
	case "dated":
		return key(prefixDated, e.Node, e.Type, e.Date, e.Other, e.Edge)
	default:
		return key(prefixDate, e.Type, e.Date, e.Node)
	}
}
