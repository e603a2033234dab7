package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// stagedImport stages n organisations in a store in dir, in commits of a
// few records, and seals it: what a crash can leave behind.
func stagedImport(t *testing.T, s *Store, n int) *Import {
	return stagedImportAs(t, s, n, nil)
}

// stagedImportAs is stagedImport with audit entries to write (see
// ImportOptions.Audit).
func stagedImportAs(t *testing.T, s *Store, n int, audit *AuditAs) *Import {
	t.Helper()
	imp, err := s.BeginImport(ImportOptions{BatchBytes: 1 << 10, Audit: audit})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		node := &Node{ID: NodeID("Organization", fmt.Sprintf("org-%03d", i)), Type: "Organization", Props: Props{"name_en": fmt.Sprint("org ", i)}}
		if err := imp.StageNode(node); err != nil {
			t.Fatal(err)
		}
	}
	if err := imp.Seal(); err != nil {
		t.Fatal(err)
	}
	return imp
}

// crash stops s as a killed process would leave its files: whatever was
// committed is on disk, nothing else runs (no Abort, no apply).
func crash(t *testing.T, s *Store, imp *Import) {
	t.Helper()
	imp.reader.Discard()
	if err := s.db.Close(); err != nil {
		t.Fatal(err)
	}
}

// census counts the organisations and the keys of every table.
func census(t *testing.T, s *Store) (orgs int, tables map[byte]int) {
	t.Helper()
	tables = map[byte]int{}
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			tables[it.Item().Key()[0]]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(func(tx *Txn) error {
		ids, err := tx.NodeIDsByType("Organization")
		orgs = len(ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return orgs, tables
}

func reopen(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// An import interrupted before its commit point is rolled back by Open:
// the store is exactly as before it, staged keys and all.
func TestOpenRollsBackAnUncommittedImport(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Txn) error {
		_, err := tx.PutNode(&Node{ID: NodeID("Organization", "kept"), Type: "Organization", Props: Props{}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_, want := census(t, s)
	imp := stagedImport(t, s, 200)
	if _, tables := census(t, s); tables[prefixStage] < 200 {
		t.Fatalf("only %d staged keys before the crash", tables[prefixStage])
	}
	crash(t, s, imp)

	s = reopen(t, dir)
	orgs, tables := census(t, s)
	if orgs != 1 || fmt.Sprint(tables) != fmt.Sprint(want) {
		t.Fatalf("after Open: %d organisations, tables %v; want 1 and %v", orgs, tables, want)
	}
}

// An import interrupted after its commit point is finished by Open, even
// when it had applied nothing yet.
func TestOpenFinishesACommittedImport(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	imp := stagedImport(t, s, 200)
	mark, _ := json.Marshal(importMarker{ID: imp.id})
	if err := s.db.Update(func(t *badger.Txn) error { return t.Set(key(prefixMeta, metaImport), mark) }); err != nil {
		t.Fatal(err)
	}
	crash(t, s, imp)

	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, ErrImportPending) {
		t.Fatalf("a read-only Open of a store with a pending import: %v, want ErrImportPending", err)
	}
	s = reopen(t, dir)
	orgs, tables := census(t, s)
	if orgs != 200 || tables[prefixStage] != 0 {
		t.Fatalf("after Open: %d organisations, %d staged keys; want 200 and 0", orgs, tables[prefixStage])
	}
	var marker []byte
	s.View(func(tx *Txn) error { marker, err = tx.Meta(metaImport); return err })
	if marker != nil {
		t.Fatal("the import marker outlived the import")
	}
	var logged int
	s.View(func(tx *Txn) error {
		cs, err := tx.CommitsSince(0)
		for _, c := range cs {
			logged += len(c.Nodes)
		}
		return err
	})
	if logged != 200 {
		t.Fatalf("the commit log lists %d of the 200 records the finished import wrote", logged)
	}
}

// An import held in memory that turns out too big for one commit is
// staged and applied in batches instead, and lands whole.
func TestImportTooBigForOneCommitFallsBackToStaging(t *testing.T) {
	s := reopen(t, t.TempDir())
	imp, err := s.BeginImport(ImportOptions{BatchBytes: 1 << 40}) // never spill while staging
	if err != nil {
		t.Fatal(err)
	}
	const n = 6000
	filler := strings.Repeat("a", 2000) // under the value threshold: counted whole

	for i := range n {
		node := &Node{ID: NodeID("Organization", fmt.Sprintf("org-%05d", i)), Type: "Organization", Props: Props{"name_en": filler}}
		if err := imp.StageNode(node); err != nil {
			t.Fatal(err)
		}
	}
	if imp.memSize <= s.db.MaxBatchSize() {
		t.Fatalf("staged %d bytes, which one commit (%d) may hold", imp.memSize, s.db.MaxBatchSize())
	}
	applied, err := imp.Commit(nil)
	if err != nil {
		t.Fatal(err)
	}
	orgs, tables := census(t, s)
	if applied.Nodes != n || orgs != n || tables[prefixStage] != 0 || tables[prefixLog] < 2 {
		t.Fatalf("applied %+v, %d organisations, tables %v", applied, orgs, tables)
	}
}

// An interrupted ingest (an import with audit entries) is finished by Open
// with the audit entries it would have written: one per record, naming who
// ingested it.
func TestOpenFinishesACommittedIngestWithItsAuditTrail(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	audit := &AuditAs{By: "alice", Mutation: "ingest", At: "2026-01-01T00:00:00Z"}
	imp := stagedImportAs(t, s, 50, audit)
	mark, _ := json.Marshal(importMarker{ID: imp.id, Audit: audit})
	if err := s.db.Update(func(t *badger.Txn) error { return t.Set(key(prefixMeta, metaImport), mark) }); err != nil {
		t.Fatal(err)
	}
	crash(t, s, imp)

	s = reopen(t, dir)
	var changes []Change
	s.View(func(tx *Txn) error {
		return tx.Changes(0, func(c *Change) (bool, error) { changes = append(changes, *c); return true, nil })
	})
	if len(changes) != 50 {
		t.Fatalf("%d audit entries for the 50 records the finished ingest wrote", len(changes))
	}
	for _, c := range changes {
		if c.By != "alice" || c.Mutation != "ingest" || c.Op != "create" || c.After == nil {
			t.Fatalf("audit entry %+v", c)
		}
	}
}
