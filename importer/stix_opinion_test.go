package importer_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/exampletest"
	"github.com/attrib/attrib/internal/schematest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// A disputed claim goes out to STIX with a schema-valid opinion per stance
// on it (ENDORSES -> agree, DENIES -> strongly-disagree) pointing at the
// claim's objects, with the words as the explanation; imported into
// another graph, the opinions come back as the same stances on the claim.
func TestStancesGoOutAsOpinionsAndComeBack(t *testing.T) {
	a := seedtest.Store(t)
	exampletest.Ingest(t, a)
	claim := store.NodeID("Attribution", "al-blames-ir")
	var buf bytes.Buffer
	req := subgraph.Request{Roots: []string{claim}, Depth: 2}
	if err := export.Write(view.New(a, view.Scope{}), req, export.STIX21, &buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	schematest.STIX(t, data)
	objs := stixObjects(t, data)
	// The claim's attributed-to relationship: the incident to Iran's stand-in.
	var rel string
	for id, o := range objs {
		if o["type"] == "relationship" && o["relationship_type"] == "attributed-to" && o["x_attrib_id"] == claim {
			rel = id
		}
	}
	if rel == "" {
		t.Fatal("the claim has no attributed-to relationship in the export")
	}
	got := map[string]map[string]any{} // the opinions about the claim
	for _, o := range objs {
		if refs, _ := o["object_refs"].([]any); o["type"] == "opinion" && slices.Contains(refs, any(rel)) {
			got[o["x_attrib_id"].(string)] = o
		}
	}
	for stance, want := range map[string]struct{ opinion, words string }{
		store.NodeID("Stance", "ir-denies-al"):     {"strongly-disagree", "calling it baseless"},
		store.NodeID("Stance", "nato-endorses-al"): {"agree", "solidarity with Albania"},
	} {
		o, ok := got[stance]
		if !ok {
			t.Errorf("no opinion for %s", stance)
			continue
		}
		if o["opinion"] != want.opinion || !bytes.Contains([]byte(o["explanation"].(string)), []byte(want.words)) || o["created_by_ref"] == nil {
			t.Errorf("opinion of %s: %v", stance, o)
		}
	}
	if len(got) != 2 {
		t.Errorf("%d opinions, want one per stance on the claim (2)", len(got))
	}

	b := seedtest.Store(t)
	if _, err := importer.Import(b, data); err != nil {
		t.Fatal(err)
	}
	imported := store.NodeID("Attribution", rel)
	err := b.View(func(tx *store.Txn) error {
		refs, err := tx.Edges(imported, store.In, "ON")
		if err != nil {
			return err
		}
		kinds := map[string]string{}
		for _, r := range refs {
			n, err := tx.Node(r.Other)
			if err != nil {
				return err
			}
			holder, _ := tx.Edges(n.ID, store.Out, "HELD_BY")
			h := ""
			if len(holder) == 1 {
				hn, _ := tx.Node(holder[0].Other)
				h = hn.Props.String("name_en")
			}
			kinds[n.Props.String("kind")] = h + " | " + n.Props.String("date") + " | " + n.Props.String("text")
		}
		if len(kinds) != 2 {
			raw, _ := json.Marshal(kinds)
			t.Errorf("stances after import: %s", raw)
		}
		if d := kinds["DENIES"]; d != "Iran (Islamic Republic of) | 2022-09-07 | rejected Albania's accusation that Iran was behind the July cyberattack, calling it baseless" {
			t.Errorf("the denial came back as %q", d)
		}
		if e := kinds["ENDORSES"]; e == "" || e[:len("North Atlantic Treaty Organization")] != "North Atlantic Treaty Organization" {
			t.Errorf("the endorsement came back as %q", e)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The native export of the seed and the example corpus holds the stances
// and the citations' roles, valid against its schema, and goes back in
// byte for byte; JGF and Cytoscape carry them too, with a stance labelled
// by its holder and kind.
func TestStancesAndRolesInTheOtherFormats(t *testing.T) {
	a := seedtest.Store(t)
	exampletest.Ingest(t, a)
	first := exportAll(t, a, export.Native)
	schematest.Native(t, first)
	var nat struct {
		Nodes []store.Node `json:"nodes"`
	}
	if err := json.Unmarshal(first, &nat); err != nil {
		t.Fatal(err)
	}
	stances, secondary := 0, 0
	for _, n := range nat.Nodes {
		if n.Type == "Stance" {
			stances++
		}
		for _, c := range n.Citations {
			if c.Role == "SECONDARY" {
				secondary++
			}
		}
	}
	if stances != 4 || secondary < 15 {
		t.Errorf("native export: %d stances, %d secondary citations", stances, secondary)
	}
	b := open(t)
	if _, err := importer.Import(b, first); err != nil {
		t.Fatal(err)
	}
	if second := exportAll(t, b, export.Native); !bytes.Equal(first, second) {
		t.Errorf("the native round trip changed the file: %d bytes, then %d", len(first), len(second))
	}

	denial := store.NodeID("Stance", "ir-denies-al")
	var jgf struct {
		Graph struct {
			Nodes map[string]struct {
				Label    string `json:"label"`
				Metadata struct {
					Type      string           `json:"type"`
					Citations []store.Citation `json:"citations"`
				} `json:"metadata"`
			} `json:"nodes"`
		} `json:"graph"`
	}
	if err := json.Unmarshal(exportAll(t, a, export.JGF), &jgf); err != nil {
		t.Fatal(err)
	}
	n := jgf.Graph.Nodes[denial]
	if n.Label != "Iran: denies" || n.Metadata.Type != "Stance" || len(n.Metadata.Citations) != 1 || n.Metadata.Citations[0].Role != "SECONDARY" {
		t.Errorf("JGF stance %+v", n)
	}
	var cy struct {
		Elements struct {
			Nodes []struct {
				Data struct {
					ID        string           `json:"id"`
					Label     string           `json:"label"`
					Citations []store.Citation `json:"citations"`
				} `json:"data"`
			} `json:"nodes"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(exportAll(t, a, export.Cytoscape), &cy); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range cy.Elements.Nodes {
		if e.Data.ID == denial {
			found = e.Data.Label == n.Label && len(e.Data.Citations) == 1 && e.Data.Citations[0].Role == "SECONDARY"
		}
	}
	if !found {
		t.Error("Cytoscape lacks the denial, its label or its citation's role")
	}
}
