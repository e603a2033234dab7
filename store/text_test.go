package store

import (
	"errors"
	"strings"
	"testing"
)

// Quotable must read what Node would, for a document stored in the value
// log (over 4 KB), a node whose text is not a string, and one without.
func TestQuotableReadsWhatNodeReads(t *testing.T) {
	s := openTemp(t)
	long := strings.Repeat("ألبانيا تقطع علاقاتها مع إيران \"\\ ", 300)
	nodes := []*Node{
		{ID: "doc", Type: "Document", Props: Props{"text": long, "title": "t", "sources": []any{"a"}},
			Citations: cited(), Meta: Meta{Marking: "AMBER", CreatedBy: "alice", Retraction: &Retraction{By: "bob", Reason: "dup"}}},
		{ID: "num", Type: "Document", Props: Props{"text": 3.0}, Citations: cited()},
		{ID: "none", Type: "State", Props: Props{"code": "AL"}, Citations: cited(), Meta: Meta{Marking: "GREEN"}},
	}
	if err := s.Update(func(tx *Txn) error {
		for _, n := range nodes {
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Txn) error {
		for _, want := range nodes {
			got, err := tx.Quotable(want.ID)
			if err != nil {
				t.Fatal(err)
			}
			n, err := tx.Node(want.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Type != n.Type || got.Text != n.Props.String("text") || got.Marking != n.Marking ||
				got.CreatedBy != n.CreatedBy || (got.Retraction == nil) != (n.Retraction == nil) {
				t.Errorf("Quotable(%s) = %+v; Node says type %s, marking %s, text of %d bytes", want.ID, got, n.Type, n.Marking, len(n.Props.String("text")))
			}
		}
		if got, _ := tx.Quotable("doc"); got.Text != long {
			t.Errorf("document text of %d bytes read back as %d bytes", len(long), len(got.Text))
		}
		if _, err := tx.Quotable("missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Quotable of a missing node: %v", err)
		}
		return nil
	})
}
