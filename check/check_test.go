package check

import (
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
)

func seeded(t *testing.T) *store.Store {
	t.Helper()
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	return s
}

func TestSeedPasses(t *testing.T) {
	r, err := Run(seeded(t))
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("the seed breaks invariants: %v", r.Problems)
	}
	if r.Nodes < 10 || r.Edges < 10 || r.Indexes < 2*r.Edges || r.Citations < r.Nodes {
		t.Errorf("checked too little: %+v", r)
	}
}

// Each corruption is written straight into Badger, as a bug or a torn
// write would leave it, and must be reported.
func TestFindsCorruption(t *testing.T) {
	cases := []struct {
		name, says string
		corrupt    func(t *testing.T, s *store.Store)
	}{
		{"edge lost its in-index entry", "lacks the entry", func(t *testing.T, s *store.Store) {
			e := anEdge(t, s)
			del(t, s, store.IndexKey(store.IndexEntry{Table: "in", Node: e.To, Type: e.Type, Other: e.From, Edge: e.ID}))
		}},
		{"adjacency entry misstates the edge's retraction", "lacks the entry", func(t *testing.T, s *store.Store) {
			// A stale value would let readers follow a retracted link, or
			// hide a live one: version 1, flags "retracted", the marking.
			e := anEdge(t, s)
			set(t, s, store.IndexKey(store.IndexEntry{Table: "out", Node: e.From, Type: e.Type, Other: e.To, Edge: e.ID}), append([]byte{1, 1}, e.Marking...))
		}},
		{"a claim's date entry misstates its marking", "lacks the entry", func(t *testing.T, s *store.Store) {
			// Lists would hide the claim from everyone below RED.
			ie := aDatedEntry(t, s)
			set(t, s, store.IndexKey(ie), append([]byte{1, 0, 3, 'R', 'E', 'D'}, ie.EdgeMarking...))
		}},
		{"a party's dated entry lost", "lacks the entry", func(t *testing.T, s *store.Store) {
			del(t, s, store.IndexKey(aDatedEntry(t, s)))
		}},
		{"a list's count is off", "count says", func(t *testing.T, s *store.Store) {
			// A list's totalCount would say 99 where it holds one.
			k, err := store.ListCountKey(aDatedEntry(t, s))
			if err != nil {
				t.Fatal(err)
			}
			set(t, s, k, []byte{0, 0, 0, 0, 0, 0, 0, 99})
		}},
		{"index entry without a record", "points at no matching record", func(t *testing.T, s *store.Store) {
			set(t, s, store.IndexKey(store.IndexEntry{Table: "type", Type: "Incident", Node: "gone"}), nil)
		}},
		{"citation moved", "does not verify", func(t *testing.T, s *store.Store) {
			err := s.Update(func(tx *store.Txn) error {
				ids, _ := tx.NodeIDsByType("Incident")
				n, err := tx.Node(ids[0])
				if err != nil {
					return err
				}
				n.Citations[0].Start++
				n.Citations[0].End++
				_, err = tx.PutNode(n)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := seeded(t)
			c.corrupt(t, s)
			r, err := Run(s)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), c.says) {
				t.Fatalf("want a problem saying %q, got %v", c.says, r.Problems)
			}
		})
	}
}

// aDatedEntry is the r entry of the first edge that starts at a dated
// node.
func aDatedEntry(t *testing.T, s *store.Store) store.IndexEntry {
	var ie store.IndexEntry
	found := false
	err := s.View(func(tx *store.Txn) error {
		return tx.ScanEdges(func(_ string, e *store.Edge) error {
			if found {
				return nil
			}
			from, err := tx.Node(e.From)
			if err != nil {
				return err
			}
			ie, found = store.DatedIndexEntry(e, from)
			return nil
		})
	})
	if err != nil || !found {
		t.Fatal("no edge from a dated node", err)
	}
	return ie
}

func anEdge(t *testing.T, s *store.Store) *store.Edge {
	var e *store.Edge
	err := s.View(func(tx *store.Txn) error {
		return tx.ScanEdges(func(_ string, x *store.Edge) error {
			if e == nil {
				e = x
			}
			return nil
		})
	})
	if err != nil || e == nil {
		t.Fatal("no edge", err)
	}
	return e
}

func del(t *testing.T, s *store.Store, k []byte) {
	if err := s.DB().Update(func(tx *badger.Txn) error { return tx.Delete(k) }); err != nil {
		t.Fatal(err)
	}
}

func set(t *testing.T, s *store.Store, k, v []byte) {
	if err := s.DB().Update(func(tx *badger.Txn) error { return tx.Set(k, v) }); err != nil {
		t.Fatal(err)
	}
}

// A table added later (a search index, an audit log) is reported as not
// verified, not as corruption.
func TestUnknownTableIsNotedNotFailed(t *testing.T) {
	s := seeded(t)
	set(t, s, []byte("zsome-future-table"), []byte("v"))
	r, err := Run(s)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Unchecked["z"] != 1 {
		t.Fatalf("want OK with one unchecked key of table z, got %+v", r)
	}
}

// A store written before the date-ordered indexes (no r entries, t and d
// entries without visibility) gets them when opened writable, and then checks
// clean; opened read-only it says it has none, so lists read records.
func TestOldStoreGetsItsDateIndexesAtOpen(t *testing.T) {
	dir := t.TempDir()
	s := seedtest.Open(t, dir, store.Options{})
	err := s.DB().Update(func(tx *badger.Txn) error {
		it := tx.NewIterator(badger.IteratorOptions{})
		var keys [][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			k := it.Item().KeyCopy(nil)
			if k[0] == 'r' || k[0] == 'd' || k[0] == 't' || string(k) == "m\x00\x10index-visibility" {
				keys = append(keys, k)
			}
		}
		it.Close()
		for _, k := range keys {
			var err error
			if k[0] == 'd' || k[0] == 't' {
				err = tx.Set(k, nil)
			} else {
				err = tx.Delete(k)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := Run(s); err != nil || r.OK() {
		t.Fatalf("a store without its date indexes checks clean: %v %+v", err, r)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := store.Open(dir, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var has bool
	ro.View(func(tx *store.Txn) error { has, err = tx.HasDatedIndex(); return err })
	ro.Close()
	if err != nil || has {
		t.Fatalf("read-only open of an old store claims a date index: %v %v", has, err)
	}
	s, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := Run(s)
	if err != nil || !r.OK() {
		t.Fatalf("after Open: %v %v", err, r.Problems)
	}
}
