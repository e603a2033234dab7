package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func cited() []Citation {
	return []Citation{{Document: "d", Exact: "x", Start: 0, End: 1}}
}

func TestKeysAreLengthPrefixed(t *testing.T) {
	if string(key('o', "A", "Bc")) == string(key('o', "AB", "c")) {
		t.Fatal("composite keys collide")
	}
	parts, err := splitKey(key('o', "A", "Bc", ""))
	if err != nil || len(parts) != 3 || parts[0] != "A" || parts[1] != "Bc" || parts[2] != "" {
		t.Fatalf("splitKey = %q, %v", parts, err)
	}
}

func TestNodeIDRoundTrip(t *testing.T) {
	id := NodeID("State", "AL")
	typ, k, err := DecodeNodeID(id)
	if err != nil || typ != "State" || k != "AL" {
		t.Fatalf("DecodeNodeID(%s) = %s, %s, %v", id, typ, k, err)
	}
	for _, bad := range []string{"", "!!", NodeIDRaw("nocolon"), NodeIDRaw(":x")} {
		if _, _, err := DecodeNodeID(bad); err == nil {
			t.Errorf("DecodeNodeID(%q) accepted", bad)
		}
	}
}

func NodeIDRaw(s string) string { return idEncoding.EncodeToString([]byte(s)) }

