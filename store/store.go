// Package store persists the attribution graph in Badger: typed nodes and
// edges, their citations, and the indexes that make neighbours, types, state
// codes and dates one prefix scan away. It knows nothing of GraphQL.
//
// # JSON
//
// A record (a Node or an Edge) has one stored form and one codec each way:
//
//   - Written by EncodeNode and EncodeEdge (encode.go): exactly the bytes
//     encoding/json.Marshal writes (sorted property keys, HTML-safe escapes,
//     invalid UTF-8 as U+FFFD), which are the on-disk contract, in about
//     60% of Marshal's time and with 2 allocations instead of 12
//     (BenchmarkEncodeRecord).
//     encode_test.go holds the two byte for byte equal.
//   - Read whole by Decode, which is goccy/go-json: measured on a generated
//     corpus's nodes (BenchmarkDecodeRecord, codec_test.go) it decodes a
//     record in about a quarter of encoding/json's time and half of
//     go-json-experiment's, into the same values, with the fewest
//     allocations. Every whole read goes through it: lookups, scans
//     (check), imports.
//
// Two scanners are the fast path for the reads that need a few fields of a
// record, not the whole: ParseQuotable (text.go) jumps from quote to quote
// to a document's type, marking and text, and the outline reader
// (outline.go) walks a record's tokens with go-json-experiment's jsontext
// tokenizer to its type, marking, retraction and cited documents, skipping
// the properties. Both are tested against Decode (text_test.go,
// outline_test.go). jsontext is also the importer's streaming tokenizer.
// Small bookkeeping values that are not records (audit entries, commits,
// import markers) use encoding/json.
package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/dgraph-io/badger/v4"
	gojson "github.com/goccy/go-json"
)

// Store is an open graph database.
type Store struct {
	db *badger.DB
	// writeMu serialises Update: every writing transaction reads and bumps
	// the change sequence, so two at once would always conflict. Commits
	// are synced one by one anyway.
	writeMu sync.Mutex
	subs    subscribers
	// gate holds new reads back while a committed import is applied, and
	// applyErr is set if applying failed (staged.go).
	gate     sync.RWMutex
	applyErr error
}

// Options configure Open.
type Options struct {
	// InMemory keeps everything in memory (tests); Dir is then ignored.
	InMemory bool
	// Logger receives Badger's warnings and errors; nil discards them.
	Logger *slog.Logger
	// ReadOnly opens an existing store for reading only: no memtable (64 MB
	// less memory), no compactions, and Update fails. Other read-only
	// processes may share the directory; a writer may not.
	ReadOnly bool
}

