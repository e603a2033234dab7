package edit

import (
	"testing"

	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

func TestIngestRecordsItsAuditTrailOnce(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	count := func() uint64 {
		var n uint64
		_ = s.View(func(tx *store.Txn) error {
			n, err = tx.ChangeCount()
			return err
		})
		return n
	}
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Ingest("tester", "GREEN", b)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(); got != uint64(res.NewNodes+res.NewEdges) || got == 0 {
		t.Fatalf("%d changes recorded for %d records written", got, res.NewNodes+res.NewEdges)
	}
	var first store.Change
	_ = s.View(func(tx *store.Txn) error {
		return tx.Changes(0, func(c *store.Change) (bool, error) { first = *c; return false, nil })
	})
	if first.By != "tester" || first.Mutation != "ingest" || first.Op != "create" || first.Marking != "GREEN" || first.After == nil {
		t.Errorf("first change = %+v", first)
	}
	b2, _ := seed.Default()
	again, err := e.Ingest("tester", "GREEN", b2)
	if err != nil {
		t.Fatal(err)
	}
	if again.NewNodes != 0 || again.NewEdges != 0 || count() != uint64(res.NewNodes+res.NewEdges) {
		t.Fatalf("second ingest wrote %+v; changes now %d", again, count())
	}
	if _, err := e.Ingest("tester", "PURPLE", b2); err == nil {
		t.Fatal("an unknown marking was accepted")
	}
}
