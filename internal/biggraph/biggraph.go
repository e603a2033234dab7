// Package biggraph builds a large synthetic graph: one State and N
// Organizations located in it, each cited into one generated register, for
// measuring exports (internal/bigseed) and testing transaction limits.
package biggraph

import (
	"fmt"
	"strings"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/store"
)

const batch = 2000 // records per transaction, well inside Badger's limit

// Root is the ID of the State every organisation is located in.
var Root = store.NodeID("State", "ZZ")

// Fill writes n organisations into s.
func Fill(s *store.Store, n int) error {
	root := Root

	// The document: a header line, then one line per organisation.
	var text strings.Builder
	text.WriteString("Synthetic register of organisations\n")
	lines := make([]int, n) // code-point offset of each line
	at := len([]rune(text.String()))
	for i := range n {
		lines[i] = at
		line := fmt.Sprintf("Organisation %07d is registered in Zedland.\n", i)
		text.WriteString(line)
		at += len([]rune(line))
	}
	doc := store.NodeID("Document", "synthetic-register")
	txt := text.String()
	runes := []rune(txt)
	citation := func(start int, exact string) store.Citation {
		end := start + len([]rune(exact))
		c := store.Citation{Document: doc, Exact: exact, Start: start, End: end,
			Prefix: string(runes[max(0, start-cite.ContextLen):start]),
			Suffix: string(runes[end:min(len(runes), end+cite.ContextLen)])}
		return c
	}
	err := s.Update(func(tx *store.Txn) error {
		header := "Synthetic register of organisations"
		if _, err := tx.PutNode(&store.Node{ID: doc, Type: "Document", Props: store.Props{
			"title": header, "published": "2022-09-07", "language": "en", "publisher": nil, "sources": []any{},
			"media_type": "text/plain", "kind": "REFERENCE", "text": txt,
		}, Citations: []store.Citation{citation(0, header)}, Meta: store.Meta{CreatedBy: "bigseed"}}); err != nil {
			return err
		}
		_, err := tx.PutNode(&store.Node{ID: root, Type: "State", Props: store.Props{"code": "ZZ", "name_en": "Zedland"},
			Citations: []store.Citation{citation(lines[0]+len("Organisation 0000000 is registered in "), "Zedland")}, Meta: store.Meta{CreatedBy: "bigseed"}})
		return err
	})
	if err != nil {
		return err
	}
	for from := 0; from < n; from += batch {
		err := s.Update(func(tx *store.Txn) error {
			for i := from; i < min(n, from+batch); i++ {
				name := fmt.Sprintf("Organisation %07d", i)
				id := store.NodeID("Organization", fmt.Sprintf("org-%07d", i))
				if _, err := tx.PutNode(&store.Node{ID: id, Type: "Organization", Props: store.Props{"name_en": name, "kind": "GROUP"},
					Citations: []store.Citation{citation(lines[i], name)}, Meta: store.Meta{CreatedBy: "bigseed"}}); err != nil {
					return err
				}
				sentence := name + " is registered in Zedland."
				if _, err := tx.PutEdge(&store.Edge{ID: store.EdgeID("LOCATED_IN", id, root), Type: "LOCATED_IN", From: id, To: root,
					Props: store.Props{}, Citations: []store.Citation{citation(lines[i], sentence)}, Meta: store.Meta{CreatedBy: "bigseed"}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("biggraph: %w", err)
		}
	}
	return nil
}
