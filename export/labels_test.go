package export_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
)

// A JGF or Cytoscape file opened in another tool shows readable labels:
// each claim by who blamed whom and how surely, never an ID or a sentence.
func TestViewerLabelsAreReadable(t *testing.T) {
	s := seedtest.Store(t)
	r := subgraph.Request{Roots: []string{incident}, Depth: 2}

	var jgf struct {
		Graph struct {
			Nodes map[string]struct {
				Label    string `json:"label"`
				Metadata struct {
					Type string `json:"type"`
				} `json:"metadata"`
			} `json:"nodes"`
			Edges []struct {
				ID, Label, Relation string
			} `json:"edges"`
		} `json:"graph"`
	}
	if err := json.Unmarshal(write(t, s, r, export.JGF), &jgf); err != nil {
		t.Fatal(err)
	}
	var cy struct {
		Elements struct {
			Nodes []struct{ Data struct{ ID, Label string } } `json:"nodes"`
			Edges []struct{ Data struct{ ID, Label string } } `json:"edges"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(write(t, s, r, export.Cytoscape), &cy); err != nil {
		t.Fatal(err)
	}

	var claims []string
	for id, n := range jgf.Graph.Nodes {
		checkLabel(t, id, n.Label)
		if n.Metadata.Type == "Attribution" {
			claims = append(claims, n.Label)
		}
	}
	slices.Sort(claims)
	want := []string{
		"Albania → Iran · almost certain",
		"United Kingdom → Iran · almost certain",
		"United States → Iran · certainty unstated",
	}
	if !slices.Equal(claims, want) {
		t.Errorf("claim labels = %q, want %q", claims, want)
	}
	for _, e := range jgf.Graph.Edges {
		checkLabel(t, e.ID, e.Label)
		if e.Relation == "ATTRIBUTED_BY" && e.Label != "attributed by" {
			t.Errorf("ATTRIBUTED_BY link labelled %q", e.Label)
		}
	}
	// Cytoscape carries the very same labels.
	if len(cy.Elements.Nodes) != len(jgf.Graph.Nodes) {
		t.Fatalf("cytoscape has %d nodes, jgf %d", len(cy.Elements.Nodes), len(jgf.Graph.Nodes))
	}
	for _, n := range cy.Elements.Nodes {
		if got, want := n.Data.Label, jgf.Graph.Nodes[n.Data.ID].Label; got != want {
			t.Errorf("node %s: cytoscape label %q, jgf %q", n.Data.ID, got, want)
		}
	}
	for _, e := range cy.Elements.Edges {
		checkLabel(t, e.Data.ID, e.Data.Label)
	}
}

// checkLabel fails for an empty label, one that holds an ID, or one as long
// as a sentence.
func checkLabel(t *testing.T, id, label string) {
	t.Helper()
	if label == "" || strings.Contains(label, id) || strings.Contains(label, "QXR0") || strings.Contains(label, "U3Rh") {
		t.Errorf("%s: label %q is empty or holds an ID", id, label)
	}
	if n := utf8.RuneCountInString(label); n > 64 {
		t.Errorf("%s: label %q is %d code points, longer than a name", id, label, n)
	}
}

// A claim whose parties the file leaves out says so rather than naming them.
func TestClaimLabelWithoutItsParties(t *testing.T) {
	s := seedtest.Store(t)
	gb := store.NodeID("Attribution", "gb-blames-ir")
	var jgf struct {
		Graph struct {
			Nodes map[string]struct{ Label string } `json:"nodes"`
		} `json:"graph"`
	}
	if err := json.Unmarshal(write(t, s, subgraph.Request{Roots: []string{gb}, Depth: 0}, export.JGF), &jgf); err != nil {
		t.Fatal(err)
	}
	if got := jgf.Graph.Nodes[gb].Label; got != "? → ? · almost certain" {
		t.Errorf("label of a claim alone = %q", got)
	}
}
