package edit

import (
	"errors"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

const denial = "Iran's foreign ministry called Albania's accusation baseless and rejected it."

// A stance follows the rules of every claim: cited, validated with the
// field named, marked, audited and idempotent; and it is a Stance with an
// ON link, never an Attribution.
func TestAddStance(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc, err := e.AddDocument(alice, Document{Key: "mfa", Title: "t", Text: denial, Language: "en"}, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	claim := store.NodeID("Attribution", "al-blames-ir")
	ir := store.NodeID("State", "IR")
	in := Stance{Dated: Dated{Date: "2022-09-07"}, Kind: "denies", On: claim, Holder: ir, Band: "UNSTATED",
		Text: "baseless", Cite: []Quote{{Document: doc.ID, Exact: "called Albania's accusation baseless and rejected it", Role: "secondary"}}}
	for _, c := range []struct {
		edit  func(*Stance)
		field string
	}{
		{func(s *Stance) { s.Kind = "REFUTES" }, "input.kind"},
		{func(s *Stance) { s.Cite = nil }, "input.cite"},
		{func(s *Stance) { s.Cite = []Quote{{Document: doc.ID, Exact: "Iran", Role: "TERTIARY"}} }, "input.cite[0].role"},
		{func(s *Stance) { s.Cite = []Quote{{Document: doc.ID, Exact: "not in the text"}} }, "input.cite[0].exact"},
		{func(s *Stance) { s.On = ir }, "input.on"},
		{func(s *Stance) { s.Holder = store.NodeID("Person", "edi-rama") }, "input.holder"},
		{func(s *Stance) { s.Via = []string{store.NodeID("Person", "edi-rama")} }, "input.via[0]"},
		{func(s *Stance) { s.Band = "" }, "input.band"},
	} {
		bad := in
		bad.Cite = append([]Quote(nil), in.Cite...)
		c.edit(&bad)
		_, err := e.AddStance(alice, bad, Opts{})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("want a refusal naming %s, got %v", c.field, err)
		}
	}
	if _, err := e.AddStance(auth.Principal{Name: "bob", Role: auth.Reader}, in, Opts{}); err == nil {
		t.Error("a reader added a stance")
	}
	res, err := e.AddStance(alice, in, Opts{Marking: "green", IdempotencyKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.AddStance(alice, in, Opts{Marking: "green", IdempotencyKey: "k1"})
	if err != nil || again != res {
		t.Fatalf("retry = %+v, %v; want %+v", again, err, res)
	}
	_ = s.View(func(tx *store.Txn) error {
		n, err := tx.Node(res.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Type != "Stance" || n.Marking != "GREEN" || n.Props.String("kind") != "DENIES" || n.Citations[0].Role != "SECONDARY" {
			t.Errorf("stored %+v", n)
		}
		refs, _ := tx.Edges(res.ID, store.Out, "ON")
		if len(refs) != 1 || refs[0].Other != claim {
			t.Errorf("ON links %+v", refs)
		}
		h, err := tx.History(res.ID)
		if err != nil || len(h) == 0 || h[0].Mutation != "addStance" || h[0].By != "alice" {
			t.Errorf("history %+v, %v", h, err)
		}
		blames, _ := tx.Edges(ir, store.In, "BLAMES")
		for _, b := range blames {
			if b.From == res.ID {
				t.Error("a denial was stored as a blame")
			}
		}
		return nil
	})
}

// A second report of a known claim is another citation on the same node:
// by addCitation, or by giving the claim again under its key; nothing is
// duplicated, and adding the same report twice changes nothing.
func TestSecondReportJoinsTheClaim(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	text := "Rama said an investigation gave indisputable evidence that Iran orchestrated and sponsored the attack."
	doc, err := e.AddDocument(alice, Document{Key: "wire", Title: "t", Text: text, Language: "en"}, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	claim := store.NodeID("Attribution", "al-blames-ir")
	count := func() (cites int, attributions int) {
		_ = s.View(func(tx *store.Txn) error {
			n, err := tx.Node(claim)
			if err != nil {
				t.Fatal(err)
			}
			cites = len(n.Citations)
			ids, _ := tx.NodeIDsByType("Attribution")
			attributions = len(ids)
			return nil
		})
		return
	}
	c0, a0 := count()
	in := Citation{Claim: claim, Role: "SECONDARY", Cite: []Quote{{Document: doc.ID, Exact: "indisputable evidence that Iran orchestrated and sponsored the attack"}}}
	if _, err := e.AddCitation(alice, Citation{Claim: store.NodeID("State", "IR"), Cite: in.Cite}, Opts{}); err == nil || !strings.HasPrefix(err.Error(), "claim:") {
		t.Errorf("citing a state as a claim: %v", err)
	}
	if _, err := e.AddCitation(alice, Citation{Claim: claim, Role: "OWN", Cite: in.Cite}, Opts{}); err == nil || !strings.HasPrefix(err.Error(), "role:") {
		t.Errorf("an unknown role: %v", err)
	}
	res, err := e.AddCitation(alice, in, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != claim || res.Seq == 0 {
		t.Fatalf("result %+v", res)
	}
	if c, a := count(); c != c0+1 || a != a0 {
		t.Fatalf("citations %d -> %d, attributions %d -> %d", c0, c, a0, a)
	}
	again, err := e.AddCitation(alice, in, Opts{})
	if err != nil || again.Seq != 0 {
		t.Fatalf("the same report again wrote %+v, %v", again, err)
	}
	_ = s.View(func(tx *store.Txn) error {
		n, _ := tx.Node(claim)
		last := n.Citations[len(n.Citations)-1]
		if last.Role != "SECONDARY" || last.Document != doc.ID || n.Citations[0].Role != "" {
			t.Errorf("citations %+v", n.Citations)
		}
		return nil
	})

	// The same claim given again under its key, cited from the new
	// document, joins it too; with other content it is refused.
	uk := Attribution{Key: "uk-claim", Dated: Dated{Date: "2022-09-07"}, Attributor: store.NodeID("State", "GB"),
		Blamed: []string{store.NodeID("State", "IR")}, Incident: store.NodeID("Incident", "2022-07-15-albania-gov"),
		Band: "ALMOST_CERTAIN", Cite: []Quote{{Document: doc.ID, Exact: "Rama said"}}}
	first, err := e.AddAttribution(alice, uk, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	uk.Cite = []Quote{{Document: doc.ID, Exact: "orchestrated and sponsored", Role: "SECONDARY"}}
	second, err := e.AddAttribution(alice, uk, Opts{})
	if err != nil || second.ID != first.ID {
		t.Fatalf("second report: %+v, %v", second, err)
	}
	_ = s.View(func(tx *store.Txn) error {
		n, _ := tx.Node(first.ID)
		if len(n.Citations) != 2 || n.Citations[1].Role != "SECONDARY" {
			t.Errorf("citations %+v", n.Citations)
		}
		return nil
	})
	uk.Band = "LIKELY"
	if _, err := e.AddAttribution(alice, uk, Opts{}); err == nil || !strings.Contains(err.Error(), "already exists with other content") {
		t.Errorf("other content under the same key: %v", err)
	}
}

// Ingesting a claim's facts file again keeps the reports cited on the
// claim since.
func TestIngestAgainKeepsLaterReports(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc, err := e.AddDocument(alice, Document{Key: "wire", Title: "t", Text: "Iran orchestrated and sponsored the attack, Rama said.", Language: "en"}, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	claim := store.NodeID("Attribution", "al-blames-ir")
	if _, err := e.AddCitation(alice, Citation{Claim: claim, Role: "SECONDARY", Cite: []Quote{{Document: doc.ID, Exact: "Iran orchestrated and sponsored the attack"}}}, Opts{}); err != nil {
		t.Fatal(err)
	}
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Ingest("tester", "", b); err != nil {
		t.Fatal(err)
	}
	_ = s.View(func(tx *store.Txn) error {
		n, err := tx.Node(claim)
		if err != nil {
			t.Fatal(err)
		}
		if len(n.Citations) != 3 || n.Citations[2].Document != doc.ID {
			t.Errorf("after ingesting the seed again the claim cites %d passages: %+v", len(n.Citations), n.Citations)
		}
		return nil
	})
}
