package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/dgraph-io/badger/v4"
)

// Change is one entry of the audit trail: who changed which record, when,
// through which mutation, and the record before and after. Changes are
// numbered densely from 1 in commit order, so Seq is both a cursor into the
// feed of changes and its length so far.
type Change struct {
	Seq      uint64 `json:"seq"`
	At       string `json:"at"` // RFC 3339 with nanoseconds, UTC
	By       string `json:"by"`
	Op       string `json:"op"`       // create, update, retract, unretract
	Mutation string `json:"mutation"` // the operation that made the change
	Record   string `json:"record"`   // node or edge ID
	Kind     string `json:"kind"`     // "node" or "edge"
	// Owner is, for an edge, the node it starts from: the edge's changes
	// are part of that node's history too.
	Owner string `json:"owner,omitempty"`
	// Marking is the stricter of the record's markings before and after,
	// so a reader who may not see the record does not see its change.
	Marking string          `json:"marking,omitempty"`
	Before  json.RawMessage `json:"before,omitempty"`
	After   json.RawMessage `json:"after,omitempty"`
}

// ErrConflict means a concurrent transaction wrote what this one read; the
// caller may run it again.
var ErrConflict = errors.New("transaction conflict")

// changeSeqMeta is the metadata entry holding the last change number.
const changeSeqMeta = "change_seq"

// seqPart encodes a change number as a fixed-width key part, so byte order
// is numeric order.
func seqPart(seq uint64) string {
	return string(binary.BigEndian.AppendUint64(nil, seq))
}

// AppendChange numbers c, writes it to the feed and indexes it under its
// record (and its owner). Reading and bumping the counter in the same
// transaction makes concurrent writers conflict, so changes are numbered in
// commit order with no gaps.
func (tx *Txn) AppendChange(c *Change) error {
	last, err := tx.ChangeCount()
	if err != nil {
		return err
	}
	c.Seq = last + 1
	val, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode change: %w", err)
	}
	sp := seqPart(c.Seq)
	if err := tx.t.Set(key(prefixChange, sp), val); err != nil {
		return fmt.Errorf("write change: %w", err)
	}
	for _, id := range []string{c.Record, c.Owner} {
		if id == "" {
			continue
		}
		if err := tx.t.Set(key(prefixHistory, id, sp), nil); err != nil {
			return fmt.Errorf("index change: %w", err)
		}
	}
	if err := tx.SetMeta(changeSeqMeta, []byte(strconv.FormatUint(c.Seq, 10))); err != nil {
		return fmt.Errorf("write change counter: %w", err)
	}
	return nil
}

// ChangeCount returns the number of changes recorded, which is also the
// number of the latest one.
func (tx *Txn) ChangeCount() (uint64, error) {
	v, err := tx.Meta(changeSeqMeta)
	if err != nil {
		return 0, fmt.Errorf("read change counter: %w", err)
	}
	if v == nil {
		return 0, nil
	}
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("change counter %q: %w", v, err)
	}
	return n, nil
}

// Changes calls fn with each change numbered after after, in order, until
// fn returns false.
func (tx *Txn) Changes(after uint64, fn func(*Change) (bool, error)) error {
	opts := badger.DefaultIteratorOptions
	pre := []byte{prefixChange}
	opts.Prefix = pre
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek(key(prefixChange, seqPart(after+1))); it.ValidForPrefix(pre); it.Next() {
		var c Change
		if err := it.Item().Value(func(b []byte) error { return json.Unmarshal(b, &c) }); err != nil {
			return fmt.Errorf("read change: %w", err)
		}
		more, err := fn(&c)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// History returns the changes of record id (and, for a node, of the edges
// it owns), oldest first.
func (tx *Txn) History(id string) ([]Change, error) {
	seqs, err := tx.lastParts(key(prefixHistory, id), "history index")
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	out := make([]Change, 0, len(seqs))
	for _, sp := range seqs {
		var c Change
		if err := tx.get(key(prefixChange, sp), &c); err != nil {
			return nil, fmt.Errorf("history of %s: %w", id, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Idempotent returns what was recorded under a principal's idempotency key,
// or nil when the key is new.
func (tx *Txn) Idempotent(principal, idemKey string) ([]byte, error) {
	v, err := tx.rawGet(key(prefixIdem, principal, idemKey))
	if err != nil {
		return nil, fmt.Errorf("idempotency key: %w", err)
	}
	return v, nil
}

// SetIdempotent records the result of the mutation a principal sent with
// an idempotency key, in the transaction of the mutation itself.
func (tx *Txn) SetIdempotent(principal, idemKey string, result []byte) error {
	for name, v := range map[string]string{"principal": principal, "idempotency key": idemKey} {
		if err := checkPart(name, v); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, err)
		}
	}
	if err := tx.t.Set(key(prefixIdem, principal, idemKey), result); err != nil {
		return fmt.Errorf("write idempotency key: %w", err)
	}
	return nil
}
