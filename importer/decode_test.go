package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/synthetic"
	"github.com/attrib/attrib/view"
)

// nativeFile is the native format as encoding/json reads it whole.
type nativeFile struct {
	Format    string       `json:"format"`
	Nodes     []store.Node `json:"nodes"`
	Edges     []store.Edge `json:"edges"`
	Documents []store.Node `json:"documents"`
}

// planNative reads data with the importer's streaming reader into one
// nativeFile, for comparing with encoding/json.
func planNative(data []byte) (*nativeFile, error) {
	f := &nativeFile{Nodes: []store.Node{}, Edges: []store.Edge{}, Documents: []store.Node{}}
	err := readNative(bytes.NewReader(data), func(r nativeRecord) error {
		switch r.Array {
		case "edges":
			f.Edges = append(f.Edges, *r.Edge)
		case "nodes":
			f.Nodes = append(f.Nodes, *r.Node)
		default:
			f.Documents = append(f.Documents, *r.Node)
		}
		return nil
	})
	return f, err
}

// TestNativeDecodeMatchesEncodingJSON shows that the streaming reader, which parses
// with goccy/go-json, reads a native file into the same records as
// encoding/json would: a generated corpus (Arabic and English text, many
// citations) and a hand-made file with the cases where JSON decoders are
// known to part: escapes, invalid UTF-8 (in a file of its own), lone surrogates, big and tiny
// numbers, nested property values and field names in another case.
func TestNativeDecodeMatchesEncodingJSON(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 3, Incidents: 30})
	var corpus bytes.Buffer
	if err := export.Write(view.New(s, view.Scope{Clearance: "RED"}), subgraph.Request{}, export.Native, &corpus); err != nil {
		t.Fatal(err)
	}
	doc := store.NodeID("Document", "d")
	odd := `{"format": "attrib/1", "edges": [], "documents": [
	  {"id": "` + doc + `", "type": "Document", "properties": {"text": "a\u003cb\u0026c\"\\\/ \u2028\u2029 \ud800 \t\n\b\f \u00e9 é عربي BAD"},
	   "citations": [], "MARKING": "AMBER", "created_by": "x"}],
	  "nodes": [{"id": "` + store.NodeID("State", "AL") + `", "type": "State", "Properties": {"code": "AL",
	   "n": 123456789012345678901234567890, "f": 1.0000000000000002, "t": 1e-320, "z": -0, "b": true, "nil": null,
	   "list": [1, "two", [3], {"k": "v"}], "obj": {"b": 1, "a": [null]}}, "citations": null}]}`
	// Invalid UTF-8 is read by encoding/json itself; the test shows the
	// records still match whichever decoder reads them.
	invalid := strings.Replace(odd, "BAD", "\xff\xfe", 1)
	for name, data := range map[string][]byte{"generated": corpus.Bytes(), "odd": []byte(odd), "invalid UTF-8": []byte(invalid)} {
		p, err := planNative(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want nativeFile
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(want.Nodes)+len(want.Documents) < 2 {
			t.Fatalf("%s: only %d records", name, len(want.Nodes)+len(want.Documents))
		}
		if !reflect.DeepEqual(p.Documents, want.Documents) || !reflect.DeepEqual(p.Nodes, want.Nodes) || !reflect.DeepEqual(p.Edges, want.Edges) {
			t.Errorf("%s: the streaming reader read other records than encoding/json:\n%+v\n%+v", name, p.Documents, want.Documents)
		}
	}
}

// TestNativeRefusesUnknownFieldsAtEveryLevel: the native format is strict,
// as encoding/json's DisallowUnknownFields made it, in every object of the
// file; field names match case-insensitively, as they do there.
func TestNativeRefusesUnknownFieldsAtEveryLevel(t *testing.T) {
	doc, st := store.NodeID("Document", "d"), store.NodeID("State", "AL")
	file := func(docExtra, citeExtra, trExtra, retrExtra, edgeExtra string) string {
		return `{"format": "attrib/1", "documents": [{"id": "` + doc + `", "type": "Document", "properties": {"text": "abc", "any": {"x": 1}}` + docExtra + `,
		  "citations": [{"document": "` + doc + `", "exact": "a", "prefix": "", "suffix": "bc", "start": 0, "end": 1` + citeExtra + `,
		    "translation": {"lang": "en", "text": "a", "translator": "t", "authoritative": false` + trExtra + `}}],
		  "retraction": {"by": "x", "at": "y", "reason": "z"` + retrExtra + `}}],
		 "nodes": [{"id": "` + st + `", "type": "State", "properties": {"code": "AL"}, "citations": []}],
		 "edges": [{"id": "e", "type": "T", "from": "a", "to": "b", "properties": null, "citations": null` + edgeExtra + `}]}`
	}
	if _, err := planNative([]byte(file(`, "MARKING": "AMBER"`, `, "End": 1`, "", "", `, "Created_By": "x"`))); err != nil {
		t.Fatalf("a file with known fields in another case: %v", err)
	}
	for name, data := range map[string]string{
		"document":    file(`, "extra": 1`, "", "", "", ""),
		"citation":    file("", `, "extra": 1`, "", "", ""),
		"translation": file("", "", `, "extra": 1`, "", ""),
		"retraction":  file("", "", "", `, "extra": 1`, ""),
		"edge":        file("", "", "", "", `, "extra": 1`),
	} {
		_, err := planNative([]byte(data))
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `"extra"`) {
			t.Errorf("an unknown field in a %s: %v, want ErrMalformed naming it", name, err)
		}
		dec := json.NewDecoder(strings.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&nativeFile{}); err == nil {
			t.Errorf("%s: encoding/json accepts the file the importer refuses", name)
		}
	}
}
