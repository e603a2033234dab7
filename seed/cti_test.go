package seed

import (
	"strings"
	"testing"

	"github.com/attrib/attrib/ontology"
)

const ctiText = "Vendor note\n\nThe group Sandworm Team used Industroyer in the 2016 Ukraine Electric Power Attack, a campaign of manipulation of control (T0831). Incident: the Kyiv substation outage.\n"

const ctiFacts = `default_document: note
documents:
  - key: note
    file: note.txt
    props: {title: "Vendor note", published: "2024-01-01", language: en, publisher: null, sources: [], media_type: text/plain, kind: REPORT}
    cite: [{exact: "Vendor note"}]
nodes:
  - ref: ThreatActor:sandworm
    props: {name_en: "Sandworm Team", kind: GROUP, aliases: [{text: ELECTRUM, lang: en, kind: NAME, source: Dragos}], first_seen: "2009-01-01"}
    cite: [{exact: "Sandworm Team"}]
  - ref: Malware:industroyer
    props: {name_en: Industroyer, kinds: [backdoor]}
    cite: [{exact: "Industroyer"}]
  - ref: AttackPattern:t0831
    props: {name_en: "Manipulation of Control", external_ids: [{source: mitre-attack, external_id: T0831}]}
    cite: [{exact: "manipulation of control (T0831)"}]
  - ref: Campaign:ukraine-2016
    props: {name_en: "2016 Ukraine Electric Power Attack", first_seen: "2016-12-17"}
    cite: [{exact: "the 2016 Ukraine Electric Power Attack"}]
  - ref: Incident:kyiv-outage
    props: {name_en: "Kyiv substation outage", kind: CYBERATTACK, date: "2016-12-17", date_precision: DAY, date_inferred: true, date_basis: "campaign date", effects: []}
    cite: [{exact: "the Kyiv substation outage"}]
edges:
  - {type: USES, from: ThreatActor:sandworm, to: Malware:industroyer, cite: [{exact: "used Industroyer"}]}
  - {type: USES, from: Campaign:ukraine-2016, to: AttackPattern:t0831, cite: [{exact: "manipulation of control (T0831)"}]}
  - {type: USES, from: Malware:industroyer, to: AttackPattern:t0831, cite: [{exact: "manipulation of control (T0831)"}]}
  - {type: PART_OF, from: Incident:kyiv-outage, to: Campaign:ukraine-2016, cite: [{exact: "the Kyiv substation outage"}]}
`

// A facts file holds threat actors, campaigns, malware and techniques, and
// their links, under the same rules as every other fact.
func TestFactsFileHoldsThreatIntelligence(t *testing.T) {
	read := func(string) ([]byte, error) { return []byte(ctiText), nil }
	b, err := Parse([]byte(ctiFacts), read)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, n := range b.Nodes {
		types[n.Type]++
	}
	for _, typ := range []string{ontology.ThreatActor, ontology.Campaign, ontology.Malware, ontology.AttackPattern, ontology.Incident} {
		if types[typ] != 1 {
			t.Errorf("%s: %d nodes, want 1", typ, types[typ])
		}
	}
	if len(b.Edges) != 4 {
		t.Errorf("%d edges, want 4", len(b.Edges))
	}
	bad := []struct{ name, from, to, says string }{
		{"a technique uses nothing", "ref: AttackPattern:t0831\n    props: {name_en: \"Manipulation of Control\"", "ref: AttackPattern:t0831\n    props: {name_en: \"\"", "name_en is missing"},
		{"unknown actor kind", "kind: GROUP", "kind: GANG", "GANG"},
		{"seen backwards", `first_seen: "2009-01-01"`, `first_seen: "2009-01-01", last_seen: "2008-01-01"`, "before first_seen"},
		{"an incident is part of a state", "to: Campaign:ukraine-2016, cite: [{exact: \"the Kyiv", "to: Malware:industroyer, cite: [{exact: \"the Kyiv", "PART_OF cannot join Incident to Malware"},
	}
	for _, c := range bad {
		if !strings.Contains(ctiFacts, c.from) {
			t.Fatalf("%s: the fixture lacks %q", c.name, c.from)
		}
		_, err := Parse([]byte(strings.Replace(ctiFacts, c.from, c.to, 1)), read)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: want an error saying %q, got %v", c.name, c.says, err)
		}
	}
}
