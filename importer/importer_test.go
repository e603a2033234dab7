package importer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func seeded(t *testing.T) *store.Store {
	s := open(t)
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(s, b); err != nil {
		t.Fatal(err)
	}
	return s
}

func exportAll(t *testing.T, s *store.Store, f export.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(view.New(s, view.Scope{}), subgraph.Request{}, f, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// count returns how many nodes the store holds.
func count(t *testing.T, s *store.Store) int {
	t.Helper()
	n := 0
	err := s.View(func(tx *store.Txn) error {
		for _, typ := range ontology.NodeTypes {
			ids, err := tx.NodeIDsByType(typ)
			if err != nil {
				return err
			}
			n += len(ids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNativeRoundTripIsByteIdentical(t *testing.T) {
	first := exportAll(t, seeded(t), export.Native)
	empty := open(t)
	rep, err := importer.Import(empty, first)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Written == 0 || len(rep.Skipped) != 0 {
		t.Fatalf("report %s, skipped %v", rep.Summary(), rep.Skipped)
	}
	second := exportAll(t, empty, export.Native)
	if !bytes.Equal(first, second) {
		t.Fatalf("round trip changed the file: %d bytes, then %d", len(first), len(second))
	}
	again, err := importer.Import(empty, first)
	if err != nil {
		t.Fatal(err)
	}
	if again.Written != 0 {
		t.Fatalf("importing the same file twice wrote %d records", again.Written)
	}
}

func TestRefusedImportsWriteNothing(t *testing.T) {
	good := exportAll(t, seeded(t), export.Native)
	var f map[string]any
	json.Unmarshal(good, &f)
	// Tamper with one quote: the words change, the offsets do not.
	nodes := f["nodes"].([]any)
	victim := nodes[0].(map[string]any)
	c := victim["citations"].([]any)[0].(map[string]any)
	orig := c["exact"].(string)
	c["exact"] = "X" + string([]rune(orig)[1:])
	tampered, _ := json.Marshal(f)

	cases := []struct {
		name string
		data string
		want error
		msg  string
	}{
		{"tampered quote", string(tampered), importer.ErrCitation, victim["id"].(string) + ", citation 1"},
		{"not json", `{"format": "attrib/1", "nodes": [`, importer.ErrMalformed, "not JSON"},
		{"other format", `{"format": "attrib/9"}`, importer.ErrMalformed, "attrib/9"},
		{"neither", `{"hello": 1}`, importer.ErrMalformed, "neither"},
		{"unknown field", `{"format": "attrib/1", "nodes": [], "edges": [], "documents": [], "extra": 1}`, importer.ErrMalformed, "extra"},
		{"missing arrays", `{"format": "attrib/1"}`, importer.ErrMalformed, "required"},
		{"bundle without objects array", `{"type": "bundle", "id": "bundle--1", "objects": 3}`, importer.ErrMalformed, "not an array"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			_, err := importer.Import(s, []byte(tc.data))
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("got %v, want %v naming %q", err, tc.want, tc.msg)
			}
			if n := count(t, s); n != 0 {
				t.Fatalf("a refused import wrote %d nodes", n)
			}
		})
	}
}

// An OASIS-style bundle from another tool: pretty-printed, non-ASCII text,
// objects attrib can map and objects it cannot.
const foreign = `{
    "type": "bundle",
    "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982",
    "objects": [
        {
            "type": "identity",
            "spec_version": "2.1",
            "id": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
            "created": "2022-09-07T10:00:00.000Z",
            "modified": "2022-09-07T10:00:00.000Z",
            "name": "Cyber Command — Ünit 7",
            "identity_class": "organization",
            "sectors": ["government-national"]
        },
        {
            "type": "location",
            "spec_version": "2.1",
            "id": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
            "created": "2022-09-07T10:00:00.000Z",
            "modified": "2022-09-07T10:00:00.000Z",
            "name": "Albania",
            "country": "al"
        },
        {
            "type": "incident",
            "spec_version": "2.1",
            "id": "incident--0a2c5b1e-7f3d-4c8e-9a55-6d1c2b3a4f50",
            "created": "2022-07-15T08:00:00.000Z",
            "modified": "2022-07-15T08:00:00.000Z",
            "name": "Wiper attack"
        },
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": "relationship--3b1e0c2d-9a8f-4e7d-b6c5-a4f3e2d1c0b9",
            "created": "2022-09-07T10:00:00.000Z",
            "modified": "2022-09-07T10:00:00.000Z",
            "relationship_type": "attributed-to",
            "source_ref": "incident--0a2c5b1e-7f3d-4c8e-9a55-6d1c2b3a4f50",
            "target_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
            "created_by_ref": "identity--311b2d2d-f010-4473-83ec-1edf84858f4c",
            "confidence": 80,
            "start_time": "2022-09-07T00:00:00Z"
        },
        {
            "type": "relationship",
            "spec_version": "2.1",
            "id": "relationship--7c9d8e1f-2a3b-4c5d-8e6f-7a8b9c0d1e2f",
            "created": "2022-09-07T10:00:00.000Z",
            "modified": "2022-09-07T10:00:00.000Z",
            "relationship_type": "targets",
            "source_ref": "incident--0a2c5b1e-7f3d-4c8e-9a55-6d1c2b3a4f50",
            "target_ref": "location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64"
        },
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created": "2022-09-07T10:00:00.000Z",
            "modified": "2022-09-07T10:00:00.000Z",
            "pattern": "[file:name = 'wiper.exe']",
            "pattern_type": "stix",
            "valid_from": "2022-09-07T10:00:00Z"
        }
    ]
}`

func TestSTIXImportCitesTheBundle(t *testing.T) {
	s := seeded(t)
	rep, err := importer.Import(s, []byte(foreign))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kept["Organization"] != 1 || rep.Kept["Incident"] != 1 || rep.Kept["Attribution"] != 1 || rep.Kept["State (existing)"] != 1 {
		t.Errorf("kept %v", rep.Kept)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Type != "indicator" || !strings.Contains(rep.Skipped[0].Reason, "no attrib type") {
		t.Errorf("skipped %v", rep.Skipped)
	}
	var buf bytes.Buffer
	rep.WriteTo(&buf)
	if !strings.Contains(buf.String(), "skipped indicator indicator--8e2e2d2b") {
		t.Errorf("printed report lacks the skipped indicator:\n%s", buf.String())
	}
	err = s.View(func(tx *store.Txn) error {
		doc, err := tx.Node(rep.Document)
		if err != nil {
			return err
		}
		if doc.Props.String("text") != foreign || doc.Props.String("media_type") != "application/json" || doc.Props.String("kind") != "STIX_BUNDLE" {
			t.Errorf("bundle document: %v", doc.Props)
		}
		inc, err := tx.Node(store.NodeID("Incident", "incident--0a2c5b1e-7f3d-4c8e-9a55-6d1c2b3a4f50"))
		if err != nil {
			return err
		}
		c := inc.Citations[0]
		if !strings.HasPrefix(c.Exact, `{
            "type": "incident"`) || !strings.HasSuffix(c.Exact, `"name": "Wiper attack"
        }`) {
			t.Errorf("incident is not cited by its JSON span: %q", c.Exact)
		}
		if err := cite.Verify(foreign, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
			t.Errorf("citation does not verify in code points: %v", err)
		}
		// Albania was linked to, not overwritten.
		al, err := tx.Node(store.NodeID("State", "AL"))
		if err != nil {
			return err
		}
		if al.Citations[0].Document == rep.Document {
			t.Error("the seeded Albania was overwritten by the bundle's location")
		}
		refs, err := tx.Edges(inc.ID, store.Out, ontology.Targeted)
		if err != nil || len(refs) != 1 || refs[0].To != al.ID {
			t.Errorf("targets relationship not kept as TARGETED Albania: %v %v", refs, err)
		}
		claim, err := tx.Node(store.NodeID("Attribution", "relationship--3b1e0c2d-9a8f-4e7d-b6c5-a4f3e2d1c0b9"))
		if err != nil {
			return err
		}
		if claim.Props.String("band") != "VERY_LIKELY" {
			t.Errorf("confidence 80 became band %s", claim.Props.String("band"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	again, err := importer.Import(s, []byte(foreign))
	if err != nil || again.Written != 0 {
		t.Fatalf("second import: wrote %v, err %v", again, err)
	}
}

func TestImportOwnSTIXExport(t *testing.T) {
	bundle := exportAll(t, seeded(t), export.STIX21)
	s := open(t)
	rep, err := importer.Import(s, bundle)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kept["Incident"] != 1 || rep.Kept["Attribution"] < 3 {
		t.Errorf("kept %v", rep.Kept)
	}
	// The threat-actor standing for Iran, blamed directly, is Iran's
	// identity again: no threat actor comes back, and no claim blames one.
	if rep.Kept["ThreatActor"] != 0 {
		t.Errorf("the stand-in for a blamed state came back as %d threat actors", rep.Kept["ThreatActor"])
	}
	err = s.View(func(tx *store.Txn) error {
		ids, err := tx.NodeIDsByType(ontology.Attribution)
		for _, id := range ids {
			refs, err := tx.Edges(id, store.Out, ontology.Blames)
			if err != nil {
				return err
			}
			for _, r := range refs {
				if typ, _, _ := store.DecodeNodeID(r.Other); typ == ontology.ThreatActor {
					t.Errorf("claim %s blames a %s", id, typ)
				}
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
