package store

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// countsFixture writes 40 dated claims, each linked to one of two
// parties, with random markings, retractions and dates.
func countsFixture(t *testing.T, s *Store, rng *rand.Rand) (claims, links []string) {
	t.Helper()
	parties := []string{NodeID("State", "GB"), NodeID("State", "US")}
	err := s.Update(func(tx *Txn) error {
		for _, p := range parties {
			if _, err := tx.PutNode(&Node{ID: p, Type: "State", Props: Props{}, Citations: cited()}); err != nil {
				return err
			}
		}
		for i := range 40 {
			n := &Node{ID: NodeID("Attribution", fmt.Sprint(i)), Type: "Attribution",
				Props: Props{"date": fmt.Sprintf("2022-0%d-01", 1+i%9)}, Citations: cited()}
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
			p := parties[rng.IntN(2)]
			e := &Edge{ID: EdgeID("ATTRIBUTED_BY", n.ID, p), Type: "ATTRIBUTED_BY", From: n.ID, To: p, Citations: cited()}
			if _, err := tx.PutEdge(e); err != nil {
				return err
			}
			claims, links = append(claims, n.ID), append(links, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return claims, links
}

// walkedCounts counts every list's entries by visibility, walking the
// index, and reads the kept counts of the same lists.
func walkedCounts(t *testing.T, s *Store) (walked, kept map[string]int) {
	t.Helper()
	walked, kept = map[string]int{}, map[string]int{}
	lists := []struct{ typ, party, edge string }{
		{"Attribution", "", ""},
		{"", NodeID("State", "GB"), "ATTRIBUTED_BY"},
		{"", NodeID("State", "US"), "ATTRIBUTED_BY"},
	}
	err := s.View(func(tx *Txn) error {
		for _, l := range lists {
			name := l.typ + l.party
			err := tx.DatedRange(l.typ, l.party, l.edge, "", "", false, func(e DatedEntry) (bool, error) {
				walked[fmt.Sprintf("%s %s %v %s %v", name, e.Marking, e.Retracted, e.EdgeMarking, e.EdgeRetracted)]++
				return true, nil
			})
			if err != nil {
				return err
			}
			err = tx.DatedCounts(l.typ, l.party, l.edge, func(e DatedEntry, n int) {
				kept[fmt.Sprintf("%s %s %v %s %v", name, e.Marking, e.Retracted, e.EdgeMarking, e.EdgeRetracted)] += n
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return walked, kept
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, n := range a {
		if b[k] != n {
			return false
		}
	}
	return true
}

// Every change that moves a claim between visibilities or dates, of the
// claim or of its link, moves its count with it, in the same commit.
func TestListCountsFollowEveryWrite(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	claims, links := countsFixture(t, s, rng)
	markings := []string{"", "GREEN", "AMBER", "RED"}
	for i := range 300 {
		err := s.Update(func(tx *Txn) error {
			// Several changes in one transaction, some to the same
			// record, as a batch import makes them.
			for range 1 + rng.IntN(3) {
				if rng.IntN(3) == 0 {
					e, err := tx.Edge(links[rng.IntN(len(links))])
					if err != nil {
						return err
					}
					if rng.IntN(2) == 0 {
						e.Marking = markings[rng.IntN(len(markings))]
					} else if e.Retraction == nil {
						e.Retraction = &Retraction{By: "t", At: "2026-01-01T00:00:00Z", Reason: "test"}
					} else {
						e.Retraction = nil
					}
					if _, err := tx.PutEdge(e); err != nil {
						return err
					}
					continue
				}
				n, err := tx.Node(claims[rng.IntN(len(claims))])
				if err != nil {
					return err
				}
				switch rng.IntN(3) {
				case 0:
					n.Marking = markings[rng.IntN(len(markings))]
				case 1:
					if n.Retraction == nil {
						n.Retraction = &Retraction{By: "t", At: "2026-01-01T00:00:00Z", Reason: "test"}
					} else {
						n.Retraction = nil
					}
				default:
					n.Props["date"] = fmt.Sprintf("2022-0%d-1%d", 1+rng.IntN(9), rng.IntN(3))
				}
				if _, err := tx.PutNode(n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if walked, kept := walkedCounts(t, s); !sameCounts(walked, kept) {
			t.Fatalf("after change %d the counts are %v, the index holds %v", i, kept, walked)
		}
	}
	var bad []string
	if err := s.View(func(tx *Txn) (err error) { bad, err = tx.CountMismatches(); return err }); err != nil || len(bad) > 0 {
		t.Fatalf("counts disagree with the index: %v %v", bad, err)
	}
}

// A store written before the counts gets them at its first writable
// Open; opened read-only before that, it says it has none, and lists
// count by walking.
func TestOldStoreGetsCountsAtOpen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	countsFixture(t, s, rand.New(rand.NewPCG(1, 1)))
	want, _ := walkedCounts(t, s)
	// As a store from before the counts: none, and no meta entry.
	err = s.db.Update(func(t *badger.Txn) error {
		if err := t.Delete(key(prefixMeta, metaCounts)); err != nil {
			return err
		}
		it := t.NewIterator(badger.IteratorOptions{Prefix: []byte{prefixCount}})
		var ks [][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			ks = append(ks, it.Item().KeyCopy(nil))
		}
		it.Close()
		for _, k := range ks {
			if err := t.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	ro, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var has bool
	if err := ro.View(func(tx *Txn) (err error) { has, err = tx.HasCounts(); return err }); err != nil || has {
		t.Fatalf("a store without counts, opened read-only, says it has them (%v)", err)
	}
	ro.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.View(func(tx *Txn) (err error) { has, err = tx.HasCounts(); return err }); err != nil || !has {
		t.Fatalf("Open did not count the lists (%v)", err)
	}
	if walked, kept := walkedCounts(t, s); !sameCounts(walked, kept) || !sameCounts(want, kept) {
		t.Fatalf("counts after Open %v, index %v, before %v", kept, walked, want)
	}
}