// Open opens (creating if needed) the store in dir.
//
// Badger is tuned for a small machine (2 cores, 1-2 GB of memory, one
// analyst team's graph of thousands to millions of facts):
//   - SyncWrites: every committed transaction is fsynced to the
//     write-ahead log (.mem file) before Update returns, so an acknowledged
//     write survives a process crash and a power loss.
//   - two 64 MB memtables (Badger's default is five): at most 128 MB of
//     unflushed writes in memory and a short log to replay on restart after
//     a crash, while one transaction may still hold about 9 MB (Badger caps
//     a transaction at 15% of a memtable), which an import or a generator
//     batch needs;
//   - a 32 MB block cache and a 16 MB index cache keep idle memory low; the
//     graph's hot set (indexes, small records) fits;
//   - values over 4 KB (document texts, records with many citations) go to
//     the value log in 128 MB files, so the LSM tree stays small and
//     RunGC can reclaim space a file at a time;
//   - two compactors (one per core) and one version per key: nothing reads
//     old versions, so compaction drops them.
func Open(dir string, o Options) (*Store, error) {
	opts := badger.DefaultOptions(dir).
		WithSyncWrites(true).
		WithNumCompactors(2).
		WithMemTableSize(64 << 20).
		WithNumMemtables(2).
		WithBlockCacheSize(32 << 20).
		WithIndexCacheSize(16 << 20).
		WithValueThreshold(4 << 10).
		WithValueLogFileSize(128 << 20).
		WithNumVersionsToKeep(1).
		WithLogger(badgerLogger{o.Logger})
	if o.InMemory {
		// In memory there is no value log: every value stays in the tree.
		opts = opts.WithDir("").WithValueDir("").WithInMemory(true).WithValueThreshold(1 << 20)
	}
	if o.ReadOnly {
		opts = opts.WithReadOnly(true)
	}
	db, err := badger.Open(opts)
	if err != nil {
		// Badger's directory lock: another process (usually a running
		// server) holds this data directory.
		if bytes.Contains([]byte(err.Error()), []byte("Cannot acquire directory lock")) {
			return nil, fmt.Errorf("open store %s: %w: another attrib process (a running server?) is using it; stop it, or point --data at another directory", dir, ErrLocked)
		}
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db}
	if !o.ReadOnly {
		if err := s.migrateAdjacency(); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
		if err := s.migrateDated(); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
		if err := s.migrateCounts(); err != nil {
			db.Close()
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	if err := s.recoverImport(o.ReadOnly); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return s, nil
}

// ErrLocked means another process holds the data directory.
var ErrLocked = errors.New("data directory is locked")

// Close flushes and closes the store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// DB exposes the Badger handle for maintenance work (backup, GC, checks)
// that lives beside the store.
func (s *Store) DB() *badger.DB { return s.db }

// Update runs fn in one read-write transaction and commits it; nothing fn
// wrote is kept when it returns an error. The commit is synced to disk
// before Update returns.
//
// A transaction that changes any record also appends one entry to the change
// log (see commits.go) in the same commit, and subscribers hear of it once
// the commit is durable.
func (s *Store) Update(fn func(*Txn) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.applyErr != nil {
		return s.applyErr
	}
	var ch *Commit
	err := s.db.Update(func(t *badger.Txn) error {
		tx := &Txn{t: t, changes: &Commit{}}
		if err := fn(tx); err != nil {
			return err
		}
		var err error
		ch, err = tx.logCommit()
		return err
	})
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("transaction too big for one commit: %w", err)
	}
	if errors.Is(err, badger.ErrConflict) {
		return ErrConflict
	}
	if err == nil && ch != nil {
		s.subs.notify(*ch)
	}
	return err
}

// View runs fn in a read-only transaction over a consistent snapshot.
func (s *Store) View(fn func(*Txn) error) error {
	t, err := s.beginRead()
	if err != nil {
		return err
	}
	defer t.Discard()
	tx := &Txn{t: t, read: true}
	defer tx.closeCursor()
	return fn(tx)
}

// Txn is a transaction over the graph.
type Txn struct {
	t       *badger.Txn
	changes *Commit // what this read-write transaction changed; nil in View
	// A read transaction keeps one Cursor for its Edges calls: opening a
	// Badger iterator costs more than the few entries a node's lookup
	// reads, and the cursor seeks the same iterators for every lookup.
	read bool
	cur  *Cursor
	// dated holds the date and visibility of the nodes this transaction
	// wrote, for the date index of the edges written after them.
	dated map[string]Dated
	// counts holds the changes this transaction made to the list counts
	// (counts.go), applied when its commit is logged.
	counts map[string]int64
}

// closeCursor closes the cursor a read transaction kept for Edges.
func (tx *Txn) closeCursor() {
	if tx.cur != nil {
		tx.cur.Close()
		tx.cur = nil
	}
}

// Node reads one node.
func (tx *Txn) Node(id string) (*Node, error) {
	var n Node
	if err := tx.get(key(prefixNode, id), &n); err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	return &n, nil
}

// NodeUncited reads one node without its citations (Citations is nil):
// for a reader that shows none of them. The quotes are most of a claim's
// record; skipping them saves decoding them, and the caller checking the
// clearance of every document they cite.
func (tx *Txn) NodeUncited(id string) (*Node, error) {
	var n Node
	if err := tx.get(key(prefixNode, id), &uncited{Node: &n}); err != nil {
		return nil, fmt.Errorf("node %s: %w", id, err)
	}
	return &n, nil
}

// uncited decodes a node record into Node, leaving its citations out: its
// own Citations field hides the embedded one from the decoder. Its
// elements have no fields, so the decoder steps over every quote and
// allocates nothing for them; an UnmarshalJSON method instead would be
// handed a copy of the whole list.
type uncited struct {
	*Node
	Citations []struct{} `json:"citations"`
}

// Edge reads one edge.
func (tx *Txn) Edge(id string) (*Edge, error) {
	var e Edge
	if err := tx.get(key(prefixEdge, id), &e); err != nil {
		return nil, fmt.Errorf("edge %s: %w", id, err)
	}
	return &e, nil
}

func (tx *Txn) get(k []byte, v any) error {
	item, err := tx.t.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return item.Value(func(b []byte) error {
		if err := decode(b, v); err != nil {
			return fmt.Errorf("decode record: %w", err)
		}
		return nil
	})
}

// decode reads a stored record: the package's one record decoder (see the
// package doc). Reading records is the hot path of every query.
func decode(b []byte, v any) error { return gojson.Unmarshal(b, v) }

// Decode reads a record (a Node, an Edge, or a struct with some of their
// fields) as the store reads its own; see the package doc. Stored records
// are valid UTF-8; a caller decoding input that may not be (an import
// file) and wants encoding/json's replacement of bad bytes must use
// encoding/json for it.
func Decode(b []byte, v any) error { return decode(b, v) }

// rawGet returns a copy of the value at k, or nil when absent.
func (tx *Txn) rawGet(k []byte) ([]byte, error) {
	item, err := tx.t.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return item.ValueCopy(nil)
}

// PutNode writes n and its indexes. It reports whether anything changed:
// writing a node identical to the stored one writes nothing, which is what
// makes seeding and import idempotent.
func (tx *Txn) PutNode(n *Node) (changed bool, err error) {
	if err := checkPart("node id", n.ID); err != nil {
		return false, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := checkPart("node type", n.Type); err != nil {
		return false, fmt.Errorf("%w: node %s: %v", ErrInvalid, n.ID, err)
	}
	val, err := EncodeNode(n)
	if err != nil {
		return false, fmt.Errorf("encode node %s: %w", n.ID, err)
	}
	k := key(prefixNode, n.ID)
	old, err := tx.rawGet(k)
	if err != nil {
		return false, fmt.Errorf("node %s: %w", n.ID, err)
	}
	if bytes.Equal(old, val) {
		return false, nil
	}
	var prev *Node
	if old != nil {
		prev = &Node{}
		if err := decode(old, prev); err != nil {
			return false, fmt.Errorf("decode node %s: %w", n.ID, err)
		}
		for _, ik := range nodeIndexKeys(prev) {
			if ik[0] == prefixDate {
				err = tx.deleteIndexed(ik, adjacencyValue(prev.Meta))
			} else {
				err = tx.t.Delete(ik)
			}
			if err != nil {
				return false, fmt.Errorf("unindex node %s: %w", n.ID, err)
			}
		}
	}
	if err := tx.t.Set(k, val); err != nil {
		return false, fmt.Errorf("write node %s: %w", n.ID, err)
	}
	for _, ik := range nodeIndexKeys(n) {
		var err error
		switch ik[0] {
		case prefixCode:
			err = tx.t.Set(ik, []byte(n.ID))
		case prefixType:
			err = tx.t.Set(ik, adjacencyValue(n.Meta))
		case prefixDate:
			err = tx.setIndexed(ik, adjacencyValue(n.Meta), nil)
		default:
			err = tx.t.Set(ik, nil)
		}
		if err != nil {
			return false, fmt.Errorf("index node %s: %w", n.ID, err)
		}
	}
	// A new node has no edges yet; an old one's edges are listed under
	// its date, with its visibility, in r (dated.go).
	date := n.Props.String("date")
	tx.noteDated(n)
	if prev != nil {
		if pd := prev.Props.String("date"); pd != date || !sameVisibility(prev.Meta, n.Meta) {
			if err := tx.reindexDatedNode(n, pd); err != nil {
				return false, err
			}
		}
	}
	tx.changes.addNode(n.ID)
	return true, nil
}

// nodeIndexKeys lists the secondary index entries of a node.
func nodeIndexKeys(n *Node) [][]byte {
	keys := [][]byte{key(prefixType, n.Type, n.ID)}
	if code := n.Props.String("code"); code != "" && n.Type == "State" {
		keys = append(keys, key(prefixCode, code))
	}
	if d := n.Props.String("date"); d != "" {
		keys = append(keys, key(prefixDate, n.Type, d, n.ID))
	}
	return keys
}

// PutEdge writes e and both its adjacency entries. Like PutNode, an identical
// edge writes nothing. Both endpoints must already exist.
func (tx *Txn) PutEdge(e *Edge) (changed bool, err error) {
	for _, f := range [...]struct{ name, v string }{{"edge id", e.ID}, {"edge type", e.Type}, {"edge from", e.From}, {"edge to", e.To}} {
		if err := checkPart(f.name, f.v); err != nil {
			return false, fmt.Errorf("%w: edge %s: %v", ErrInvalid, e.ID, err)
		}
	}
	for _, end := range []string{e.From, e.To} {
		if _, err := tx.t.Get(key(prefixNode, end)); err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				return false, fmt.Errorf("%w: edge %s %s: endpoint %s does not exist", ErrInvalid, e.Type, e.ID, end)
			}
			return false, fmt.Errorf("edge %s: read endpoint: %w", e.ID, err)
		}
	}
	val, err := EncodeEdge(e)
	if err != nil {
		return false, fmt.Errorf("encode edge %s: %w", e.ID, err)
	}
	k := key(prefixEdge, e.ID)
	old, err := tx.rawGet(k)
	if err != nil {
		return false, fmt.Errorf("edge %s: %w", e.ID, err)
	}
	if bytes.Equal(old, val) {
		return false, nil
	}
	if old != nil {
		var prev Edge
		if err := decode(old, &prev); err != nil {
			return false, fmt.Errorf("decode edge %s: %w", e.ID, err)
		}
		if prev.From != e.From || prev.To != e.To || prev.Type != e.Type {
			return false, fmt.Errorf("%w: edge %s: endpoints and type of an edge cannot change", ErrInvalid, e.ID)
		}
	}
	if err := tx.t.Set(k, val); err != nil {
		return false, fmt.Errorf("write edge %s: %w", e.ID, err)
	}
	if err := tx.putAdjacency(e); err != nil {
		return false, err
	}
	if err := tx.indexDatedEdge(e, old != nil); err != nil {
		return false, err
	}
	tx.changes.addEdge(e.ID)
	return true, nil
}

