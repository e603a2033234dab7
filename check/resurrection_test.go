package check

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrib/attrib/store"
)

// No resurrection: retracting facts writes new versions of them, and moving
// a date deletes an index entry. After value-log GC, full compaction and a
// restart, no fact may come back unretracted and no deleted index entry may
// come back. Values are large enough to live in the value log, where GC
// rewrites them. internal/crashtest shows the same through the retract
// mutation, queries and exports of the real server.
func TestNoResurrectionAfterGCAndCompaction(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	big := strings.Repeat("x", 5<<10)
	id := func(i int) string { return store.NodeID("Incident", fmt.Sprintf("r%04d", i)) }
	update := func(fn func(tx *store.Txn, i int) error) {
		t.Helper()
		for start := 0; start < n; start += 50 {
			err := s.Update(func(tx *store.Txn) error {
				for i := start; i < start+50; i++ {
					if err := fn(tx, i); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	update(func(tx *store.Txn, i int) error {
		_, err := tx.PutNode(&store.Node{ID: id(i), Type: "Incident", Props: store.Props{"pad": big, "date": "2022-07-15"}})
		return err
	})
	update(func(tx *store.Txn, i int) error {
		nd, err := tx.Node(id(i))
		if err != nil {
			return err
		}
		nd.Retraction = &store.Retraction{By: "test", At: "2026-01-01T00:00:00Z", Reason: "wrong"}
		nd.Props["date"] = "2022-07-16" // moves its date index entry
		_, err = tx.PutNode(nd)
		return err
	})
	if _, err := s.CollectGarbage(); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Flatten(2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CollectGarbage(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(tx *store.Txn) error {
		for i := range n {
			nd, err := tx.Node(id(i))
			if err != nil {
				return err
			}
			if nd.Retraction == nil || nd.Props.String("date") != "2022-07-16" {
				t.Fatalf("%s came back in its old, unretracted version", id(i))
			}
		}
		old, err := tx.NodeIDsByDate("Incident", "2022-07-15", "2022-07-15")
		if len(old) != 0 {
			t.Fatalf("%d deleted date-index entries came back", len(old))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(s)
	if err != nil || !r.OK() {
		t.Fatalf("check after GC and compaction: %v %v", err, r.Problems)
	}
}
