// Command bigseed fills a data directory with a synthetic graph of one
// State and N Organizations located in it, each cited into one generated
// document, to measure what exporting a large subgraph costs:
//
//	go run ./internal/bigseed -data /tmp/attrib-big -nodes 100000
//	go build -o /tmp/attrib ./cmd/attrib
//	/usr/bin/time -v /tmp/attrib export --data /tmp/attrib-big \
//	    --root "$(go run ./internal/bigseed -print-root)" --depth 1 -o /tmp/big.json
//
// docs/export.md records the figures.
package main

import (
	"flag"
	"fmt"
	"log"
	"strings"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/store"
)

const batch = 2000 // records per transaction, well inside Badger's limit

func main() {
	dir := flag.String("data", "", "data directory to fill (created if missing)")
	n := flag.Int("nodes", 100000, "organisations to create")
	printRoot := flag.Bool("print-root", false, "print the ID of the State every organisation is linked to, and exit")
	flag.Parse()
	root := store.NodeID("State", "ZZ")
	if *printRoot {
		fmt.Println(root)
		return
	}
	if *dir == "" {
		log.Fatal("bigseed: give -data DIR")
	}
	if err := fill(*dir, *n, root); err != nil {
		log.Fatal(err)
	}
}

func fill(dir string, n int, root string) error {
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()

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
	err = s.Update(func(tx *store.Txn) error {
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
			return fmt.Errorf("bigseed: %w", err)
		}
	}
	fmt.Printf("bigseed: %d organisations located in %s, cited into %s\n", n, root, doc)
	return nil
}
