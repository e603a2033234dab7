package graph_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
)

// A list whose selection shows no citations reads its records without
// them. Every way a query can still ask for them (the field itself, an
// alias, a named or inline fragment, fragments within fragments, a
// directive) must show each record's citations exactly as node(id) does.
func TestListsShowCitationsHoweverTheyAreAsked(t *testing.T) {
	// On disk: the bundle's document is larger than an in-memory store's
	// largest value.
	st := seedtest.Open(t, t.TempDir(), store.Options{})
	bundle, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(st, bundle); err != nil {
		t.Fatal(err)
	}
	h := graph.NewHandler(st, graph.DefaultLimits, nil)
	const cite = `citations { document { id } start end exact }`
	lists := map[string]string{
		"attributions": "Attribution", "incidents": "Incident", "responses": "Response",
		"statements": "Statement", "states": "State", "documents": "Document",
		"threatActors": "ThreatActor", "campaigns": "Campaign", "malware": "Malware",
		"attackPatterns": "AttackPattern", // the ICS catalogue has no tools
	}
	byNode := map[string]string{} // what node(id) shows, by ID
	for field, typ := range lists {
		asks := map[string]string{
			"field":           fmt.Sprintf(`{ %s(first: 40) { edges { node { id %s } } } }`, field, cite),
			"alias":           fmt.Sprintf(`{ %s(first: 40) { edges { node { id citations: id quotes: %s } } } }`, field, cite),
			"named fragment":  fmt.Sprintf(`{ %s(first: 40) { edges { node { id ...F } } } } fragment F on %s { %s }`, field, typ, cite),
			"inline fragment": fmt.Sprintf(`{ %s(first: 40) { edges { node { id ... on Sourced { %s } } } } }`, field, cite),
			"nested fragments": fmt.Sprintf(`{ %s(first: 40) { ...E } } fragment E on %sConnection { edges { ...N } }
				fragment N on %sEdge { node { id ... on Node { ...S } } } fragment S on Sourced { %s }`, field, typ, typ, cite),
			"directive": fmt.Sprintf(`query($yes: Boolean = true) { %s(first: 40) { edges { node { id %s } } } }`,
				field, strings.Replace(cite, "citations", "citations @include(if: $yes)", 1)),
		}
		for how, q := range asks {
			var got map[string]struct {
				Edges []struct{ Node map[string]json.RawMessage }
			}
			mustRun(t, h, q, nil, &got)
			edges := got[field].Edges
			if len(edges) == 0 {
				t.Fatalf("%s: the seed and the catalogue list nothing", field)
			}
			cited := 0
			for _, e := range edges {
				var id string
				if err := json.Unmarshal(e.Node["id"], &id); err != nil {
					t.Fatal(err)
				}
				shown := e.Node["citations"]
				if how == "alias" {
					shown = e.Node["quotes"]
				}
				want, ok := byNode[id]
				if !ok {
					var one struct{ Node map[string]json.RawMessage }
					mustRun(t, h, fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on Sourced { %s } } }`, cite), map[string]any{"id": id}, &one)
					want = string(one.Node["citations"])
					byNode[id] = want
				}
				if string(shown) != want {
					t.Errorf("%s asked by %s: %s shows citations %s; node(id) shows %s", field, how, id, shown, want)
				}
				if len(shown) > 2 {
					cited++
				}
			}
			if cited == 0 {
				t.Errorf("%s asked by %s: no record shows a citation", field, how)
			}
		}
	}
}
