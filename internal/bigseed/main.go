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

	"github.com/attrib/attrib/internal/biggraph"
	"github.com/attrib/attrib/store"
)

func main() {
	dir := flag.String("data", "", "data directory to fill (created if missing)")
	n := flag.Int("nodes", 100000, "organisations to create")
	printRoot := flag.Bool("print-root", false, "print the ID of the State every organisation is linked to, and exit")
	flag.Parse()
	if *printRoot {
		fmt.Println(biggraph.Root)
		return
	}
	if *dir == "" {
		log.Fatal("bigseed: give -data DIR")
	}
	s, err := store.Open(*dir, store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if err := biggraph.Fill(s, *n); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("bigseed: %d organisations located in %s\n", *n, biggraph.Root)
}
