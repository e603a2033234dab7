package store

// Committing a staged import (staged.go): the commit point, the apply
// while new reads wait, and what Open does after a crash.

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// Commit makes the import live: it checks that every staged edge's
// endpoints exist (staged or stored), marks the import committed (the
// commit point), applies the staged records, and reports how many records
// changed. progress, if not nil, hears how many staged records have been
// applied.
//
// An error before the marker is written leaves nothing: the staged records
// are removed. An error after it (a failing disk) leaves the import to be
// finished by the next Open; reads of this Store fail until then, rather
// than show part of it.
func (imp *Import) Commit(progress func(applied int)) (Applied, error) {
	if imp.ended {
		return Applied{}, errors.New("commit import: already ended")
	}
	if err := imp.Seal(); err != nil {
		imp.Abort()
		return Applied{}, fmt.Errorf("commit import: %w", err)
	}
	// PutEdge refuses an edge whose endpoint is missing: that must be
	// found before the commit point, not while applying.
	if err := imp.checkEndpoints(); err != nil {
		imp.Abort()
		return Applied{}, err
	}
	s := imp.s
	if imp.mem != nil {
		applied, done, err := imp.commitInOne()
		if done || err != nil {
			return applied, err
		}
		// Too big for one commit after all: stage it and go on.
		if err := imp.spill(); err != nil {
			imp.Abort()
			return Applied{}, fmt.Errorf("commit import: %w", err)
		}
		imp.sealed = false
		if err := imp.Seal(); err != nil {
			imp.Abort()
			return Applied{}, fmt.Errorf("commit import: %w", err)
		}
	}
	// Nothing reads the staged records through it any more, and it must
	// not stay open across the apply's commits (see Live).
	imp.reader.Discard()
	imp.reader = nil
	mark, _ := json.Marshal(importMarker{ID: imp.id, Audit: imp.audit})
	if err := s.db.Update(func(t *badger.Txn) error { return t.Set(key(prefixMeta, metaImport), mark) }); err != nil {
		imp.Abort()
		return Applied{}, fmt.Errorf("commit import: %w", err)
	}
	// From here on the import has happened; what is left is to show it.
	s.gate.Lock()
	seqs, applied, err := s.applyStaged(imp.id, imp.batch, imp.audit, progress)
	if err == nil {
		err = s.endImport()
	}
	if err != nil {
		s.applyErr = fmt.Errorf("an import committed but could not be written (%v); restart to finish it", err)
	}
	s.gate.Unlock()
	imp.close()
	if err != nil {
		s.writeMu.Unlock()
		return Applied{}, fmt.Errorf("apply import: %w", err)
	}
	// Staged keys are unreachable now; removing them is housekeeping, and
	// the next Open finishes it if this stops part way.
	clean := s.dropStaged()
	s.writeMu.Unlock()
	if err := s.notifyLogged(seqs); err != nil && clean == nil {
		clean = err
	}
	if clean != nil {
		return applied, fmt.Errorf("import applied; removing its staged copy: %w", clean)
	}
	return applied, nil
}

// checkEndpoints checks that both ends of every staged edge are staged or
// stored nodes.
func (imp *Import) checkEndpoints() error {
	live := imp.s.db.NewTransaction(false)
	defer live.Discard()
	// Edges share endpoints; remember a bounded number of those found.
	found := map[string]struct{}{}
	exists := func(id string) (bool, error) {
		if _, ok := found[id]; ok {
			return true, nil
		}
		if len(found) >= 1<<16 {
			clear(found)
		}
		ok, err := imp.nodeExists(live, id)
		if ok {
			found[id] = struct{}{}
		}
		return ok, err
	}
	return imp.ScanStagedEdges(func(b []byte) error {
		var e struct{ ID, Type, From, To string }
		if err := decode(b, &e); err != nil {
			return fmt.Errorf("read staged edge: %w", err)
		}
		for _, end := range []string{e.From, e.To} {
			ok, err := exists(end)
			if err != nil {
				return fmt.Errorf("edge %s: read endpoint: %w", e.ID, err)
			}
			if !ok {
				return fmt.Errorf("%w: edge %s %s: endpoint %s does not exist", ErrInvalid, e.Type, e.ID, end)
			}
		}
		return nil
	})
}

