package store

import (
	"reflect"
	"slices"
	"testing"
)

// TestOutlineReaderMatchesParseOutline compares the cursor's token reader
// with ParseOutline's decoding on records whose outlines are easy to get
// wrong: escapes in the strings kept, members named like the record's own
// inside a property, null members, a retraction, and broken input.
func TestOutlineReaderMatchesParseOutline(t *testing.T) {
	a := &Node{ID: "odd-a", Type: "Type \"quoted\" <&>", Props: Props{
		"citations": []any{map[string]any{"document": "not-cited"}},
		"marking":   "RED",
		"text":      "line\nbreak \u2028 \\ \"citations\":[{\"document\":\"x\"}]",
	}, Citations: []Citation{{Document: "doc \"1\"", Exact: "x", End: 1}, {Document: "doc2", Exact: "y", End: 1}, {Document: "doc \"1\"", Exact: "z", End: 1}},
		Meta: Meta{Marking: "AMBER+STRICT", CreatedBy: "al\\ice", Retraction: &Retraction{By: "bob", At: "2026-01-01T00:00:00Z", Reason: "said \"no\" <b>"}}}
	e := &Edge{ID: EdgeID("REL", "odd-a", "odd-b"), Type: "REL", From: "odd-a", To: "odd-b",
		Citations: []Citation{{Document: "doc2", Exact: "q", End: 1, Translation: &Translation{Lang: "en", Text: "t"}}},
		Meta:      Meta{Marking: "GREEN"}}
	var recs [][]byte
	for _, n := range []*Node{a, {ID: "odd-b", Type: "State"}} {
		b, err := EncodeNode(n)
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, b)
	}
	b, err := EncodeEdge(e)
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, b, []byte(`{"id":"x","type":null,"properties":{},"citations":[null,{"document":"d"}],"retraction":null}`))
	r := outlineReader{names: map[string]string{}}
	for _, b := range recs {
		want, err := ParseOutline(b)
		if err != nil {
			t.Fatalf("ParseOutline(%s): %v", b, err)
		}
		// Twice: the second read takes its strings from the names kept.
		for range 2 {
			got, err := r.parse(b)
			if err != nil {
				t.Fatalf("outline reader on %s: %v", b, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("outline reader on %s = %+v, ParseOutline %+v", b, got, want)
			}
		}
	}
	o, _ := r.parse(recs[0])
	if o.Type != `Type "quoted" <&>` || o.CreatedBy != `al\ice` || o.Retraction.Reason != `said "no" <b>` ||
		!slices.Equal(o.CitedDocs, []string{`doc "1"`, "doc2"}) {
		t.Errorf("outline of a record with escapes = %+v", o)
	}
	for _, bad := range []string{``, `[]`, `{"type":1}`, `{"citations":{}}`, `{"type":"x"`, `{"retraction":"no"}`} {
		if _, err := r.parse([]byte(bad)); err == nil {
			t.Errorf("outline reader accepted %s", bad)
		}
		if _, err := ParseOutline([]byte(bad)); err == nil {
			t.Errorf("ParseOutline accepted %s", bad)
		}
	}
}