// Edges lists the edges of node id in direction dir, optionally of one type
// (edgeType "" means all), with each edge's marking and retraction, from
// the adjacency indexes alone (in a store that predates their values and
// is open read-only, from the edge records).
func (tx *Txn) Edges(id string, dir Direction, edgeType string) ([]EdgeRef, error) {
	if tx.read {
		if tx.cur == nil {
			tx.cur = tx.NewCursor()
		}
		return tx.cur.AppendEdges(nil, id, dir, edgeType)
	}
	c := tx.NewCursor()
	defer c.Close()
	return c.AppendEdges(nil, id, dir, edgeType)
}

// scanKeys calls fn with each key that starts with prefix, in order, with
// value prefetch off (index entries carry no value worth reading).
// lastParts lists the second part of every two-part key under prefix, in
// key order: the IDs an index of (name, ID) keys files under name.
func (tx *Txn) lastParts(prefix []byte, index string) ([]string, error) {
	var out []string
	err := tx.scanKeys(prefix, func(k []byte) error {
		parts, err := splitKey(k)
		if err != nil || len(parts) != 2 {
			return fmt.Errorf("%s: bad key %q", index, k)
		}
		out = append(out, parts[1])
		return nil
	})
	return out, err
}

func (tx *Txn) scanKeys(prefix []byte, fn func(k []byte) error) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		if err := fn(it.Item().Key()); err != nil {
			return err
		}
	}
	return nil
}

