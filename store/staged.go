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

// close ends the import and lets go of its transactions.
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
