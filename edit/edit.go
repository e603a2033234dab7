// Package edit is how analysts change the graph: it validates their input,
// resolves their quotes into citations, and writes each change in one
// synced transaction together with its audit entries and idempotency
// record. Facts are never deleted: they are retracted, and a retraction can
// be undone. It knows nothing of GraphQL or HTTP.
package edit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// Editor applies changes to a store.
type Editor struct {
	store *store.Store
	iso   map[string]string
	// Now is the clock of audit entries and assessments (UTC).
	Now func() time.Time
	// NoEditors is set when the server has no token of the editor role
	// or above, so that a refused write says so rather than asking for a
	// token nobody has.
	NoEditors bool
}

// NeedsEditor is the message refusing what needs the editor role to p.
func NeedsEditor(what string, p auth.Principal, noEditors bool) string {
	msg := fmt.Sprintf("%s needs the editor role (you are %s); send an editor's token as Authorization: Bearer <token>", what, p.Role)
	if noEditors {
		msg += ". This server has no editor or admin token configured: add a line name:editor:TOKEN to a token file and restart it with attrib serve --tokens FILE (or set $ATTRIB_TOKENS)"
	}
	return msg
}

// New returns an Editor over s.
func New(s *store.Store) *Editor {
	return &Editor{store: s, iso: seed.ISOCodes(), Now: func() time.Time { return time.Now().UTC() }}
}

// FieldError is a refused input, naming the input field at fault.
type FieldError struct {
	Field string // e.g. input.date, input.cite[1].exact
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

func fieldErr(field, format string, a ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, a...)}
}

// ForbiddenError is a change the principal's role does not allow.
type ForbiddenError struct{ Msg string }

func (e *ForbiddenError) Error() string { return e.Msg }

// TimeLayout is how audit entries and retractions write time: RFC 3339 in
// UTC with fixed-width nanoseconds, so that times compare as strings.
const TimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Opts are what every mutation may carry besides its input.
type Opts struct {
	// Marking is the TLP marking of the new fact; "" keeps the stored
	// one, or CLEAR for a new fact.
	Marking string
	// IdempotencyKey, when set, makes a retry of the same mutation with
	// the same input return the first result instead of writing again.
	IdempotencyKey string
}

// Result is what a mutation did: the record it wrote and the last audit
// entry it made (0 when nothing changed).
type Result struct {
	ID  string `json:"id"`
	Seq uint64 `json:"seq"`
}

// idemRecord is what is kept under an idempotency key.
type idemRecord struct {
	Mutation    string `json:"mutation"`
	Fingerprint string `json:"fingerprint"`
	Result
}

// maxAttempts bounds the retries of a transaction that lost a race with
// another writer; each retry starts from a fresh snapshot.
const maxAttempts = 50

// run runs fn in one transaction for principal p, handling the idempotency
// key and retrying when a concurrent writer got there first. input is
// what the key's fingerprint covers.
func (e *Editor) run(p auth.Principal, mutation string, input any, o Opts, fn func(tx *store.Txn, w *writer) (string, error)) (Result, error) {
	if !p.Can(auth.Editor) {
		return Result{}, &ForbiddenError{Msg: NeedsEditor(mutation, p, e.NoEditors)}
	}
	if o.Marking != "" {
		canon(&o.Marking, ontology.Markings)
	}
	if err := checkLen("idempotencyKey", o.IdempotencyKey, MaxKey); err != nil {
		return Result{}, err
	}
	if o.Marking != "" && ontology.MarkingLevel(o.Marking) < 0 {
		return Result{}, fieldErr("marking", "%q is not a TLP marking (one of %v)", o.Marking, ontology.Markings)
	}
	if ontology.MarkingLevel(o.Marking) > ontology.MarkingLevel(p.Role.Clearance()) {
		return Result{}, fieldErr("marking", "%s is above what an %s may read (%s): you could not read the fact back", o.Marking, p.Role, p.Role.Clearance())
	}
	// Only a key's record keeps the fingerprint: without one, encoding
	// and hashing the input would be wasted.
	var fp string
	if o.IdempotencyKey != "" {
		var err error
		if fp, err = fingerprint(mutation, input, o.Marking); err != nil {
			return Result{}, err
		}
	}
	var (
		res Result
		err error
	)
	for attempt := 1; ; attempt++ {
		err = e.store.Update(func(tx *store.Txn) error {
			res = Result{}
			if o.IdempotencyKey != "" {
				raw, err := tx.Idempotent(p.Name, o.IdempotencyKey)
				if err != nil {
					return err
				}
				if raw != nil {
					var rec idemRecord
					if err := json.Unmarshal(raw, &rec); err != nil {
						return fmt.Errorf("idempotency record: %w", err)
					}
					if rec.Mutation != mutation || rec.Fingerprint != fp {
						return fieldErr("idempotencyKey", "was already used for another %s; use a new key for a different change", rec.Mutation)
					}
					res = rec.Result
					return nil
				}
			}
			w := &writer{tx: tx, p: p, o: o, mutation: mutation, at: e.Now().UTC().Format(TimeLayout)}
			id, err := fn(tx, w)
			if err != nil {
				return err
			}
			res = Result{ID: id, Seq: w.lastSeq}
			if o.IdempotencyKey != "" {
				raw, err := json.Marshal(idemRecord{Mutation: mutation, Fingerprint: fp, Result: res})
				if err != nil {
					return fmt.Errorf("encode idempotency record: %w", err)
				}
				return tx.SetIdempotent(p.Name, o.IdempotencyKey, raw)
			}
			return nil
		})
		if errors.Is(err, store.ErrConflict) && attempt < maxAttempts {
			time.Sleep(time.Duration(rand.IntN(1000*attempt)) * time.Microsecond)
			continue
		}
		break
	}
	if err != nil {
		var fe *FieldError
		var fb *ForbiddenError
		if errors.As(err, &fe) || errors.As(err, &fb) {
			return Result{}, err
		}
		return Result{}, fmt.Errorf("%s: %w", mutation, err)
	}
	return res, nil
}

