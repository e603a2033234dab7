package store

import (
	"encoding/json"
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

// fullQuotable is what decoding a record in full gives.
func fullQuotable(b []byte) (Quotable, error) {
	var n Node
	if err := decode(b, &n); err != nil {
		return Quotable{}, err
	}
	return Quotable{Type: n.Type, Meta: n.Meta, Text: n.Props.String("text")}, nil
}

func sameQuotable(a, b Quotable) bool {
	return a.Type == b.Type && a.Text == b.Text && a.Marking == b.Marking && a.CreatedBy == b.CreatedBy &&
		(a.Retraction == nil) == (b.Retraction == nil) && (a.Retraction == nil || *a.Retraction == *b.Retraction)
}

var quotableCases = []string{
	`{"id":"d","type":"Document","properties":{"kind":"ARTICLE","sources":["a",{"x":[1,-2.5e3,true,null]}],"text":"plain \u00e9 text","title":"t"},"citations":[{"document":"d","exact":"x","prefix":"","suffix":"","start":0,"end":1}],"marking":"AMBER","created_by":"al\"ice","retraction":{"by":"bob","at":"2022","reason":"r"}}`,
	`{"id":"d","type":"Document","properties":{"text":"قطعت ألبانيا علاقاتها \"مع\" إيران\n\u2028<>&"},"citations":null}`,
	`{"id":"d","type":"Document","properties":{"text":3},"citations":null}`,
	`{"id":"d","type":"Document","properties":null,"citations":null}`,
	`{"id":"d","type":"State","properties":{},"citations":[]}`,
	`{"id":"d","type":"Document","properties":{"text":"a","text":"b"},"citations":[]}`,
	`{"id":"d","type":"Document","properties":{"\u0074ext":"escaped key"},"citations":[]}`,
	` { "type" : "Document" , "properties" : { "text" : "spaced" } } `,
	`{"type":"Document","properties":{"text":"raw` + "\x01" + `control"}}`,
	`{"type":"Document","properties":{"text":"bad utf8 ` + "\xff" + `"}}`,
	`{"type":"Document","properties":{"text":"ends with a backslash \\"}}`,
	`{"type":"Document","retraction":null,"marking":""}`,
	`{}`,
}

// TestParseQuotableAgreesWithTheDecoder covers what the scanner must get
// right or hand to the decoder: escapes, duplicates, nesting, space,
// non-string texts, invalid UTF-8.
func TestParseQuotableAgreesWithTheDecoder(t *testing.T) {
	fast := 0
	for _, c := range quotableCases {
		want, err := fullQuotable([]byte(c))
		got, gerr := ParseQuotable([]byte(c))
		if err != nil {
			continue // not a record; the store never holds one
		}
		if gerr != nil || !sameQuotable(got, want) {
			t.Errorf("%s:\n got %+v %v\nwant %+v", c, got, gerr, want)
		}
		if _, ok := scanQuotable([]byte(c)); ok {
			fast++
		}
	}
	// The compact records EncodeNode writes take the fast path.
	if fast < 6 {
		t.Errorf("the scanner read %d of the cases itself; want the plain records at least", fast)
	}
	for _, n := range []*Node{{ID: "d", Type: "Document", Props: Props{"text": "long text"}, Citations: cited(), Meta: Meta{Marking: "RED"}}} {
		b, err := EncodeNode(n)
		if err != nil {
			t.Fatal(err)
		}
		if q, ok := scanQuotable(b); !ok || q.Text != "long text" || q.Marking != "RED" {
			t.Errorf("an encoded record did not take the fast path: %+v %v", q, ok)
		}
	}
}

// FuzzParseQuotable: for any valid JSON the decoder reads as a record,
// ParseQuotable gives what the decoder gives. (The store holds only valid
// JSON, and on invalid JSON the decoder itself can panic.)
func FuzzParseQuotable(f *testing.F) {
	for _, c := range quotableCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		got, gerr := ParseQuotable(b)
		want, err := fullQuotable(b)
		if err != nil {
			return
		}
		if gerr != nil || !sameQuotable(got, want) {
			t.Fatalf("%q:\n got %+v %v\nwant %+v", b, got, gerr, want)
		}
	})
}
