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
