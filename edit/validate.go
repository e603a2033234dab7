package edit

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Size limits of input strings, in code points (MaxText in bytes).
const (
	MaxKey    = 200
	MaxString = 2000
	MaxText   = 500_000
	MaxList   = 100
)

// checkLen refuses a string longer than max code points.
func checkLen(field, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return fieldErr(field, "is %d characters long; the limit is %d", n, max)
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, "is not valid UTF-8")
	}
	return nil
}

// required refuses an empty string, then checks its length.
func required(field, s string, max int) error {
	if s == "" {
		return fieldErr(field, "is required")
	}
	return checkLen(field, s, max)
}

// checkDate refuses a date that is not a real YYYY-MM-DD calendar date.
func checkDate(field, s string) error {
	if s == "" {
		return fieldErr(field, "is required (YYYY-MM-DD)")
	}
	if err := ontology.ValidDate(s); err != nil {
		return fieldErr(field, "%s", err.Error())
	}
	return nil
}

// checkEnum refuses a value that is not one of allowed ("" passes when
// optional). Case does not matter: a value is stored as allowed spells it,
// so "paraphrase" is stored PARAPHRASE.
func checkEnum(field string, v *string, allowed []string, optional bool) error {
	if *v == "" && optional {
		return nil
	}
	if canon(v, allowed) {
		return nil
	}
	return fieldErr(field, "%q is not one of %s", *v, strings.Join(allowed, ", "))
}

// canon spells *v as the one of allowed it equals but for case and
// surrounding spaces, and reports whether there is one.
func canon(v *string, allowed []string) bool {
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSpace(*v), a) {
			*v = a
			return true
		}
	}
	return false
}

// checkList bounds a list and each of its strings.
func checkList(field string, vs []string, max int) error {
	if len(vs) > MaxList {
		return fieldErr(field, "has %d entries; the limit is %d", len(vs), MaxList)
	}
	for i, v := range vs {
		if err := required(fmt.Sprintf("%s[%d]", field, i), v, max); err != nil {
			return err
		}
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Quote names a citation the way an analyst writes it: the document and the
// exact words, with optional words just before or after to pick one
// occurrence.
type Quote struct {
	Document string `json:"document"`
	Exact    string `json:"exact"`
	Prefix   string `json:"prefix,omitempty"`
	Suffix   string `json:"suffix,omitempty"`
	// Role is PRIMARY when the document is the claimant's own statement or
	// publication, SECONDARY when it reports it; empty leaves it unstated.
	Role string `json:"role,omitempty"`
}

func checkQuotes(field string, qs []Quote, needed bool) error {
	if needed && len(qs) == 0 {
		return fieldErr(field, "needs at least one citation {document, exact}; every fact needs one")
	}
	if len(qs) > MaxList {
		return fieldErr(field, "has %d entries; the limit is %d", len(qs), MaxList)
	}
	for i, q := range qs {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := firstErr(required(f+".document", q.Document, MaxKey*2),
			required(f+".exact", q.Exact, MaxString),
			checkLen(f+".prefix", q.Prefix, MaxString),
			checkLen(f+".suffix", q.Suffix, MaxString),
			checkEnum(f+".role", &qs[i].Role, ontology.CitationRoles, true)); err != nil {
			return err
		}
	}
	return nil
}

// resolve turns quotes into citations against the stored documents, and
// checks that a fact is marked at least as strictly as what it cites.
// A document above the writer's clearance is answered as an absent one:
// a write must not tell its writer what a read would not.
func resolve(tx *store.Txn, field string, qs []Quote, marking, clearance string) ([]store.Citation, error) {
	out := make([]store.Citation, 0, len(qs))
	for i, q := range qs {
		f := fmt.Sprintf("%s[%d]", field, i)
		doc, err := tx.Quotable(q.Document)
		if err == nil && !ontology.Covers(clearance, doc.Marking) {
			err = store.ErrNotFound
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil, fieldErr(f+".document", "no document %s; add it first with addDocument", q.Document)
		}
		if err != nil {
			return nil, err
		}
		if doc.Type != ontology.Document {
			return nil, fieldErr(f+".document", "names %s, not a Document; cite a document (add one with addDocument)", article(doc.Type))
		}
		if ontology.MarkingLevel(doc.Marking) > ontology.MarkingLevel(marking) {
			return nil, fieldErr("marking", "%s cites document %s, which is marked %s: mark the fact at least %s", markingName(marking), q.Document, doc.Marking, doc.Marking)
		}
		span, err := cite.Resolve(doc.Text, cite.Quote{Exact: q.Exact, Prefix: q.Prefix, Suffix: q.Suffix})
		if err != nil {
			return nil, fieldErr(f+".exact", "%s", err.Error())
		}
		out = append(out, store.Citation{Document: q.Document, Exact: span.Exact, Prefix: span.Prefix, Suffix: span.Suffix, Start: span.Start, End: span.End, Role: q.Role})
	}
	return out, nil
}

func markingName(m string) string {
	if m == "" {
		return "a fact marked CLEAR"
	}
	return "a fact marked " + m
}

// ref loads the node id named by an input field and checks its type. A
// node above the writer's clearance is answered as an absent one.
func ref(tx *store.Txn, field, id, clearance string, types ...string) (*store.Node, error) {
	if _, _, err := store.DecodeNodeID(id); err != nil {
		return nil, fieldErr(field, "%s", err.Error())
	}
	n, err := tx.Node(id)
	if err == nil && !ontology.Covers(clearance, n.Marking) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, fieldErr(field, "no node %s", id)
	}
	if err != nil {
		return nil, err
	}
	if len(types) > 0 && !slices.Contains(types, n.Type) {
		return nil, fieldErr(field, "%s is not %s", describe(n), orList(types))
	}
	return n, nil
}

// withoutID is the message of err with the ID of the record it names left
// out: record IDs are the store's, not words a person typed.
func withoutID(err error, id string) string {
	return strings.ReplaceAll(strings.ReplaceAll(err.Error(), " "+id, ""), id, "the record")
}