// nodeExists reports whether node id is staged or stored (in live).
func (imp *Import) nodeExists(live *badger.Txn, id string) (bool, error) {
	if ok, err := imp.StagedNodeValue(id, func([]byte) error { return nil }); ok || err != nil {
		return ok, err
	}
	_, err := live.Get(key(prefixNode, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// commitInOne applies an import still held in memory, its endpoints
// checked, in one commit: no marker and no waiting readers are needed for
// a single commit. done is
// false when Badger finds it too big for one transaction; nothing is
// written then.
func (imp *Import) commitInOne() (Applied, bool, error) {
	s := imp.s
	vals := func(kind string) [][]byte {
		var vs [][]byte
		for _, k := range imp.memKeys(key(prefixStage, imp.id, kind)) {
			vs = append(vs, imp.mem[k])
		}
		return vs
	}
	var (
		applied Applied
		c       *Commit
	)
	err := s.db.Update(func(t *badger.Txn) error {
		tx := &Txn{t: t, changes: &Commit{}}
		var err error
		if applied.Nodes, err = tx.applyRecords(false, vals(stagedNode), imp.audit); err != nil {
			return err
		}
		if applied.Edges, err = tx.applyRecords(true, vals(stagedEdge), imp.audit); err != nil {
			return err
		}
		c, err = tx.logCommit()
		return err
	})
	if errors.Is(err, badger.ErrTxnTooBig) {
		return Applied{}, false, nil
	}
	imp.close()
	s.writeMu.Unlock()
	if err != nil {
		return Applied{}, true, fmt.Errorf("commit import: %w", err)
	}
	if c != nil {
		s.subs.notify(*c)
	}
	return applied, true, nil
}

// seqRange is the first and last commit-log numbers an apply wrote (0, 0
// for none).
type seqRange struct{ first, last uint64 }

// applyStaged writes import id's staged records into the live tables, nodes
// first (an edge's endpoints must exist), in commits of about batch bytes,
// each with its commit-log entry. It returns the log numbers of those
// entries and how many records changed. Each batch is read in a read
// transaction of its own (see Live).
func (s *Store) applyStaged(id string, batch int64, audit *AuditAs, progress func(int)) (seqRange, Applied, error) {
	var (
		seqs    seqRange
		written Applied
		applied int
	)
	for _, kind := range []string{stagedNode, stagedEdge} {
		p := key(prefixStage, id, kind)
		for next := p; next != nil; {
			vals, after, err := s.readStaged(p, next, batch)
			if err != nil {
				return seqs, Applied{}, err
			}
			if len(vals) == 0 {
				break
			}
			cs, n, err := s.applyBatch(kind == stagedEdge, vals, audit)
			if err != nil {
				return seqs, Applied{}, err
			}
			for _, c := range cs {
				if seqs.first == 0 {
					seqs.first = c.Seq
				}
				seqs.last = c.Seq
			}
			if kind == stagedEdge {
				written.Edges += n
			} else {
				written.Nodes += n
			}
			applied += len(vals)
			if progress != nil {
				progress(applied)
			}
			next = after
		}
	}
	return seqs, written, nil
}

// readStaged reads the staged records under prefix p from key from on, up
// to about batch bytes of writes, and returns them with the key to go on
// from (nil when none is left).
func (s *Store) readStaged(p, from []byte, batch int64) (vals [][]byte, next []byte, err error) {
	var size int64
	err = s.db.View(func(t *badger.Txn) error {
		it := t.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Seek(from); it.ValidForPrefix(p); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return fmt.Errorf("read staged record: %w", err)
			}
			vals = append(vals, v)
			// A record rewrites its index entries and may delete old ones.
			size += 2*int64(len(v)) + 512
			if size >= batch {
				next = append(it.Item().KeyCopy(nil), 0)
				return nil
			}
		}
		next = nil
		return nil
	})
	return vals, next, err
}

// notifyLogged tells subscribers of the commits numbered seqs, reading them
// back from the log one at a time rather than holding every ID an import
// wrote.
func (s *Store) notifyLogged(seqs seqRange) error {
	for seq := seqs.first; seq != 0 && seq <= seqs.last; seq++ {
		var c Commit
		err := s.View(func(tx *Txn) error {
			v, err := tx.rawGet(logKey(seq))
			if err != nil || v == nil {
				return err
			}
			return json.Unmarshal(v, &c)
		})
		if err != nil {
			return fmt.Errorf("tell subscribers of change %d: %w", seq, err)
		}
		s.subs.notify(c)
	}
	return nil
}

// applyBatch writes vals (stored records) in one commit, or in two halves
// if Badger finds it too big for one: a failed commit writes nothing, so
// splitting loses nothing.
func (s *Store) applyBatch(edges bool, vals [][]byte, audit *AuditAs) ([]Commit, int, error) {
	written := 0
	var c *Commit
	err := s.db.Update(func(t *badger.Txn) error {
		tx := &Txn{t: t, changes: &Commit{}}
		var err error
		if written, err = tx.applyRecords(edges, vals, audit); err != nil {
			return err
		}
		c, err = tx.logCommit()
		return err
	})
	if errors.Is(err, badger.ErrTxnTooBig) && len(vals) > 1 {
		half := len(vals) / 2
		c1, n1, err := s.applyBatch(edges, vals[:half], audit)
		if err != nil {
			return nil, 0, err
		}
		c2, n2, err := s.applyBatch(edges, vals[half:], audit)
		if err != nil {
			return nil, 0, err
		}
		return append(c1, c2...), n1 + n2, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if c == nil {
		return nil, written, nil
	}
	return []Commit{*c}, written, nil
}

// applyRecords writes vals (stored records, nodes or edges) within tx,
// with an audit entry for each changed record when audit is set, and
// returns how many changed.
func (tx *Txn) applyRecords(edges bool, vals [][]byte, audit *AuditAs) (int, error) {
	written := 0
	for _, v := range vals {
		var (
			changed bool
			err     error
			ch      = Change{Kind: "node"}
			k       []byte
		)
		if edges {
			var e Edge
			if err = decode(v, &e); err != nil {
				return 0, fmt.Errorf("decode staged edge: %w", err)
			}
			ch.Kind, ch.Record, ch.Owner, ch.Marking, k = "edge", e.ID, e.From, e.Marking, key(prefixEdge, e.ID)
			if audit != nil {
				if ch.Before, err = tx.rawGet(k); err != nil {
					return 0, err
				}
			}
			changed, err = tx.PutEdge(&e)
		} else {
			var n Node
			if err = decode(v, &n); err != nil {
				return 0, fmt.Errorf("decode staged node: %w", err)
			}
			ch.Record, ch.Marking, k = n.ID, n.Marking, key(prefixNode, n.ID)
			if audit != nil {
				if ch.Before, err = tx.rawGet(k); err != nil {
					return 0, err
				}
			}
			changed, err = tx.PutNode(&n)
		}
		if err != nil {
			return 0, err
		}
		if !changed {
			continue
		}
		written++
		if audit != nil {
			ch.Op = "create"
			if ch.Before != nil {
				ch.Op = "update"
			}
			// The staged bytes are the record as stored.
			ch.At, ch.By, ch.Mutation, ch.After = audit.At, audit.By, audit.Mutation, v
			if err := tx.AppendChange(&ch); err != nil {
				return 0, err
			}
		}
	}
	return written, nil
}

// endImport removes the marker: the import is fully applied.
func (s *Store) endImport() error {
	return s.db.Update(func(t *badger.Txn) error { return t.Delete(key(prefixMeta, metaImport)) })
}

// dropStaged deletes every staged key, of any import.
func (s *Store) dropStaged() error {
	wb := s.db.NewWriteBatch()
	defer wb.Cancel()
	p := []byte{prefixStage}
	err := s.db.View(func(t *badger.Txn) error {
		it := t.NewIterator(badger.IteratorOptions{Prefix: p})
		defer it.Close()
		for it.Seek(p); it.ValidForPrefix(p); it.Next() {
			if err := wb.Delete(it.Item().KeyCopy(nil)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remove staged records: %w", err)
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("remove staged records: %w", err)
	}
	return nil
}

// ErrImportPending means a read-only Open found an import that committed
// but was not fully applied when its process stopped.
var ErrImportPending = errors.New("an interrupted import is still to be finished")

// recoverImport finishes or rolls back an import a crash interrupted (see
// the top of this file). Open calls it before anyone can read.
func (s *Store) recoverImport(readOnly bool) error {
	var m importMarker
	found := false
	hasStaged := false
	err := s.db.View(func(t *badger.Txn) error {
		item, err := t.Get(key(prefixMeta, metaImport))
		switch {
		case errors.Is(err, badger.ErrKeyNotFound):
		case err != nil:
			return err
		default:
			found = true
			if err := item.Value(func(b []byte) error { return json.Unmarshal(b, &m) }); err != nil {
				return fmt.Errorf("import marker: %w", err)
			}
		}
		it := t.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixStage}})
		defer it.Close()
		it.Rewind()
		hasStaged = it.ValidForPrefix([]byte{prefixStage})
		return nil
	})
	if err != nil {
		return fmt.Errorf("look for an interrupted import: %w", err)
	}
	if readOnly {
		if found {
			return fmt.Errorf("%w: open the data directory once for writing (for example with attrib check) to finish it", ErrImportPending)
		}
		return nil // staged keys of an uncommitted import are invisible
	}
	if found {
		if _, _, err := s.applyStaged(m.ID, s.db.MaxBatchSize()/4, m.Audit, nil); err != nil {
			return fmt.Errorf("finish the interrupted import: %w", err)
		}
		if err := s.endImport(); err != nil {
			return fmt.Errorf("finish the interrupted import: %w", err)
		}
		hasStaged = true
	}
	if hasStaged {
		return s.dropStaged()
	}
	return nil
}

// beginRead opens the read transaction of View. It waits while an import
// is being applied (see the top of this file), so that the snapshot it
// takes is from before the import or after it.
func (s *Store) beginRead() (*badger.Txn, error) {
	s.gate.RLock()
	defer s.gate.RUnlock()
	if s.applyErr != nil {
		return nil, s.applyErr
	}
	if s.db.IsClosed() {
		return nil, badger.ErrDBClosed
	}
	return s.db.NewTransaction(false), nil
}
