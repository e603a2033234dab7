package store

import (
	"encoding/binary"
	"fmt"
)

// Key layout. Every key starts with a one-byte prefix naming its table;
// composite keys length-prefix each part (2-byte big-endian length), so
// ("A","Bc") and ("AB","c") never collide and byte order is sort order.
//
//	n | id                                  -> Node record (JSON)
//	e | id                                  -> Edge record (JSON)
//	o | lp(from) lp(type) lp(to) lp(edgeID)  -> visibility  out-edge index
//	i | lp(to) lp(type) lp(from) lp(edgeID)  -> visibility  in-edge index
//	t | lp(nodeType) lp(id)                 -> visibility  nodes by type
//	c | lp(stateCode)                       -> node id  states by ISO code
//	d | lp(nodeType) lp(date) lp(id)        -> visibility  dated nodes by date
//	m | name                                -> metadata value
//	a | seq (8-byte big-endian)             -> Change (JSON)  audit trail, in commit order
//	h | lp(recordID) lp(seq)                -> empty  changes of one record (and of the
//	                                           edges a node owns), for history
//	k | lp(principal) lp(idempotencyKey)    -> result (JSON) of the first mutation
//	                                           sent with that key
//	s | seq (8-byte big-endian)             -> Commit (JSON)  commit log
//	r | lp(party) lp(edgeType) lp(date) lp(dated) lp(edgeID) -> visibility
//	                                           dated nodes linked to a party, by date
//	x | lp(importID) lp(kind) ...            -> a staged import's records and notes,
//	                                           invisible to every read (staged.go)
//	u | lp(list) lp(visibility)             -> count (8-byte big-endian) of the d or r
//	                                           entries of one list with that visibility,
//	                                           for totalCount without a walk (counts.go)
//
// The t, d and r entries carry the visibility of what they list, so a list
// skips what its reader may not see without reading a record (dated.go).
//
// The audit trail (a, h) is what analysts read: who changed which record
// through which mutation, before and after; the edit layer writes it. The
// commit log (s) is for derived data: Update writes one entry for every
// committed transaction that changed a record, whoever made it (seed, import,
// ingest, mutations), numbered from 1 with meta "seq" holding the latest.
// Derived data kept outside Badger (the search index) records the last number
// it applied and replays the log from there.
//
// Out and in indexes both exist so that the neighbours of a node, in either
// direction, are one prefix scan with value prefetch off. Their value is the
// edge's marking and retraction (adjacency.go; empty in stores written
// before it, until Open records it), so a reader knows whether it may follow
// an edge without reading it.
//
// This is an on-disk contract: do not reorder or reuse these prefixes; add
// new ones at the end.
const (
	prefixNode byte = 'n'
	prefixEdge byte = 'e'
	prefixOut  byte = 'o'
	prefixIn   byte = 'i'
	prefixType byte = 't'
	prefixCode byte = 'c'
	prefixDate byte = 'd'
	prefixMeta byte = 'm'

	prefixChange  byte = 'a'
	prefixHistory byte = 'h'
	prefixIdem    byte = 'k'
	prefixLog     byte = 's'
	prefixDated   byte = 'r'
	prefixStage   byte = 'x'
	prefixCount   byte = 'u' // list counts, counts.go
)

// maxPart is the longest key part that a 2-byte length prefix can hold.
const maxPart = 1<<16 - 1

// key builds prefix + each part length-prefixed.
func key(prefix byte, parts ...string) []byte {
	n := 1
	for _, p := range parts {
		n += 2 + len(p)
	}
	k := make([]byte, 1, n)
	k[0] = prefix
	for _, p := range parts {
		k = binary.BigEndian.AppendUint16(k, uint16(len(p)))
		k = append(k, p...)
	}
	return k
}

// splitKey undoes key: it returns the parts after the prefix byte.
func splitKey(k []byte) ([]string, error) {
	var parts []string
	rest := k[1:]
	for len(rest) > 0 {
		if len(rest) < 2 {
			return nil, fmt.Errorf("key %q: truncated length", k)
		}
		n := int(binary.BigEndian.Uint16(rest))
		rest = rest[2:]
		if len(rest) < n {
			return nil, fmt.Errorf("key %q: truncated part", k)
		}
		parts = append(parts, string(rest[:n]))
		rest = rest[n:]
	}
	return parts, nil
}

func checkPart(name, v string) error {
	if v == "" {
		return fmt.Errorf("%s is empty", name)
	}
	if len(v) > maxPart {
		return fmt.Errorf("%s is longer than %d bytes", name, maxPart)
	}
	return nil
}
