package export

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/synthetic"
	"github.com/attrib/attrib/view"
)

// both writes r as native with the fast path on and off; the bytes must be
// the same.
func both(t *testing.T, s *store.Store, clearance string, r subgraph.Request) written {
	t.Helper()
	var fast, slow bytes.Buffer
	rd := view.New(s, view.Scope{Clearance: clearance, Retracted: r.IncludeRetracted})
	n, err := write(rd, r, Native, &fast)
	if err != nil {
		t.Fatalf("export %+v: %v", r, err)
	}
	verbatimOff = true
	defer func() { verbatimOff = false }()
	if _, err := write(rd, r, Native, &slow); err != nil {
		t.Fatalf("export %+v without the fast path: %v", r, err)
	}
	if !bytes.Equal(fast.Bytes(), slow.Bytes()) {
		a, b := fast.Bytes(), slow.Bytes()
		i := 0
		for i < min(len(a), len(b)) && a[i] == b[i] {
			i++
		}
		t.Fatalf("export %+v: copied records differ from decoded ones at byte %d:\n%.200s\n%.200s", r, i, a[i:], b[i:])
	}
	return n
}

func TestCopiedRecordsMatchDecodedOnTheSeed(t *testing.T) {
	s := seedtest.Store(t)
	n := both(t, s, "", subgraph.Request{Roots: []string{store.NodeID("Incident", "2022-07-15-albania-gov")}, Depth: 2})
	if n.verbatim == 0 || n.decoded != 0 {
		t.Errorf("CQ5 on the seed: %d records copied, %d decoded; want all copied", n.verbatim, n.decoded)
	}
	both(t, s, "RED", subgraph.Request{})
}

// markedCorpus is a generated graph where some documents, nodes and edges
// are marked or retracted, and some records hold HTML characters, a
// literal backslash-u sequence, or no properties and citations at all: each
// difference between the stored bytes and the file.
func markedCorpus(t *testing.T) *store.Store {
	t.Helper()
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 20})
	markings := []string{"GREEN", "AMBER", "RED"}
	err := s.Update(func(tx *store.Txn) error {
		var nodes []*store.Node
		if err := tx.ScanNodes(func(_ string, n *store.Node) error { nodes = append(nodes, n); return nil }); err != nil {
			return err
		}
		for i, n := range nodes {
			switch {
			case n.Type == ontology.Document && i%4 == 0:
				n.Marking = markings[i%3]
			case n.Type == ontology.Incident && i%3 == 0:
				n.Props["note"] = `<b>Tom & Jerry</b> \u003c is not < and "\\u0026" stays`
			case n.Type == ontology.Attribution && i%5 == 0:
				n.Marking = "AMBER"
			case n.Type == ontology.Attribution && i%5 == 1:
				n.Retraction = &store.Retraction{By: "analyst", At: "2026-01-02T03:04:05Z", Reason: "<wrong>"}
			case n.Type == ontology.Organization && i%2 == 0:
				n.Props, n.Citations = nil, nil
			default:
				continue
			}
			if _, err := tx.PutNode(n); err != nil {
				return err
			}
		}
		var edges []*store.Edge
		if err := tx.ScanEdges(func(_ string, e *store.Edge) error { edges = append(edges, e); return nil }); err != nil {
			return err
		}
		for i, e := range edges {
			switch i % 11 {
			case 0:
				e.Marking = markings[i%3]
			case 1:
				e.Props, e.Citations = nil, nil
			case 2:
				e.Props = store.Props{"why": "a > b && c < d"}
			case 3:
				// Members named like the record's own, null, inside a
				// property: shown as they are, on the fast path.
				e.Props = store.Props{"nested": map[string]any{"a": 1.0, "citations": nil, "properties": nil}}
			default:
				continue
			}
			if _, err := tx.PutEdge(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCopiedRecordsMatchDecodedOnAMarkedCorpus(t *testing.T) {
	s := markedCorpus(t)
	var copied, decoded int
	for _, c := range []struct {
		clearance string
		r         subgraph.Request
	}{
		{"", subgraph.Request{Roots: []string{synthetic.StateID("GB")}, Depth: 2}},
		{"GREEN", subgraph.Request{Roots: []string{synthetic.StateID("GB")}, Depth: 2}},
		{"AMBER", subgraph.Request{Roots: []string{synthetic.StateID("GB")}, Depth: 2, IncludeRetracted: true}},
		{"", subgraph.Request{Roots: []string{synthetic.IncidentID(3)}, Depth: 3}},
		{"", subgraph.Request{}},
		{"RED", subgraph.Request{IncludeRetracted: true}},
	} {
		n := both(t, s, c.clearance, c.r)
		copied += n.verbatim
		decoded += n.decoded
	}
	// Both paths must have run: otherwise the comparison shows nothing.
	if copied == 0 || decoded == 0 {
		t.Fatalf("%d records copied, %d decoded: a path was never taken", copied, decoded)
	}
}

func TestNullMembersFindsOnlyTheRecordsOwn(t *testing.T) {
	for rec, want := range map[string]bool{
		`{"id":"a","type":"T","properties":{},"citations":[]}`:                                                    false,
		`{"id":"a","type":"T","properties":null,"citations":[]}`:                                                  true,
		`{"id":"a","type":"T","properties":{},"citations":null,"marking":"RED"}`:                                  true,
		`{"id":"a","type":"T","properties":{"x":{"b":1,"properties":null,"citations":null}},"citations":[]}`:      false,
		`{"id":"a","type":"T","properties":{"t":"","citations":null"},"citations":[{"document":"d"}]}`:            false,
		`{"id":"e","type":"T","from":"a","to":"b","properties":{"x":{"citations":[]}},"citations":null}`:          true,
		`{"id":"a","type":"T","properties":{},"citations":[],"retraction":{"by":"x","at":"y","reason":"z"}}`:      false,
		`{"id":"a","type":"T","properties":{"note":""properties":null"},"citations":[],"created_by":"null-user"}`: false,
	} {
		if got := nullMembers([]byte(rec)); got != want {
			t.Errorf("nullMembers(%s) = %v, want %v", rec, got, want)
		}
	}
}

func TestWriteUnescapedUndoesOnlyHTMLEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`"a\u003cb\u003e\u0026c"`:          `"a<b>&c"`,
		`"\\u003c"`:                        `"\\u003c"`,
		`"\\\u003c"`:                       `"\\<"`,
		`"\u2028\n\"\u00e9"`:               `"\u2028\n\"\u00e9"`,
		`{"x":"\u0026\u0026","y":"plain"}`: `{"x":"&&","y":"plain"}`,
		`"\u003`:                           `"\u003`,
		`\`:                                `\`,
	} {
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		if err := writeUnescaped(w, []byte(in)); err != nil {
			t.Fatal(err)
		}
		w.Flush()
		if buf.String() != want {
			t.Errorf("writeUnescaped(%s) = %s, want %s", in, buf.String(), want)
		}
	}
}
