// Package check verifies the invariants of a store: every record is filed
// under its own ID, every edge joins two stored nodes and is in both
// adjacency indexes, every index entry points at a record that still
// matches it, and every citation verifies against its document's text.
package check

import (
	"fmt"
	"strings"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/store"
)

// maxListed is how many problems a report spells out; the rest are counted.
const maxListed = 100

// Report is what a check found.
type Report struct {
	Nodes, Edges, Indexes, Citations int
	// Problems lists up to maxListed broken invariants; Broken counts all.
	Problems []string
	Broken   int
	// Unchecked counts keys, by table prefix, of tables check does not
	// know yet: teach it their invariants when adding a table.
	Unchecked map[string]int
}

// OK reports whether no invariant is broken.
func (r *Report) OK() bool { return r.Broken == 0 }

func (r *Report) problem(format string, a ...any) {
	r.Broken++
	if len(r.Problems) < maxListed {
		r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
	}
}

// Run checks s in one read transaction (a consistent snapshot). The error
// is for a store that cannot be read at all; broken invariants are in the
// report.
func Run(s *store.Store) (*Report, error) {
	r := &Report{}
	err := s.View(func(tx *store.Txn) error {
		nodes := map[string]*store.Node{}
		want := map[store.IndexEntry]bool{}
		err := tx.ScanNodes(func(id string, n *store.Node) error {
			r.Nodes++
			if n.ID != id {
				r.problem("node filed under %s says its ID is %s", id, n.ID)
			}
			nodes[id] = n
			for _, e := range n.IndexEntries() {
				want[e] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		var edges []*store.Edge
		err = tx.ScanEdges(func(id string, e *store.Edge) error {
			r.Edges++
			if e.ID != id {
				r.problem("edge filed under %s says its ID is %s", id, e.ID)
			}
			for _, end := range []string{e.From, e.To} {
				if nodes[end] == nil {
					r.problem("edge %s (%s) joins missing node %s", e.ID, e.Type, end)
				}
			}
			for _, ie := range e.IndexEntries() {
				want[ie] = true
			}
			if from := nodes[e.From]; from != nil {
				if ie, ok := store.DatedIndexEntry(e, from); ok {
					want[ie] = true
				}
			}
			edges = append(edges, e)
			return nil
		})
		if err != nil {
			return err
		}
		have := map[store.IndexEntry]bool{}
		err = tx.ScanIndexes(func(e store.IndexEntry) error {
			if prefix, ok := strings.CutPrefix(e.Table, "?"); ok {
				if r.Unchecked == nil {
					r.Unchecked = map[string]int{}
				}
				r.Unchecked[prefix]++
				return nil
			}
			r.Indexes++
			have[e] = true
			if !want[e] {
				r.problem("index entry %s points at no matching record: %+v", e.Table, e)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for e := range want {
			if !have[e] {
				r.problem("index %s lacks the entry for %s: %+v", e.Table, recordOf(e), e)
			}
		}
		// The list counts must add up to the entries they count, or
		// a list's totalCount is wrong.
		bad, err := tx.CountMismatches()
		if err != nil {
			return err
		}
		for _, b := range bad {
			r.problem("%s", b)
		}
		texts := map[string]*string{}
		verify := func(what, id string, cs []store.Citation) {
			for i, c := range cs {
				r.Citations++
				text, ok := texts[c.Document]
				if !ok {
					if d := nodes[c.Document]; d != nil && d.Type == "Document" {
						t := d.Props.String("text")
						text = &t
					}
					texts[c.Document] = text
				}
				if text == nil {
					r.problem("%s %s citation %d cites missing document %s", what, id, i, c.Document)
					continue
				}
				if err := cite.Verify(*text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
					r.problem("%s %s citation %d does not verify against document %s: %v", what, id, i, c.Document, err)
				}
			}
		}
		for id, n := range nodes {
			verify("node", id, n.Citations)
		}
		for _, e := range edges {
			verify("edge", e.ID, e.Citations)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	return r, nil
}

func recordOf(e store.IndexEntry) string {
	if e.Edge != "" {
		return "edge " + e.Edge
	}
	return "node " + e.Node
}