// fingerprint identifies a mutation's input, so an idempotency key reused
// for a different change is refused rather than silently answered with the
// first result.
func fingerprint(mutation string, input any, marking string) (string, error) {
	raw, err := json.Marshal(struct {
		M string
		I any
		K string
	}{mutation, input, marking})
	if err != nil {
		return "", fmt.Errorf("%s: encode input: %w", mutation, err)
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:]), nil
}

// writer writes records and their audit entries within one transaction.
type writer struct {
	tx *store.Txn
	p  auth.Principal
	// o are the mutation's options, the marking in its canonical case.
	o        Opts
	mutation string
	at       string
	lastSeq  uint64
}

// audit appends the change of one record.
func (w *writer) audit(op, id, kind, owner string, before, after any, marking string) error {
	c := &store.Change{At: w.at, By: w.p.Name, Op: op, Mutation: w.mutation, Record: id, Kind: kind, Owner: owner, Marking: marking}
	var err error
	if before != nil {
		if c.Before, err = encodeRecord(before); err != nil {
			return fmt.Errorf("encode record: %w", err)
		}
	}
	if after != nil {
		if c.After, err = encodeRecord(after); err != nil {
			return fmt.Errorf("encode record: %w", err)
		}
	}
	if err := w.tx.AppendChange(c); err != nil {
		return err
	}
	w.lastSeq = c.Seq
	return nil
}

// encodeRecord writes a record as it is stored (store.EncodeNode and
// EncodeEdge write json.Marshal's bytes without its reflection).
func encodeRecord(v any) ([]byte, error) {
	switch r := v.(type) {
	case *store.Node:
		if r != nil {
			return store.EncodeNode(r)
		}
	case *store.Edge:
		if r != nil {
			return store.EncodeEdge(r)
		}
	}
	return json.Marshal(v)
}

// stricter returns the more restricted of two markings.
func stricter(a, b string) string {
	if ontology.MarkingLevel(a) >= ontology.MarkingLevel(b) {
		return a
	}
	return b
}

// putNode writes n (op create or update) with its audit entry.
func (w *writer) putNode(n *store.Node, old *store.Node) error {
	changed, err := w.tx.PutNode(n)
	if err != nil || !changed {
		return err
	}
	op := "create"
	var before any
	marking := n.Marking
	if old != nil {
		op, before, marking = "update", old, stricter(old.Marking, n.Marking)
	}
	return w.audit(op, n.ID, "node", "", before, n, marking)
}

// putEdge writes e with its audit entry, keeping the meta of an edge
// already stored.
func (w *writer) putEdge(e *store.Edge) error {
	old, err := w.tx.Edge(e.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if old != nil {
		e.CreatedBy, e.Retraction = old.CreatedBy, old.Retraction
	}
	changed, err := w.tx.PutEdge(e)
	if err != nil || !changed {
		return err
	}
	op := "create"
	var before any
	marking := e.Marking
	if old != nil {
		op, before, marking = "update", old, stricter(old.Marking, e.Marking)
	}
	return w.audit(op, e.ID, "edge", e.From, before, e, marking)
}
