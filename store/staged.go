package store

// Staged imports: writing more than one Badger transaction holds, all or
// nothing.
//
// Badger refuses a transaction past 15% of a memtable (ErrTxnTooBig; about
// 9 MB of records and index entries here), and every commit it accepts is
// visible at once. An import of a whole exported graph (hundreds of MB) has
// to be written in many commits, yet readers must see it all or not at all,
// and a crash part way must leave the store as it was. So an import goes in
// three phases (an import that fits in one transaction skips them: its
// records stay in memory, up to what one transaction holds, and are applied
// in a single commit; should that commit prove too big, they are staged
// after all):
//
//  1. Staging. The records are written, in as many synced commits as they
//     need, under keys of their own (table x, keyed by the import's ID).
//     No read path looks there: Node, Edge, the adjacency, type, code and
//     date indexes and the commit log all live under other prefixes, so
//     staged records are invisible. The importer checks everything (its
//     citations against their documents, edge endpoints, markings) against
//     the staged records and the live graph before going on. Staged data
//     also takes scratch notes (StageNote) for checks that need the file in
//     another order than it came.
//  2. Commit. One small transaction writes the meta entry "import" naming
//     the import as committed. That commit is the import's commit point:
//     before it, the import never happened; after it, it has.
//  3. Apply. The staged records are copied into the live tables by PutNode
//     and PutEdge, in batches that each commit with their own commit-log
//     entry, then the marker and the staged keys are removed. While batches
//     are applied, reads that start wait (View's gate); reads already
//     running keep the snapshot they began with, which predates the first
//     batch. So a reader sees the graph before the import or after it,
//     never between.
//
// Open finishes what a crash interrupted: with the marker present it
// applies the staged records again (PutNode writes nothing for a record
// already applied, so this converges), else it deletes any staged keys, which
// belong to an import that never committed. Until then the store is not
// handed to anyone. A read-only Open cannot do either, and refuses a store
// whose import committed but was not applied.
//
// The writer lock (writeMu) is held from BeginImport to the end: nothing
// else writes while an import runs, so what it checked against the live
// graph still holds when it is applied, and mutations wait their turn.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// metaImport names the meta entry that marks a committed, not yet fully
// applied import.
const metaImport = "import"

// Staged kinds, the third part of a staged key.
const (
	stagedNode = "n"
	stagedEdge = "e"
	stagedNote = "q"
)

// ErrDuplicate means an import staged the same record twice.
var ErrDuplicate = errors.New("appears twice")

// ImportOptions tune a staged import.
type ImportOptions struct {
	// Audit, if set, records an audit-trail entry (see Change) for every
	// record the import changes, in the same commit as the record, as a
	// mutation does: By and Mutation name who and what, At when.
	Audit *AuditAs
	// BatchBytes bounds the bytes one staging or apply commit writes, and
	// what an import keeps in memory before it stages; 0 means a quarter
	// of what Badger accepts in one transaction for commits, and as much
	// as it accepts for memory. Tests lower it to make small files take
	// many commits.
	BatchBytes int64
}

// AuditAs is what an import's audit-trail entries say of it.
type AuditAs struct {
	By       string `json:"by"`
	Mutation string `json:"mutation"`
	At       string `json:"at"`
}

// Applied counts the records an import changed.
type Applied struct{ Nodes, Edges int }

// Import is a staged import in progress: stage its records, then Commit or
// Abort. It holds the store's writer lock until then. An Import is used
// by one goroutine.
type Import struct {
	s     *Store
	id    string
	batch int64
	audit *AuditAs
	// A small import's records stay in mem and are applied in one
	// commit; past memMax bytes they spill to staged keys (mem is then
	// nil).
	mem     map[string][]byte
	memSize int64
	memMax  int64
	sealed  bool
	txn     *badger.Txn // current staging commit, once spilled
	size    int64       // bytes in txn
	reader  *badger.Txn // after Seal until Commit: reads of the staged records
	staged  int         // records staged
	ended   bool
}

// importMarker is the value of the meta entry "import": what Open needs to
// finish the import.
type importMarker struct {
	ID    string   `json:"id"`
	Audit *AuditAs `json:"audit,omitempty"`
}

