package importer_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// icsBundle is MITRE ATT&CK for ICS v18.1 (testdata/attack-ics, with its
// licence).
func icsBundle(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// stixObj is what the test itself reads of the bundle, to compare the
// import against.
type stixObj struct {
	Type, ID, Name, Description string
	Aliases                     []string
	Revoked                     bool
	Deprecated                  bool     `json:"x_mitre_deprecated"`
	Created                     string   `json:"created"`
	CreatedBy                   string   `json:"created_by_ref"`
	Relationship                string   `json:"relationship_type"`
	Source                      string   `json:"source_ref"`
	Target                      string   `json:"target_ref"`
	MalwareTypes                []string `json:"malware_types"`
	ExternalReferences          []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
	} `json:"external_references"`
}

var stixToAttrib = map[string]string{"intrusion-set": ontology.ThreatActor, "campaign": ontology.Campaign,
	"malware": ontology.Malware, "tool": ontology.Tool, "attack-pattern": ontology.AttackPattern}

func TestATTACKForICSImportsWhole(t *testing.T) {
	data := icsBundle(t)
	var bundle struct{ Objects []stixObj }
	if err := json.Unmarshal(data, &bundle); err != nil {
		t.Fatal(err)
	}
	byID := map[string]stixObj{}
	for _, o := range bundle.Objects {
		byID[o.ID] = o
	}
	// On disk: the bundle text (3.5 MB) is one value, larger than an
	// in-memory store takes.
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	rep, err := importer.Import(s, data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{ontology.ThreatActor: 14, ontology.Campaign: 8, ontology.Malware: 30, ontology.AttackPattern: 95, ontology.Attribution: 5}
	for typ, n := range want {
		if rep.Kept[typ] != n {
			t.Errorf("kept %d %s, want %d (report: %s)", rep.Kept[typ], typ, n, rep.Summary())
		}
	}
	text := []rune(string(data))
	err = s.View(func(tx *store.Txn) error {
		node := func(typ, stixID string) *store.Node {
			n, err := tx.Node(store.NodeID(typ, stixID))
			if err != nil {
				t.Fatalf("%s %s (%s) was not imported: %v", typ, stixID, byID[stixID].Name, err)
			}
			return n
		}
		// Each kept object is as it is in the bundle.
		deprecated := map[string][]string{}
		for _, o := range bundle.Objects {
			typ, ok := stixToAttrib[o.Type]
			if !ok || o.Revoked {
				continue
			}
			n := node(typ, o.ID)
			if n.Props.String("name_en") != o.Name || n.Props.String("stix_id") != o.ID || n.Props.String("description") != o.Description {
				t.Errorf("%s %s: name %q, stix_id %q, description differs: %v", typ, o.Name, n.Props.String("name_en"), n.Props.String("stix_id"), n.Props.String("description") != o.Description)
			}
			if d, _ := n.Props["deprecated"].(bool); d != o.Deprecated {
				t.Errorf("%s %s: deprecated %v, want %v", typ, o.Name, d, o.Deprecated)
			} else if d {
				deprecated[typ] = append(deprecated[typ], o.Name)
			}
			var aliases []string
			for _, a := range aliasTexts(n) {
				if !slices.Contains(o.Aliases, a) {
					continue // a revoked duplicate's name
				}
				aliases = append(aliases, a)
			}
			for _, a := range o.Aliases {
				if a != o.Name && !slices.Contains(aliases, a) {
					t.Errorf("%s %s: alias %q is missing", typ, o.Name, a)
				}
			}
			if typ == ontology.AttackPattern {
				ids, _ := n.Props["external_ids"].([]any)
				if len(ids) == 0 || ids[0].(map[string]any)["external_id"] != o.ExternalReferences[0].ExternalID {
					t.Errorf("attack pattern %s: external ids %v, want %s first", o.Name, ids, o.ExternalReferences[0].ExternalID)
				}
			}
		}
		if got := deprecated[ontology.Campaign]; len(got) != 1 || got[0] != "Oldsmar Treatment Plant Intrusion" {
			t.Errorf("deprecated campaigns %v, want the Oldsmar one alone", got)
		}
		// A revoked intrusion set is an alias of its replacement, cited by
		// the revoked object and the revoked-by relationship; it is not an
		// actor of its own.
		for _, o := range bundle.Objects {
			if o.Relationship != "revoked-by" {
				continue
			}
			old, repl := byID[o.Source], node(ontology.ThreatActor, o.Target)
			if !slices.Contains(aliasTexts(repl), old.Name) {
				t.Errorf("%s lacks the alias %s of its revoked duplicate", repl.Props.String("name_en"), old.Name)
			}
			cited := map[string]bool{}
			for _, c := range repl.Citations {
				for _, id := range []string{old.ID, o.ID} {
					if strings.Contains(c.Exact, `"id": "`+id+`"`) {
						cited[id] = true
					}
				}
			}
			if !cited[old.ID] || !cited[o.ID] {
				t.Errorf("%s does not cite the revoked object and the revoked-by relationship", repl.Props.String("name_en"))
			}
			if _, err := tx.Node(store.NodeID(ontology.ThreatActor, old.ID)); err == nil {
				t.Errorf("revoked %s was kept as an actor of its own", old.Name)
			}
		}
		// The five attributed-to claims, each by The MITRE Corporation,
		// dated by created, with the description as basis.
		var claims int
		for _, o := range bundle.Objects {
			if o.Relationship != "attributed-to" {
				continue
			}
			claims++
			a := node(ontology.Attribution, o.ID)
			if a.Props.String("date") != o.Created[:10] || a.Props.String("basis_en") != o.Description {
				t.Errorf("claim %s: date %s basis %q", o.ID, a.Props.String("date"), a.Props.String("basis_en"))
			}
			by := ends(t, tx, a.ID, ontology.AttributedBy)
			if len(by) != 1 {
				t.Fatalf("claim %s has %d claimants", o.ID, len(by))
			}
			mitre, err := tx.Node(by[0])
			if err != nil || mitre.Type != ontology.Organization || mitre.Props.String("name_en") != "The MITRE Corporation" || o.CreatedBy != "identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5" {
				t.Errorf("claim %s is not The MITRE Corporation's: %v %v", o.ID, mitre, err)
			}
			if c := ends(t, tx, a.ID, ontology.Concerns); len(c) != 1 || c[0] != store.NodeID(ontology.Campaign, o.Source) {
				t.Errorf("claim %s concerns %v, want campaign %s", o.ID, c, byID[o.Source].Name)
			}
			if b := ends(t, tx, a.ID, ontology.Blames); len(b) != 1 || b[0] != store.NodeID(ontology.ThreatActor, o.Target) {
				t.Errorf("claim %s blames %v, want %s", o.ID, b, byID[o.Target].Name)
			}
		}
		if claims != 5 {
			t.Errorf("bundle has %d attributed-to relationships; the test expects 5", claims)
		}
		// USES and TARGETS between kept objects, each as a link.
		wantLinks := map[string]bool{}
		for _, o := range bundle.Objects {
			ft, okF := stixToAttrib[byID[o.Source].Type]
			tt, okT := stixToAttrib[byID[o.Target].Type]
			if o.Type != "relationship" || !okF || !okT || byID[o.Source].Revoked || byID[o.Target].Revoked {
				continue
			}
			switch o.Relationship {
			case "uses":
				wantLinks[store.EdgeID(ontology.Uses, store.NodeID(ft, o.Source), store.NodeID(tt, o.Target))] = true
			case "targets":
				wantLinks[store.EdgeID(ontology.Targets, store.NodeID(ft, o.Source), store.NodeID(tt, o.Target))] = true
			}
		}
		if len(wantLinks) < 260 {
			t.Fatalf("only %d uses/targets relationships between kept objects in the bundle", len(wantLinks))
		}
		gotLinks := map[string]bool{}
		checked := 0
		for _, typ := range ontology.NodeTypes {
			ids, err := tx.NodeIDsByType(typ)
			if err != nil {
				return err
			}
			for _, id := range ids {
				n, err := tx.Node(id)
				if err != nil {
					return err
				}
				checked += verifyAll(t, text, rep.Document, n.Type+" "+n.Props.String("name_en"), n.Citations)
				refs, err := tx.Edges(id, store.Out, "")
				if err != nil {
					return err
				}
				for _, r := range refs {
					e, err := tx.Edge(r.ID)
					if err != nil {
						return err
					}
					checked += verifyAll(t, text, rep.Document, "edge "+e.Type, e.Citations)
					if e.Type == ontology.Uses || e.Type == ontology.Targets {
						gotLinks[e.ID] = true
					}
				}
			}
		}
		for id := range wantLinks {
			if !gotLinks[id] {
				t.Errorf("link %s is missing", id)
			}
		}
		if len(gotLinks) != len(wantLinks) {
			t.Errorf("%d USES/TARGETS links, want %d", len(gotLinks), len(wantLinks))
		}
		if checked < 400 {
			t.Errorf("only %d citations into the bundle verified", checked)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// One line per STIX type, with the reason for what was skipped.
	lines := strings.Join(rep.STIX.Lines(), "\n")
	for _, l := range []string{
		"intrusion-set: 16: kept 14 as ThreatActor; kept 2 as an alias of its replacement",
		"course-of-action: 52: skipped 52: no attrib type for courses of action",
		"x-mitre-tactic: 12: skipped 12: no attrib type for custom x- objects",
		"relationship uses: 267: kept 267 as USES link",
		"relationship attributed-to: 5: kept 5 as Attribution",
		"relationship mitigates: 331: skipped 331: it joins a course-of-action, which is not imported",
		"relationship targets: 685: skipped 685: it joins a x-mitre-asset, which is not imported",
	} {
		if !strings.Contains(lines, l) {
			t.Errorf("report lacks %q:\n%s", l, lines)
		}
	}
	again, err := importer.Import(s, data)
	if err != nil || again.Written != 0 {
		t.Fatalf("second import wrote %d records (err %v); want none", again.Written, err)
	}
}

func aliasTexts(n *store.Node) []string {
	var out []string
	list, _ := n.Props["aliases"].([]any)
	for _, a := range list {
		out = append(out, a.(map[string]any)["text"].(string))
	}
	return out
}

func ends(t *testing.T, tx *store.Txn, id, edgeType string) []string {
	t.Helper()
	refs, err := tx.Edges(id, store.Out, edgeType)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range refs {
		out = append(out, r.Other)
	}
	return out
}

// verifyAll checks the citations into doc against its text in code points
// and returns how many it checked.
func verifyAll(t *testing.T, text []rune, doc, fact string, cs []store.Citation) int {
	t.Helper()
	n := 0
	for _, c := range cs {
		if c.Document != doc {
			continue
		}
		n++
		if c.End > len(text) || string(text[c.Start:c.End]) != c.Exact {
			t.Errorf("%s: text[%d:%d] is not its quote", fact, c.Start, c.End)
			continue
		}
		if err := cite.VerifyRunes(text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
			t.Errorf("%s: %v", fact, err)
		}
	}
	return n
}
