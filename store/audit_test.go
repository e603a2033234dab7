package store

import "testing"

func TestChangesAreNumberedInOrderAndIndexed(t *testing.T) {
	s := openTemp(t)
	const n = 260 // past one byte of sequence number
	for i := range n {
		err := s.Update(func(tx *Txn) error {
			rec := "r1"
			if i%2 == 1 {
				rec = "r2"
			}
			return tx.AppendChange(&Change{Op: "create", Record: rec, Owner: "owner"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := s.View(func(tx *Txn) error {
		count, err := tx.ChangeCount()
		if err != nil || count != n {
			t.Fatalf("ChangeCount = %d, %v", count, err)
		}
		var seqs []uint64
		if err := tx.Changes(250, func(c *Change) (bool, error) {
			seqs = append(seqs, c.Seq)
			return true, nil
		}); err != nil {
			return err
		}
		if len(seqs) != n-250 || seqs[0] != 251 || seqs[len(seqs)-1] != n {
			t.Fatalf("changes after 250: %d entries, %v..%v", len(seqs), seqs[0], seqs[len(seqs)-1])
		}
		for i := 1; i < len(seqs); i++ {
			if seqs[i] != seqs[i-1]+1 {
				t.Fatalf("changes out of order at %d: %v", i, seqs[i-1:i+1])
			}
		}
		h, err := tx.History("r2")
		if err != nil || len(h) != n/2 || h[0].Seq != 2 || h[len(h)-1].Seq != n {
			t.Fatalf("history of r2: %d entries, %v", len(h), err)
		}
		h, err = tx.History("owner")
		if err != nil || len(h) != n {
			t.Fatalf("history of owner: %d entries, %v", len(h), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIdempotencyRecordsArePerPrincipal(t *testing.T) {
	s := openTemp(t)
	if err := s.Update(func(tx *Txn) error { return tx.SetIdempotent("alice", "k1", []byte(`{"id":"x"}`)) }); err != nil {
		t.Fatal(err)
	}
	_ = s.View(func(tx *Txn) error {
		if v, err := tx.Idempotent("alice", "k1"); err != nil || string(v) != `{"id":"x"}` {
			t.Errorf("alice k1 = %s, %v", v, err)
		}
		if v, err := tx.Idempotent("bob", "k1"); err != nil || v != nil {
			t.Errorf("bob k1 = %s, %v", v, err)
		}
		return nil
	})
}