// BeginImport starts a staged import. It waits for the writer lock.
func (s *Store) BeginImport(o ImportOptions) (*Import, error) {
	var raw [8]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	batch, memMax := o.BatchBytes, o.BatchBytes
	if batch <= 0 {
		batch, memMax = s.db.MaxBatchSize()/4, s.db.MaxBatchSize()
	}
	s.writeMu.Lock()
	if s.applyErr != nil {
		s.writeMu.Unlock()
		return nil, s.applyErr
	}
	return &Import{
		s: s, id: hex.EncodeToString(raw[:]), batch: batch, memMax: memMax, audit: o.Audit,
		mem: map[string][]byte{},
	}, nil
}

// Live runs fn in a read transaction over the live graph, which nothing
// else writes while the import runs. Each call is a transaction of its own:
// Badger keeps what it needs to detect conflicts for every commit made
// after the oldest open read, so one read held open across the import's
// hundreds of commits would hold memory in the file's size.
func (imp *Import) Live(fn func(*Txn) error) error {
	return imp.s.db.View(func(t *badger.Txn) error { return fn(&Txn{t: t}) })
}

// Staged returns how many records have been staged.
func (imp *Import) Staged() int { return imp.staged }

func (imp *Import) key(kind, id string) []byte { return key(prefixStage, imp.id, kind, id) }

// StageNode stages n. Staging the same node ID twice is ErrDuplicate.
func (imp *Import) StageNode(n *Node) error {
	if err := checkPart("node id", n.ID); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := checkPart("node type", n.Type); err != nil {
		return fmt.Errorf("%w: node %s: %v", ErrInvalid, n.ID, err)
	}
	val, err := EncodeNode(n)
	if err != nil {
		return fmt.Errorf("encode node %s: %w", n.ID, err)
	}
	return imp.stageRecord("node", stagedNode, n.ID, val)
}

// StageEdge stages e. Staging the same edge ID twice is ErrDuplicate.
func (imp *Import) StageEdge(e *Edge) error {
	for _, f := range [...]struct{ name, v string }{{"edge id", e.ID}, {"edge type", e.Type}, {"edge from", e.From}, {"edge to", e.To}} {
		if err := checkPart(f.name, f.v); err != nil {
			return fmt.Errorf("%w: edge %s: %v", ErrInvalid, e.ID, err)
		}
	}
	val, err := EncodeEdge(e)
	if err != nil {
		return fmt.Errorf("encode edge %s: %w", e.ID, err)
	}
	return imp.stageRecord("edge", stagedEdge, e.ID, val)
}

func (imp *Import) stageRecord(what, kind, id string, val []byte) error {
	k := imp.key(kind, id)
	if imp.mem != nil {
		if _, ok := imp.mem[string(k)]; ok {
			return fmt.Errorf("%s %s %w", what, id, ErrDuplicate)
		}
	} else if _, err := imp.txn.Get(k); err == nil {
		// The current commit sees its own writes and every earlier
		// commit of this import.
		return fmt.Errorf("%s %s %w", what, id, ErrDuplicate)
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("stage %s %s: %w", what, id, err)
	}
	if err := imp.set(k, val); err != nil {
		return fmt.Errorf("stage %s %s: %w", what, id, err)
	}
	imp.staged++
	return nil
}

// StageNote keeps v under k for the importer's own checks (ScanNotes lists
// notes in key order); notes are never applied. A later note under the same
// key replaces the earlier.
func (imp *Import) StageNote(k, v []byte) error {
	full := append(key(prefixStage, imp.id, stagedNote), k...)
	if err := imp.set(full, v); err != nil {
		return fmt.Errorf("stage note: %w", err)
	}
	return nil
}

// set writes one staged entry, committing the current staging transaction
// first when the entry would take it past the batch size (or past what
// Badger accepts). Each entry is one key, so a staging commit never holds
// part of a record.
func (imp *Import) set(k, v []byte) error {
	if imp.ended || imp.sealed {
		return errors.New("the import is sealed or ended")
	}
	n := int64(len(k) + len(v) + 16)
	if imp.mem != nil {
		if imp.memSize+n <= imp.memMax {
			imp.mem[string(k)] = bytes.Clone(v)
			imp.memSize += n
			return nil
		}
		if err := imp.spill(); err != nil {
			return err
		}
	}
	return imp.setStaged(k, v, n)
}

// spill writes what mem holds to staged keys: the import is past what it
// keeps in memory.
func (imp *Import) spill() error {
	mem := imp.mem
	imp.mem, imp.memSize = nil, 0
	imp.txn = imp.s.db.NewTransaction(true)
	for _, k := range slices.Sorted(maps.Keys(mem)) {
		v := mem[k]
		if err := imp.setStaged([]byte(k), v, int64(len(k)+len(v)+16)); err != nil {
			return err
		}
	}
	return nil
}

