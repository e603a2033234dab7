package store

import (
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Cursor reads many records and adjacency lists within one transaction, as
// a subgraph walk and an export do: thousands of reads.
//
// Adjacency lists are read through one iterator per direction, kept open
// and moved with Seek: a new iterator per node was about a quarter of a
// walk's allocations. (A read transaction's Edges calls share one cursor
// the same way.) Records are read with Txn.Get, whose
// bloom filters skip the tables that cannot hold the key and which loads
// only the key's block; an iterator seeked to each record (tried) loads
// the next entries' blocks as well, and on a store larger than the block
// cache each extra block is a read and a decompression: the 10k export
// was 10-15% slower that way, though it allocated less. Outlines are read
// without copying the record (outlineReader), and the cursor keeps the
// strings it sees most (types, markings, document IDs) once.
//
// A Cursor belongs to one goroutine and must be closed before its
// transaction ends (Badger refuses to discard a transaction with an open
// iterator).
type Cursor struct {
	tx      *Txn
	out, in *badger.Iterator
	key     []byte
	names   map[string]string
	outline outlineReader
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
	for _, it := range []*badger.Iterator{c.out, c.in} {
		if it != nil {
			it.Close()
		}
	}
	c.out, c.in = nil, nil
}

// iterator returns the open iterator over adjacency table prefix (out or
// in), opening it first. Values are not prefetched: they sit beside the
// keys.
func (c *Cursor) iterator(prefix byte) *badger.Iterator {
	it := &c.out
	if prefix == prefixIn {
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
	return c.tx.value(prefix, kind, id, fn)
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
