package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Cursor reads many records and adjacency lists within one transaction, as
// a subgraph walk and an export do: thousands of point reads, mostly in key
// order. Txn.Get builds an iterator over every table for each read and
// copies the value three times; an iterator kept open per table and moved
// with Seek reuses its buffers, so a read allocates almost nothing. The
// cursor also keeps the strings it has seen most often (types, markings,
// document IDs) so that equal strings are allocated once.
//
// Every read seeks. Stepping forward with Next when the wanted key is a few
// entries ahead was measured on an export and was slower: each step copies
// an entry's key and value, and the records an export reads are rarely
// neighbours.
//
// A Cursor belongs to one goroutine and must be closed before its
// transaction ends (Badger refuses to discard a transaction with an open
// iterator).
type Cursor struct {
	tx                    *Txn
	nodes, edges, out, in *badger.Iterator
	key                   []byte
	names                 map[string]string
	outline               outlineReader
}

// NewCursor opens a cursor over tx. Its iterators are opened when first
// needed.
func (tx *Txn) NewCursor() *Cursor {
	c := &Cursor{tx: tx, names: map[string]string{}}
	c.outline.names = c.names
	return c
}

// Close closes the cursor's iterators.
func (c *Cursor) Close() {
	for _, it := range []*badger.Iterator{c.nodes, c.edges, c.out, c.in} {
		if it != nil {
			it.Close()
		}
	}
	c.nodes, c.edges, c.out, c.in = nil, nil, nil, nil
}

// iterator returns the open iterator over table prefix, opening it first.
// Values are not prefetched: a point read wants one value, not the next
// ones.
func (c *Cursor) iterator(prefix byte) *badger.Iterator {
	var it **badger.Iterator
	switch prefix {
	case prefixNode:
		it = &c.nodes
	case prefixEdge:
		it = &c.edges
	case prefixOut:
		it = &c.out
	default:
		it = &c.in
	}
	if *it == nil {
		*it = c.tx.t.NewIterator(badger.IteratorOptions{Prefix: []byte{prefix}})
	}
	return *it
}

// appendKey is key writing into dst.
func appendKey(dst []byte, prefix byte, parts ...string) []byte {
	dst = append(dst, prefix)
	for _, p := range parts {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(p)))
		dst = append(dst, p...)
	}
	return dst
}

// NodeValue is Txn.NodeValue through the cursor.
func (c *Cursor) NodeValue(id string, fn func(b []byte) error) error {
	return c.value(prefixNode, "node", id, fn)
}

// EdgeValue is Txn.EdgeValue through the cursor.
func (c *Cursor) EdgeValue(id string, fn func(b []byte) error) error {
	return c.value(prefixEdge, "edge", id, fn)
}

func (c *Cursor) value(prefix byte, kind, id string, fn func(b []byte) error) error {
	it := c.iterator(prefix)
	c.key = appendKey(c.key[:0], prefix, id)
	it.Seek(c.key)
	if !it.Valid() || !bytes.Equal(it.Item().Key(), c.key) {
		return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
	}
	err := it.Item().Value(fn)
	// Seek drops the current item, and the next read would allocate a new
	// one with new buffers for its key and value; Next hands it back to the
	// iterator for reuse.
	it.Next()
	if err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return nil
}

// Outline is Txn.Outline through the cursor.
func (c *Cursor) Outline(id string) (Outline, error) {
	return c.readOutline(prefixNode, "node", id)
}

// EdgeOutline is Txn.EdgeOutline through the cursor.
func (c *Cursor) EdgeOutline(id string) (Outline, error) {
	return c.readOutline(prefixEdge, "edge", id)
}

func (c *Cursor) readOutline(prefix byte, kind, id string) (Outline, error) {
	var o Outline
	err := c.value(prefix, kind, id, func(b []byte) error {
		var err error
		o, err = c.outline.parse(b)
		return err
	})
	return o, err
}

// AppendEdges appends to refs what Txn.Edges lists for id, dir and
// edgeType, and returns the extended slice.
func (c *Cursor) AppendEdges(refs []EdgeRef, id string, dir Direction, edgeType string) ([]EdgeRef, error) {
	for _, d := range []Direction{Out, In} {
		if dir&d == 0 {
			continue
		}
		p := byte(prefixOut)
		if d == In {
			p = prefixIn
		}
		if edgeType != "" {
			c.key = appendKey(c.key[:0], p, id, edgeType)
		} else {
			c.key = appendKey(c.key[:0], p, id)
		}
		it := c.iterator(p)
		for it.Seek(c.key); it.ValidForPrefix(c.key); it.Next() {
			item := it.Item()
			var r EdgeRef
			err := item.Value(func(v []byte) error {
				var err error
				r, err = c.tx.edgeRef(item.Key(), v, d, id, c.names)
				return err
			})
			if err != nil {
				return refs, fmt.Errorf("edges of %s: %w", id, err)
			}
			refs = append(refs, r)
		}
	}
	return refs, nil
}

// edgeRef reads adjacency entry k with value v, listed for node id in
// direction d. Strings found in names are taken from there: most refs then
// allocate only one string, holding the other end and the edge ID.
func (tx *Txn) edgeRef(k, v []byte, d Direction, id string, names map[string]string) (EdgeRef, error) {
	var parts [4][]byte
	rest := k[1:]
	for i := range parts {
		if len(rest) < 2 {
			return EdgeRef{}, fmt.Errorf("adjacency index: bad key %q", k)
		}
		n := int(binary.BigEndian.Uint16(rest))
		if len(rest) < 2+n {
			return EdgeRef{}, fmt.Errorf("adjacency index: bad key %q", k)
		}
		parts[i] = rest[2 : 2+n]
		rest = rest[2+n:]
	}
	if len(rest) != 0 || string(parts[0]) != id {
		return EdgeRef{}, fmt.Errorf("adjacency index: bad key %q", k)
	}
	// The other end and the edge ID are one allocation: the bytes from the
	// other end's first byte to the key's end, sliced.
	tail := string(k[len(k)-len(parts[3])-2-len(parts[2]):])
	r := EdgeRef{
		ID:    tail[len(parts[2])+2:],
		Type:  intern(names, parts[1]),
		Other: tail[:len(parts[2])],
		Dir:   d,
	}
	if d == Out {
		r.From, r.To = id, r.Other
	} else {
		r.From, r.To = r.Other, id
	}
	marking, retracted, ok := parseAdjacencyBytes(v)
	if !ok {
		e, err := tx.Edge(r.ID)
		if err != nil {
			return EdgeRef{}, err
		}
		r.Marking, r.Retracted = e.AdjacencyVisibility()
		return r, nil
	}
	r.Marking, r.Retracted = intern(names, marking), retracted
	return r, nil
}

// parseAdjacencyBytes is parseAdjacency without copying the marking.
func parseAdjacencyBytes(v []byte) (marking []byte, retracted, ok bool) {
	if len(v) < 2 || v[0] != adjacencyVersion {
		return nil, false, false
	}
	return v[2:], v[1]&1 != 0, true
}

// maxInterned bounds the strings a cursor keeps: past it, new strings are
// allocated each time, so a walk over a huge graph keeps no more memory
// than this for them.
const maxInterned = 1 << 16

// intern returns b as a string, the one kept in names when there is one.
func intern(names map[string]string, b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if names == nil {
		return string(b)
	}
	if s, ok := names[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(names) < maxInterned {
		names[s] = s
	}
	return s
}
