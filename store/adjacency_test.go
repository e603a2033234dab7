package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// adjacencyFixture writes two states and a link between them, and returns
// the store's directory and the edge.
func adjacencyFixture(t *testing.T, dir string) *Edge {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	al := &Node{ID: NodeID("State", "AL"), Type: "State", Props: Props{"code": "AL"}, Citations: cited()}
	ir := &Node{ID: NodeID("State", "IR"), Type: "State", Props: Props{"code": "IR"}, Citations: cited()}
	e := &Edge{ID: EdgeID("SEVERED_RELATIONS_WITH", al.ID, ir.ID), Type: "SEVERED_RELATIONS_WITH", From: al.ID, To: ir.ID,
		Citations: cited(), Meta: Meta{Marking: "AMBER"}}
	err = s.Update(func(tx *Txn) error {
		for _, n := range []*Node{al, ir} {
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		_, err := tx.PutEdge(e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func refsOf(t *testing.T, s *Store, id string) []EdgeRef {
	t.Helper()
	var refs []EdgeRef
	var cursorRefs []EdgeRef
	err := s.View(func(tx *Txn) (err error) {
		if refs, err = tx.Edges(id, Both, ""); err != nil {
			return err
		}
		c := tx.NewCursor()
		defer c.Close()
		cursorRefs, err = c.AppendEdges(nil, id, Both, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cursorRefs, refs) {
		t.Fatalf("cursor edges of %s = %+v, want %+v", id, cursorRefs, refs)
	}
	return refs
}

func TestEdgesCarryMarkingAndRetraction(t *testing.T) {
	dir := t.TempDir()
	e := adjacencyFixture(t, dir)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, end := range []string{e.From, e.To} {
		refs := refsOf(t, s, end)
		if len(refs) != 1 || refs[0].Marking != "AMBER" || refs[0].Retracted {
			t.Fatalf("edges of %s = %+v, want one AMBER link, not retracted", end, refs)
		}
	}
	// Retracting and re-marking the edge must reach both entries.
	e.Retraction = &Retraction{By: "editor", At: "2026-01-01T00:00:00Z", Reason: "wrong"}
	e.Marking = "RED"
	if err := s.Update(func(tx *Txn) error { _, err := tx.PutEdge(e); return err }); err != nil {
		t.Fatal(err)
	}
	for _, end := range []string{e.From, e.To} {
		refs := refsOf(t, s, end)
		if len(refs) != 1 || refs[0].Marking != "RED" || !refs[0].Retracted {
			t.Fatalf("edges of %s after retraction = %+v, want one RED retracted link", end, refs)
		}
	}
}

// blankAdjacency makes dir look like a store written before adjacency
// entries carried visibility: empty values and no meta entry.
func blankAdjacency(t *testing.T, dir string) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{})
		var keys [][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			if k := it.Item().KeyCopy(nil); k[0] == prefixOut || k[0] == prefixIn {
				keys = append(keys, k)
			}
		}
		it.Close()
		if len(keys) != 2 {
			t.Fatalf("%d adjacency entries, want 2", len(keys))
		}
		for _, k := range keys {
			if err := txn.Set(k, nil); err != nil {
				return err
			}
		}
		return txn.Delete(key(prefixMeta, metaAdjacency))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOldStoreAdjacencyIsReadFromRecordsThenRecordedAtOpen(t *testing.T) {
	dir := t.TempDir()
	e := adjacencyFixture(t, dir)
	blankAdjacency(t, dir)

	// Read-only, nothing can be recorded: the edge records answer.
	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	refs := refsOf(t, ro, e.From)
	ro.Close()
	if len(refs) != 1 || refs[0].Marking != "AMBER" {
		t.Fatalf("read-only edges of an old store = %+v, want the record's AMBER", refs)
	}

	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var entries []IndexEntry
	err = s.View(func(tx *Txn) error {
		return tx.ScanIndexes(func(ie IndexEntry) error {
			if ie.Table == "out" || ie.Table == "in" {
				entries = append(entries, ie)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[IndexEntry]bool{}
	for _, ie := range e.IndexEntries() {
		want[ie] = true
	}
	if len(entries) != 2 || !want[entries[0]] || !want[entries[1]] {
		t.Fatalf("adjacency entries after Open = %+v, want %+v", entries, e.IndexEntries())
	}
}

// A read transaction reuses its adjacency iterators across Edges calls;
// lookups in any order, seeking back and forth, must answer as lookups
// each in a transaction of its own.
func TestEdgesInOneReadTransactionMatchFreshLookups(t *testing.T) {
	s := openTemp(t)
	var ids []string
	err := s.Update(func(tx *Txn) error {
		for i := range 6 {
			n := &Node{ID: NodeID("State", string(rune('A'+i))), Type: "State", Citations: cited()}
			ids = append(ids, n.ID)
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		for i := range ids {
			for j := range ids {
				if i == j || (i+j)%3 == 0 {
					continue
				}
				typ := "SUPPORTED"
				if i < j {
					typ = "CONDEMNED"
				}
				e := &Edge{ID: EdgeID(typ, ids[i], ids[j]), Type: typ, From: ids[i], To: ids[j], Citations: cited()}
				if _, err := tx.PutEdge(e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	type q struct {
		id  string
		dir Direction
		typ string
	}
	var qs []q
	for k := len(ids) - 1; k >= 0; k-- { // backwards, so every seek goes back
		for _, d := range []Direction{Both, In, Out} {
			for _, typ := range []string{"", "SUPPORTED", "CONDEMNED", "NONE"} {
				qs = append(qs, q{ids[k], d, typ})
			}
		}
	}
	fresh := make([][]EdgeRef, len(qs))
	for i, x := range qs {
		if err := s.View(func(tx *Txn) (err error) { fresh[i], err = tx.Edges(x.id, x.dir, x.typ); return err }); err != nil {
			t.Fatal(err)
		}
	}
	err = s.View(func(tx *Txn) error {
		for i, x := range qs {
			got, err := tx.Edges(x.id, x.dir, x.typ)
			if err != nil {
				return err
			}
			if fmt.Sprint(got) != fmt.Sprint(fresh[i]) {
				t.Errorf("Edges(%s, %d, %q) in a shared transaction = %v, alone = %v", x.id, x.dir, x.typ, got, fresh[i])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range fresh {
		total += len(f)
	}
	if total == 0 {
		t.Fatal("the fixture has no edges")
	}
}