func TestEdgesBothDirectionsAndIndexes(t *testing.T) {
	s := openTemp(t)
	al := &Node{ID: NodeID("State", "AL"), Type: "State", Props: Props{"code": "AL"}, Citations: cited()}
	ir := &Node{ID: NodeID("State", "IR"), Type: "State", Props: Props{"code": "IR"}, Citations: cited()}
	inc := &Node{ID: NodeID("Incident", "x"), Type: "Incident", Props: Props{"date": "2022-07-15"}, Citations: cited()}
	e := &Edge{ID: EdgeID("TARGETED", inc.ID, al.ID), Type: "TARGETED", From: inc.ID, To: al.ID, Citations: cited()}
	err := s.Update(func(tx *Txn) error {
		for _, n := range []*Node{al, ir, inc} {
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
	err = s.View(func(tx *Txn) error {
		out, err := tx.Edges(inc.ID, Out, "")
		if err != nil || len(out) != 1 || out[0].Other != al.ID || out[0].Dir != Out {
			t.Errorf("out edges = %+v, %v", out, err)
		}
		in, err := tx.Edges(al.ID, In, "TARGETED")
		if err != nil || len(in) != 1 || in[0].Other != inc.ID || in[0].ID != e.ID {
			t.Errorf("in edges = %+v, %v", in, err)
		}
		none, _ := tx.Edges(al.ID, In, "BLAMES")
		if len(none) != 0 {
			t.Errorf("type filter ignored: %+v", none)
		}
		ids, _ := tx.NodeIDsByType("State")
		if len(ids) != 2 {
			t.Errorf("states = %v", ids)
		}
		if id, err := tx.StateByCode("IR"); err != nil || id != ir.ID {
			t.Errorf("StateByCode = %s, %v", id, err)
		}
		if _, err := tx.StateByCode("ZZ"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown code: %v", err)
		}
		got, _ := tx.NodeIDsByDate("Incident", "2022-07-01", "2022-07-31")
		if len(got) != 1 {
			t.Errorf("by date = %v", got)
		}
		got, _ = tx.NodeIDsByDate("Incident", "2022-08-01", "")
		if len(got) != 0 {
			t.Errorf("by date after = %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPutIdenticalChangesNothingAndReindexes(t *testing.T) {
	s := openTemp(t)
	n := &Node{ID: NodeID("Incident", "x"), Type: "Incident", Props: Props{"date": "2022-07-15"}, Citations: cited()}
	put := func() bool {
		var changed bool
		if err := s.Update(func(tx *Txn) error {
			var err error
			changed, err = tx.PutNode(n)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !put() {
		t.Fatal("first put reported no change")
	}
	if put() {
		t.Fatal("identical put reported a change")
	}
	n.Props = Props{"date": "2023-01-01"}
	if !put() {
		t.Fatal("changed put reported no change")
	}
	s.View(func(tx *Txn) error {
		old, _ := tx.NodeIDsByDate("Incident", "2022-07-15", "2022-07-15")
		cur, _ := tx.NodeIDsByDate("Incident", "2023-01-01", "2023-01-01")
		if len(old) != 0 || len(cur) != 1 {
			t.Errorf("stale date index: old %v, new %v", old, cur)
		}
		return nil
	})
}

func TestFailedUpdateWritesNothing(t *testing.T) {
	s := openTemp(t)
	n := &Node{ID: NodeID("State", "AL"), Type: "State", Props: Props{"code": "AL"}, Citations: cited()}
	err := s.Update(func(tx *Txn) error {
		if _, err := tx.PutNode(n); err != nil {
			return err
		}
		// An edge to a node that does not exist fails the whole transaction.
		_, err := tx.PutEdge(&Edge{ID: "e1", Type: "ALLY_OF", From: n.ID, To: "missing", Citations: cited()})
		return err
	})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("want ErrInvalid, got %v", err)
	}
	s.View(func(tx *Txn) error {
		if _, err := tx.Node(n.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("half-written: node present after failed update (%v)", err)
		}
		return nil
	})
}

func TestSecondOpenIsRefusedClearly(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrLocked) {
		t.Fatalf("want ErrLocked, got %v", err)
	}
}

func TestChangeLogRecordsEachWritingCommit(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var heard []Commit
	s.Subscribe(func(c Commit) { heard = append(heard, c) })
	a := &Node{ID: NodeID("State", "AL"), Type: "State", Props: Props{"code": "AL"}}
	b := &Node{ID: NodeID("State", "IR"), Type: "State", Props: Props{"code": "IR"}}
	put := func(ns ...*Node) {
		t.Helper()
		if err := s.Update(func(tx *Txn) error {
			for _, n := range ns {
				if _, err := tx.PutNode(n); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	put(a, b)
	put(a) // identical: no change, no log entry
	b.Props["region"] = "Middle East"
	put(b)
	if len(heard) != 2 || heard[0].Seq != 1 || heard[1].Seq != 2 {
		t.Fatalf("notifications = %+v, want seq 1 and 2", heard)
	}
	err = s.View(func(tx *Txn) error {
		seq, err := tx.CommitSeq()
		if err != nil || seq != 2 {
			t.Errorf("Seq = %d, %v; want 2", seq, err)
		}
		cs, err := tx.CommitsSince(1)
		if err != nil {
			return err
		}
		if len(cs) != 1 || cs[0].Seq != 2 || len(cs[0].Nodes) != 1 || cs[0].Nodes[0] != b.ID {
			t.Errorf("ChangesSince(1) = %+v, want only seq 2 with %s", cs, b.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentWritersDoNotConflictOverTheChangeLog(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const writers = 8
	errs := make(chan error, writers)
	for i := range writers {
		go func() {
			errs <- s.Update(func(tx *Txn) error {
				key := string(rune('A'+i)) + "X"
				_, err := tx.PutNode(&Node{ID: NodeID("State", key), Type: "State", Props: Props{"code": key}})
				return err
			})
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Errorf("concurrent write: %v", err)
		}
	}
	err = s.View(func(tx *Txn) error {
		seq, err := tx.CommitSeq()
		if seq != writers {
			t.Errorf("Seq = %d after %d writes, want %d", seq, writers, writers)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
func TestDates(t *testing.T) {
	s := openTemp(t)
	err := s.Update(func(tx *Txn) error {
		for _, n := range []*Node{
			{ID: "a", Type: "Attribution", Props: Props{"date": "2022-09-07", "band": "LIKELY"}, Citations: cited()},
			{ID: "b", Type: "Attribution", Props: Props{"band": "LIKELY"}, Citations: cited()},
		} {
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(func(tx *Txn) error {
		ds, err := tx.Dates([]string{"b", "a"})
		if err != nil {
			return err
		}
		if len(ds) != 2 || ds[0].Date != "" || ds[1].Date != "2022-09-07" || ds[1].Retraction != nil {
			t.Errorf("Dates = %+v", ds)
		}
		if _, err := tx.Dates([]string{"missing"}); !errors.Is(err, ErrNotFound) {
			t.Errorf("Dates of a missing node: %v, want ErrNotFound", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutlineReadsMetaAndCitedDocumentsOnly(t *testing.T) {
	s := openTemp(t)
	n := &Node{ID: "a", Type: "Attribution", Props: Props{"band": "LIKELY", "text": "long"},
		Citations: []Citation{{Document: "d1", Exact: "x", End: 1}, {Document: "d2", Exact: "y", End: 1}, {Document: "d1", Exact: "z", End: 1}},
		Meta:      Meta{Marking: "AMBER", Retraction: &Retraction{By: "alice", Reason: "wrong"}}}
	if err := s.Update(func(tx *Txn) error { _, err := tx.PutNode(n); return err }); err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Txn) error {
		o, err := tx.Outline("a")
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != "Attribution" || o.Marking != "AMBER" || o.Retraction == nil || len(o.CitedDocs) != 2 || o.CitedDocs[0] != "d1" || o.CitedDocs[1] != "d2" {
			t.Errorf("Outline = %+v", o)
		}
		if _, err := tx.Outline("missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Outline of a missing node: %v", err)
		}
		return nil
	})
}

func TestCommitListsEachRecordOnce(t *testing.T) {
	s, err := Open("", Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var heard []Commit
	s.Subscribe(func(c Commit) { heard = append(heard, c) })
	a := &Node{ID: NodeID("State", "AL"), Type: "State", Props: Props{"code": "AL"}}
	b := &Node{ID: NodeID("State", "IR"), Type: "State", Props: Props{"code": "IR"}}
	e := &Edge{ID: EdgeID("RELATED", a.ID, b.ID), Type: "RELATED", From: a.ID, To: b.ID}
	if err := s.Update(func(tx *Txn) error {
		for i, n := range []*Node{a, b, a} {
			n.Props["v"] = float64(i)
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
			if i == 0 {
				continue // b is not there yet
			}
			e.Props = Props{"v": float64(i)}
			if _, err := tx.PutEdge(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(heard) != 1 || len(heard[0].Nodes) != 2 || heard[0].Nodes[0] != a.ID || heard[0].Nodes[1] != b.ID ||
		len(heard[0].Edges) != 1 || heard[0].Edges[0] != e.ID {
		t.Fatalf("commits = %+v, want one listing %s, %s and edge %s once each", heard, a.ID, b.ID, e.ID)
	}
}

func TestEdgeOutlineAndStoredBytes(t *testing.T) {
	s := openTemp(t)
	a := &Node{ID: "a", Type: "State", Props: Props{"name_en": "A & B"}}
	b := &Node{ID: "b", Type: "State"}
	e := &Edge{ID: EdgeID("REL", "a", "b"), Type: "REL", From: "a", To: "b",
		Citations: []Citation{{Document: "d1", Exact: "x", End: 1}, {Document: "d1", Exact: "y", End: 1}},
		Meta:      Meta{Marking: "RED"}}
	if err := s.Update(func(tx *Txn) error {
		for _, n := range []*Node{a, b} {
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		_, err := tx.PutEdge(e)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Txn) error {
		o, err := tx.EdgeOutline(e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if o.Type != "REL" || o.Marking != "RED" || !slices.Equal(o.CitedDocs, []string{"d1"}) {
			t.Errorf("EdgeOutline = %+v", o)
		}
		// The stored bytes are encoding/json's, HTML escaping included:
		// export relies on it.
		want, _ := json.Marshal(a)
		if err := tx.NodeValue("a", func(b []byte) error {
			if !bytes.Equal(b, want) || !bytes.Contains(b, []byte(`A \u0026 B`)) {
				t.Errorf("NodeValue = %s, want %s", b, want)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if err := tx.EdgeValue("missing", func([]byte) error { return nil }); !errors.Is(err, ErrNotFound) {
			t.Errorf("EdgeValue of a missing edge: %v", err)
		}
		return nil
	})
}
