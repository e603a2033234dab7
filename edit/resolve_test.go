package edit

import (
	"errors"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/store"
)

// Citing reads only a document's type, marking and text: a quote must
// still be refused when it names no document, a node that is not a
// document, or a document marked above the fact.
func TestCitingChecksTheCitedDocument(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc, err := e.AddDocument(alice, Document{Key: "d", Title: "t", Text: "Albania cut ties with Iran.", Language: "en"}, Opts{Marking: "AMBER"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.UpsertState(alice, State{Code: "AL", Cite: []Quote{{Document: doc.ID, Exact: "Albania"}}}, Opts{Marking: "AMBER"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		doc, marking, field, msg string
	}{
		{store.NodeID("Document", "nope"), "AMBER", "input.cite[0].document", "no document"},
		{st.ID, "AMBER", "input.cite[0].document", "names a State, not a Document"},
		{doc.ID, "GREEN", "marking", "which is marked AMBER"},
	} {
		_, err := e.UpsertIncident(alice, Incident{Key: "i", NameEn: "i", Kind: "CYBERATTACK", Dated: Dated{Date: "2022-07-15"},
			Cite: []Quote{{Document: c.doc, Exact: "Iran"}}}, Opts{Marking: c.marking})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field || !strings.Contains(fe.Msg, c.msg) {
			t.Errorf("citing %s as %s: %v; want %s: ...%s...", c.doc, c.marking, err, c.field, c.msg)
		}
	}
	res, err := e.UpsertIncident(alice, Incident{Key: "i", NameEn: "i", Kind: "CYBERATTACK", Dated: Dated{Date: "2022-07-15"},
		Cite: []Quote{{Document: doc.ID, Exact: "Iran"}}}, Opts{Marking: "AMBER"})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *store.Txn) error {
		n, err := tx.Node(res.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c := n.Citations[0]; c.Document != doc.ID || c.Start != 22 || c.End != 26 || c.Prefix != "Albania cut ties with " || c.Suffix != "." {
			t.Errorf("citation = %+v", c)
		}
		return nil
	})
}

// A quote typed with a curly apostrophe and a non-breaking space is stored
// as the document's own words and offsets; one with a word wrong is
// refused with the passage it likely meant.
func TestMutationQuoteIsForgivingButStoresTheDocumentsText(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc, err := e.AddDocument(alice, Document{Key: "d", Title: "t", Text: "London said NATO's allies stand with Albania.", Language: "en"}, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.UpsertState(alice, State{Code: "AL", Cite: []Quote{{Document: doc.ID, Exact: "NATO’s allies\u00a0stand"}}}, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *store.Txn) error {
		n, err := tx.Node(res.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c := n.Citations[0]; c.Exact != "NATO's allies stand" || c.Start != 12 || c.End != 31 {
			t.Errorf("citation = %+v; want the document's own \"NATO's allies stand\" at [12:31]", c)
		}
		return nil
	})
	_, err = e.UpsertState(alice, State{Code: "AL", Cite: []Quote{{Document: doc.ID, Exact: "NATO's allies stood with Albania"}}}, Opts{})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "input.cite[0].exact" || !strings.Contains(fe.Msg, `did you mean "NATO's allies stand with Albania" at [12:44]`) {
		t.Fatalf("got %v; want a did-you-mean naming the passage and its offsets", err)
	}
}

// A document's English title and summary are credited to their translator
// (the writer, unless named) and are never evidence: a quote of the
// summary is not found in the document.
func TestDocumentRenderingIsNotEvidence(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc, err := e.AddDocument(alice, Document{Key: "d", Title: "ألبانيا تقطع علاقاتها مع إيران", Text: "قطعت ألبانيا علاقاتها مع إيران.", Language: "ar",
		TitleEn: "Albania cuts ties with Iran", SummaryEn: "Albania broke off relations with Iran."}, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *store.Txn) error {
		n, err := tx.Node(doc.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"title_en", "summary_en"} {
			m, _ := n.Props[k].(map[string]any)
			if m["translator"] != "alice" || m["lang"] != "en" || m["text"] == "" {
				t.Errorf("%s = %v, want English text credited to alice", k, n.Props[k])
			}
		}
		return nil
	})
	_, err = e.UpsertState(alice, State{Code: "AL", Cite: []Quote{{Document: doc.ID, Exact: "Albania broke off relations"}}}, Opts{})
	var fe *FieldError
	if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "quote not found") {
		t.Fatalf("citing the English summary: %v; want quote not found", err)
	}
}