// NodeIDsByType lists the IDs of all nodes of one type, in ID order.
func (tx *Txn) NodeIDsByType(typ string) ([]string, error) {
	ids, err := tx.lastParts(key(prefixType, typ), "type index")
	if err != nil {
		return nil, fmt.Errorf("nodes of type %s: %w", typ, err)
	}
	return ids, nil
}

// NodeIDsByDate lists the IDs of nodes of one type whose date lies in
// [from, to] (YYYY-MM-DD strings, either may be "" for open), in date order.
func (tx *Txn) NodeIDsByDate(typ, from, to string) ([]string, error) {
	var ids []string
	err := tx.scanKeys(key(prefixDate, typ), func(k []byte) error {
		parts, err := splitKey(k)
		if err != nil || len(parts) != 3 {
			return fmt.Errorf("date index: bad key %q", k)
		}
		if (from == "" || parts[1] >= from) && (to == "" || parts[1] <= to) {
			ids = append(ids, parts[2])
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nodes of type %s by date: %w", typ, err)
	}
	return ids, nil
}

// StateByCode returns the ID of the State with ISO 3166-1 code code.
func (tx *Txn) StateByCode(code string) (string, error) {
	v, err := tx.rawGet(key(prefixCode, code))
	if err != nil {
		return "", fmt.Errorf("state %s: %w", code, err)
	}
	if v == nil {
		return "", fmt.Errorf("state %s: %w", code, ErrNotFound)
	}
	return string(v), nil
}

// Meta reads a metadata value; nil when unset.
func (tx *Txn) Meta(name string) ([]byte, error) {
	return tx.rawGet(key(prefixMeta, name))
}

// SetMeta writes a metadata value.
func (tx *Txn) SetMeta(name string, v []byte) error {
	return tx.t.Set(key(prefixMeta, name), v)
}

// badgerLogger sends Badger's own log lines to slog at debug level, and its
// warnings and errors at theirs.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) { b.log(slog.LevelError, f, a) }
func (b badgerLogger) Warningf(f string, a ...any) {
	b.log(slog.LevelWarn, f, a)
}
func (b badgerLogger) Infof(f string, a ...any)  { b.log(slog.LevelDebug, f, a) }
func (b badgerLogger) Debugf(f string, a ...any) { b.log(slog.LevelDebug, f, a) }
func (b badgerLogger) log(level slog.Level, f string, a []any) {
	if b.l != nil {
		b.l.Log(context.Background(), level, "badger: "+fmt.Sprintf(f, a...))
	}
}
