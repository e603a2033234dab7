package importer

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// STIXReport says what became of every object of a STIX bundle.
type STIXReport struct {
	// Types counts, per STIX type (per relationship type for
	// relationships), what was kept as what, and what was skipped why.
	Types map[string]*TypeTally
	// Objects lists every object in bundle order (relationships after the
	// objects they join), with what it became or why it was skipped.
	Objects []Outcome
}

// TypeTally is one STIX type's share of an import.
type TypeTally struct {
	Kept    map[string]int // by what it became (a node type, "edge", ...)
	Skipped map[string]int // by reason
}

// Outcome is what became of one object: As (and ID) when kept, Reason
// when skipped.
type Outcome struct {
	STIXID, Type, As, ID, Reason string
}

func typeKey(o *stixObject) string {
	if o.head.Type == "relationship" {
		return "relationship " + o.head.Relationship
	}
	return o.head.Type
}

func (r *STIXReport) tally(o *stixObject) *TypeTally {
	k := typeKey(o)
	t := r.Types[k]
	if t == nil {
		t = &TypeTally{Kept: map[string]int{}, Skipped: map[string]int{}}
		r.Types[k] = t
	}
	return t
}

func (r *STIXReport) kept(o *stixObject, as, id string) {
	r.tally(o).Kept[as]++
	r.Objects = append(r.Objects, Outcome{STIXID: o.head.ID, Type: typeKey(o), As: as, ID: id})
}

func (r *STIXReport) skipped(o *stixObject, reason string) {
	r.tally(o).Skipped[reason]++
	r.Objects = append(r.Objects, Outcome{STIXID: o.head.ID, Type: typeKey(o), Reason: reason})
}

// Lines is one line per STIX type: how many, kept as what, skipped why.
func (r *STIXReport) Lines() []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(r.Types)) {
		t := r.Types[k]
		n := 0
		var parts []string
		for _, as := range slices.Sorted(maps.Keys(t.Kept)) {
			n += t.Kept[as]
			parts = append(parts, fmt.Sprintf("kept %d as %s", t.Kept[as], as))
		}
		for _, why := range slices.Sorted(maps.Keys(t.Skipped)) {
			n += t.Skipped[why]
			parts = append(parts, fmt.Sprintf("skipped %d: %s", t.Skipped[why], why))
		}
		out = append(out, fmt.Sprintf("%s: %d: %s", k, n, strings.Join(parts, "; ")))
	}
	return out
}

// WriteSTIX prints the summary and one line per STIX type; verbose adds a
// line per object.
func (r *Report) WriteSTIX(w io.Writer, verbose bool) error {
	var b strings.Builder
	b.WriteString(r.Summary() + "\n")
	for _, l := range r.STIX.Lines() {
		b.WriteString(l + "\n")
	}
	if verbose {
		for _, o := range r.STIX.Objects {
			if o.Reason != "" {
				fmt.Fprintf(&b, "skipped %s %s: %s\n", o.Type, o.STIXID, o.Reason)
			} else {
				fmt.Fprintf(&b, "kept %s %s as %s\n", o.Type, o.STIXID, o.As)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
