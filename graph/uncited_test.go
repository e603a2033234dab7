package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/internal/seedtest"
)

// A list whose selection shows no citations reads its records without
// them. Every way a query can still ask for them (the field itself, an
// alias, a named or inline fragment, fragments within fragments, a
// directive) must show each record's citations exactly as node(id) does.
func TestListsShowCitationsHoweverTheyAreAsked(t *testing.T) {
	h := graph.NewHandler(seedtest.Store(t), graph.DefaultLimits, nil)
	const cite = `citations { document { id } start end exact }`
	lists := map[string]string{
		"attributions": "Attribution", "incidents": "Incident", "responses": "Response",
		"statements": "Statement", "states": "State", "documents": "Document",
	}
	for field, typ := range lists {
		asks := map[string]string{
			"field":           fmt.Sprintf(`{ %s(first: 100) { edges { node { id %s } } } }`, field, cite),
			"alias":           fmt.Sprintf(`{ %s(first: 100) { edges { node { id citations: id quotes: %s } } } }`, field, cite),
			"named fragment":  fmt.Sprintf(`{ %s(first: 100) { edges { node { id ...F } } } } fragment F on %s { %s }`, field, typ, cite),
			"inline fragment": fmt.Sprintf(`{ %s(first: 100) { edges { node { id ... on Sourced { %s } } } } }`, field, cite),
			"nested fragments": fmt.Sprintf(`{ %s(first: 100) { ...E } } fragment E on %sConnection { edges { ...N } }
				fragment N on %sEdge { node { id ... on Node { ...S } } } fragment S on Sourced { %s }`, field, typ, typ, cite),
			"directive": fmt.Sprintf(`query($yes: Boolean = true) { %s(first: 100) { edges { node { id %s } } } }`,
				field, strings.Replace(cite, "citations", "citations @include(if: $yes)", 1)),
		}
		for how, q := range asks {
			var got map[string]struct {
				Edges []struct{ Node map[string]json.RawMessage }
			}
			mustRun(t, h, q, nil, &got)
			edges := got[field].Edges
			if len(edges) == 0 {
				t.Fatalf("%s: the seed lists nothing", field)
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
				var want struct{ Node map[string]json.RawMessage }
				mustRun(t, h, fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on Sourced { %s } } }`, cite), map[string]any{"id": id}, &want)
				if string(shown) != string(want.Node["citations"]) {
					t.Errorf("%s asked by %s: %s shows citations %s; node(id) shows %s", field, how, id, shown, want.Node["citations"])
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
