package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/dgraph-io/badger/v4"
)

// Commit is one committed transaction's entry in the commit log: the
// records it wrote. Seq numbers entries from 1, with no gaps.
type Commit struct {
	Seq   uint64   `json:"seq"`
	Nodes []string `json:"nodes,omitempty"`
	Edges []string `json:"edges,omitempty"`
	// seen holds the IDs already listed, so that a transaction writing
	// thousands of records (an import) lists each once in constant time
	// rather than searching the lists.
	seen map[string]struct{}
}

// metaSeq names the meta key holding the latest change number.
const metaSeq = "seq"

func (c *Commit) addNode(id string) {
	if c != nil && c.first("n"+id) {
		c.Nodes = append(c.Nodes, id)
	}
}

func (c *Commit) addEdge(id string) {
	if c != nil && c.first("e"+id) {
		c.Edges = append(c.Edges, id)
	}
}

// first reports whether k is new to c, and remembers it.
func (c *Commit) first(k string) bool {
	if _, ok := c.seen[k]; ok {
		return false
	}
	if c.seen == nil {
		c.seen = map[string]struct{}{}
	}
	c.seen[k] = struct{}{}
	return true
}

// logCommit appends what tx changed to the commit log and bumps the
// sequence, inside tx, so the log can never miss a committed write. It
// returns nil when tx changed nothing.
func (tx *Txn) logCommit() (*Commit, error) {
	if err := tx.flushCounts(); err != nil {
		return nil, err
	}
	c := tx.changes
	if c == nil || (len(c.Nodes) == 0 && len(c.Edges) == 0) {
		return nil, nil
	}
	seq, err := tx.CommitSeq()
	if err != nil {
		return nil, err
	}
	c.Seq = seq + 1
	c.seen = nil // what subscribers get is the lists alone
	val, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode change %d: %w", c.Seq, err)
	}
	if err := tx.t.Set(logKey(c.Seq), val); err != nil {
		return nil, fmt.Errorf("write change %d: %w", c.Seq, err)
	}
	if err := tx.SetMeta(metaSeq, binary.BigEndian.AppendUint64(nil, c.Seq)); err != nil {
		return nil, fmt.Errorf("write change %d: %w", c.Seq, err)
	}
	return c, nil
}

func logKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{prefixLog}, seq)
}

// Seq returns the number of the latest committed change; 0 for a store
// never written to.
func (tx *Txn) CommitSeq() (uint64, error) {
	v, err := tx.Meta(metaSeq)
	if err != nil {
		return 0, fmt.Errorf("change sequence: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("change sequence: malformed value %x", v)
	}
	return binary.BigEndian.Uint64(v), nil
}

// CommitsSince lists the change-log entries after seq, oldest first.
func (tx *Txn) CommitsSince(seq uint64) ([]Commit, error) {
	var out []Commit
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte{prefixLog}
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek(logKey(seq + 1)); it.ValidForPrefix(opts.Prefix); it.Next() {
		var c Commit
		err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &c) })
		if err != nil {
			return nil, fmt.Errorf("change log after %d: %w", seq, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Subscribe calls fn after every commit that changed something, in the
// committing goroutine, with what changed. fn must be quick and must not
// write to the store. Derived data that follows the store through fn should
// still replay CommitsSince at start: a process can stop between a commit
// and its notification.
func (s *Store) Subscribe(fn func(Commit)) {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	s.subs.fns = append(s.subs.fns, fn)
}

type subscribers struct {
	mu  sync.Mutex
	fns []func(Commit)
}

func (s *subscribers) notify(c Commit) {
	s.mu.Lock()
	fns := slices.Clone(s.fns)
	s.mu.Unlock()
	for _, fn := range fns {
		fn(c)
	}
}