// setStaged writes one staged key (see set).
func (imp *Import) setStaged(k, v []byte, n int64) error {
	if imp.size > 0 && imp.size+n > imp.batch {
		if err := imp.flush(); err != nil {
			return err
		}
	}
	err := imp.txn.Set(k, v)
	if errors.Is(err, badger.ErrTxnTooBig) {
		if err := imp.flush(); err != nil {
			return err
		}
		err = imp.txn.Set(k, v)
	}
	if err != nil {
		return err
	}
	imp.size += n
	return nil
}

// flush commits the current staging transaction (synced, like every
// commit) and opens the next.
func (imp *Import) flush() error {
	if err := imp.txn.Commit(); err != nil {
		return fmt.Errorf("write staged records: %w", err)
	}
	imp.txn = imp.s.db.NewTransaction(true)
	imp.size = 0
	return nil
}

// Seal commits what is staged and opens the staged records for reading;
// nothing can be staged after it.
func (imp *Import) Seal() error {
	if imp.sealed {
		return nil
	}
	imp.sealed = true
	if imp.mem != nil {
		return nil
	}
	if err := imp.flush(); err != nil {
		return err
	}
	imp.txn.Discard()
	imp.reader = imp.s.db.NewTransaction(false)
	return nil
}

// StagedNodeValue calls fn with the staged record of node id, if staged,
// and reports whether it was. b is valid only during fn. After Seal.
func (imp *Import) StagedNodeValue(id string, fn func(b []byte) error) (bool, error) {
	if !imp.sealed {
		return false, errors.New("read staged records: the import is not sealed")
	}
	if imp.mem != nil {
		v, ok := imp.mem[string(imp.key(stagedNode, id))]
		if !ok {
			return false, nil
		}
		return true, fn(v)
	}
	item, err := imp.reader.Get(imp.key(stagedNode, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("staged node %s: %w", id, err)
	}
	return true, item.Value(fn)
}

// ScanStagedNodes calls fn with each staged node record, in ID order. b is
// valid only during fn. After Seal.
func (imp *Import) ScanStagedNodes(fn func(b []byte) error) error {
	return imp.scan(key(prefixStage, imp.id, stagedNode), func(_, v []byte) error { return fn(v) })
}

// ScanStagedEdges is ScanStagedNodes for edges.
func (imp *Import) ScanStagedEdges(fn func(b []byte) error) error {
	return imp.scan(key(prefixStage, imp.id, stagedEdge), func(_, v []byte) error { return fn(v) })
}

// ScanNotes calls fn with each note's key (as given to StageNote) and
// value, in key order. Both are valid only during fn. After Seal.
func (imp *Import) ScanNotes(fn func(k, v []byte) error) error {
	p := key(prefixStage, imp.id, stagedNote)
	return imp.scan(p, func(k, v []byte) error { return fn(k[len(p):], v) })
}

func (imp *Import) scan(p []byte, fn func(k, v []byte) error) error {
	if !imp.sealed {
		return errors.New("scan staged records: the import is not sealed")
	}
	if imp.mem != nil {
		for _, k := range imp.memKeys(p) {
			if err := fn([]byte(k), imp.mem[k]); err != nil {
				return err
			}
		}
		return nil
	}
	it := imp.reader.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Seek(p); it.ValidForPrefix(p); it.Next() {
		item := it.Item()
		if err := item.Value(func(v []byte) error { return fn(item.Key(), v) }); err != nil {
			return err
		}
	}
	return nil
}

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

// Abort drops the import: nothing staged becomes visible. It is safe to
// call after Commit or a previous Abort.
func (imp *Import) Abort() {
	if imp.ended {
		return
	}
	spilled := imp.txn != nil
	imp.close()
	if spilled {
		// A failure here leaves staged keys that the next Open removes.
		_ = imp.s.dropStaged()
	}
	imp.s.writeMu.Unlock()
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

func (imp *Import) close() {
	imp.ended = true
	if imp.reader != nil {
		imp.reader.Discard()
	}
	if imp.txn != nil {
		imp.txn.Discard() // a no-op once committed or discarded
	}
}

// memKeys lists the keys of mem under prefix p, in order.
func (imp *Import) memKeys(p []byte) []string {
	var ks []string
	for k := range imp.mem {
		if strings.HasPrefix(k, string(p)) {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return ks
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
