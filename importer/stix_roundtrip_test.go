package importer_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/schematest"
	"github.com/attrib/attrib/store"
)

// stixObjects decodes a bundle's objects by id.
func stixObjects(t *testing.T, data []byte) map[string]map[string]any {
	t.Helper()
	var b struct{ Objects []map[string]any }
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, o := range b.Objects {
		out[o["id"].(string)] = o
	}
	return out
}

// comparable keeps what a round trip must keep of an object: everything
// but its times, its citations (they point into whichever bundle it was
// imported from) and attrib's own record of it.
func comparable(o map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range o {
		switch k {
		case "created", "modified", "x_attrib_id", "x_attrib_type", "x_attrib_properties", "x_attrib_citations", "x_attrib_created_by":
			continue
		case "external_references":
			var kept []any
			for _, r := range v.([]any) {
				if r.(map[string]any)["source_name"] != "attrib citation" {
					kept = append(kept, r)
				}
			}
			if kept != nil {
				out[k] = kept
			}
			continue
		}
		out[k] = v
	}
	return out
}

var ctiSTIX = map[string]bool{"intrusion-set": true, "threat-actor": true, "campaign": true, "malware": true, "tool": true, "attack-pattern": true}

// The imported ICS data goes back out as the spec's own objects with
// their ids, valid object by object, and comes back the same.
func TestICSExportKeepsIDsValidatesAndRoundTrips(t *testing.T) {
	data := icsBundle(t)
	a, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := importer.Import(a, data); err != nil {
		t.Fatal(err)
	}
	// The native export holds the new types too, valid against its schema.
	schematest.Native(t, exportAll(t, a, export.Native))
	first := exportAll(t, a, export.STIX21)
	schematest.STIX(t, first)
	out := stixObjects(t, first)

	var bundle struct{ Objects []stixObj }
	if err := json.Unmarshal(data, &bundle); err != nil {
		t.Fatal(err)
	}
	byID := map[string]stixObj{}
	for _, o := range bundle.Objects {
		byID[o.ID] = o
	}
	kept := 0
	for _, o := range bundle.Objects {
		keep := ctiSTIX[o.Type] && !o.Revoked || o.Type == "identity" ||
			o.Relationship == "attributed-to" || o.Relationship == "uses"
		if !keep {
			continue
		}
		kept++
		got, ok := out[o.ID]
		if !ok {
			t.Errorf("%s %s (%s) left without its STIX id", o.Type, o.ID, o.Name)
			continue
		}
		if got["type"] != o.Type {
			t.Errorf("%s went out as a %v", o.ID, got["type"])
		}
		if o.Type == "relationship" && (got["source_ref"] != o.Source || got["target_ref"] != o.Target || got["relationship_type"] != o.Relationship) {
			t.Errorf("%s %s: %v -> %v", o.Relationship, o.ID, got["source_ref"], got["target_ref"])
		}
		if o.Relationship == "attributed-to" && got["created_by_ref"] != o.CreatedBy {
			t.Errorf("claim %s is no longer MITRE's: %v", o.ID, got["created_by_ref"])
		}
		if o.Type == "campaign" && o.Deprecated != (got["x_mitre_deprecated"] == true) {
			t.Errorf("campaign %s: deprecated flag lost", o.Name)
		}
	}
	if kept != 420 { // 95 + 30 + 14 + 8 objects, MITRE, 267 uses, 5 attributed-to
		t.Fatalf("only %d objects to check", kept)
	}

	b, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := importer.Import(b, first); err != nil {
		t.Fatal(err)
	}
	again := stixObjects(t, exportAll(t, b, export.STIX21))
	same := 0
	for id, o := range out {
		// The threat-intelligence objects and the bundle's own
		// relationships (uses, attributed-to).
		if _, fromBundle := byID[id]; !ctiSTIX[o["type"].(string)] && !(o["type"] == "relationship" && fromBundle) {
			continue
		}
		g, ok := again[id]
		if !ok {
			t.Errorf("%v %s was lost in the round trip", o["type"], id)
			continue
		}
		if want, got := comparable(o), comparable(g); !reflect.DeepEqual(want, got) {
			w, _ := json.Marshal(want)
			gg, _ := json.Marshal(got)
			t.Errorf("%s changed in the round trip:\n%s\n%s", id, w, gg)
			continue
		}
		same++
	}
	if same != 419 { // 95 + 30 + 14 + 8 objects, 267 uses, 5 attributed-to
		t.Errorf("only %d objects came back the same", same)
	}
}
