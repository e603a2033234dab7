package query

import (
	"context"
	"errors"
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Attributions narrows the list of attributions (claims). IDs are nil when
// not given.
type Attributions struct {
	Attributor, Blamed, Incident *string
	// MinConfidence keeps the claims at least that confident; a claim with
	// no stated certainty has no confidence to compare and is left out.
	MinConfidence *int
	Dated
}

// Attributions answers page p of the attributions f keeps, by date (or by
// confidence when asked).
func (q *Q) Attributions(ctx context.Context, f Attributions, p Page) (Window[*store.Node], error) {
	var keep func(*store.Node) bool
	if f.MinConfidence != nil {
		keep = func(n *store.Node) bool {
			c, ok := confidence(n)
			return ok && c >= *f.MinConfidence
		}
	}
	l := q.dated(ontology.Attribution, f.Dated, keep, f.MinConfidence == nil)
	l.join("attributor", f.Attributor, store.In, ontology.AttributedBy)
	l.join("blamed", f.Blamed, store.In, ontology.Blames)
	l.join("incident", f.Incident, store.In, ontology.Concerns)
	l.also, l.by = []Order{ConfidenceAsc, ConfidenceDesc}, byConfidence
	return q.run(ctx, l, p)
}

// confidence is an attribution's confidence, from its estimative band;
// ok is false when it states none.
func confidence(n *store.Node) (int, bool) {
	return ontology.Band(n.Props.String("band")).Confidence()
}

// byConfidence orders claims by confidence; an unstated confidence goes
// last either way: it is not low, it is unknown.
func byConfidence(o Order) func(a, b *store.Node) int {
	conf := func(n *store.Node) int {
		if c, ok := confidence(n); ok {
			return c
		}
		return -1
	}
	return func(a, b *store.Node) int {
		ca, cb := conf(a), conf(b)
		switch {
		case ca == cb:
			return 0
		case ca < 0:
			return 1
		case cb < 0:
			return -1
		case o == ConfidenceAsc:
			return ca - cb
		}
		return cb - ca
	}
}

// Responses narrows the list of responses.
type Responses struct {
	Actor, Target, Incident, Kind *string
	Dated
}

// Responses answers page p of the responses f keeps, by date.
func (q *Q) Responses(ctx context.Context, f Responses, p Page) (Window[*store.Node], error) {
	if err := checkEnum("kind", "a response kind", f.Kind, ontology.ResponseKinds); err != nil {
		return Window[*store.Node]{}, err
	}
	l := q.dated(ontology.Response, f.Dated, kindIs(f.Kind), false)
	l.join("actor", f.Actor, store.In, ontology.RespondedBy)
	l.join("target", f.Target, store.In, ontology.DirectedAt)
	l.join("incident", f.Incident, store.In, ontology.Answers)
	return q.run(ctx, l, p)
}

// Statements narrows the list of statements.
type Statements struct {
	Speaker, Actor, Target, Incident, Kind *string
	Dated
}

// Statements answers page p of the statements f keeps, by date.
func (q *Q) Statements(ctx context.Context, f Statements, p Page) (Window[*store.Node], error) {
	if err := checkEnum("kind", "a statement kind", f.Kind, ontology.Enums[ontology.Statement]["kind"]); err != nil {
		return Window[*store.Node]{}, err
	}
	l := q.dated(ontology.Statement, f.Dated, kindIs(f.Kind), false)
	l.join("speaker", f.Speaker, store.In, ontology.SaidBy)
	l.join("actor", f.Actor, store.In, ontology.OnBehalfOf)
	l.join("target", f.Target, store.In, ontology.About)
	l.join("incident", f.Incident, store.In, ontology.About)
	return q.run(ctx, l, p)
}

// Incidents narrows the list of incidents.
type Incidents struct {
	Target, Kind *string
	// Actor and MinConfidence keep the incidents some claim dated by AsOf
	// blames on Actor, with at least MinConfidence.
	Actor         *string
	MinConfidence *int
	Dated
}

// Incidents answers page p of the incidents f keeps, by date.
func (q *Q) Incidents(ctx context.Context, f Incidents, p Page) (Window[*store.Node], error) {
	if err := checkEnum("kind", "an incident kind", f.Kind, ontology.Enums[ontology.Incident]["kind"]); err != nil {
		return Window[*store.Node]{}, err
	}
	claimed := f.Actor != nil || f.MinConfidence != nil
	l := q.dated(ontology.Incident, f.Dated, kindIs(f.Kind), f.Kind == nil && !claimed)
	l.join("target", f.Target, store.In, ontology.Targeted)
	if claimed {
		l.narrow = q.claimedAgainst(f.Actor, f.MinConfidence, f.AsOf)
	}
	return q.run(ctx, l, p)
}

// kindIs keeps the records of kind kind (all when nil).
func kindIs(kind *string) func(n *store.Node) bool {
	if kind == nil {
		return nil
	}
	return func(n *store.Node) bool { return n.Props.String("kind") == *kind }
}

// Documents narrows the list of documents; Sort nil orders them by ID.
type Documents struct {
	Language, Kind *string
	// From and To bound the publication date; an undated document cannot
	// be placed in a range and is left out of one.
	From, To string
	Sort     *Order
}

// Documents answers page p of the documents f keeps.
func (q *Q) Documents(ctx context.Context, f Documents, p Page) (Window[*store.Node], error) {
	if err := checkEnum("kind", "a document kind", f.Kind, ontology.Enums[ontology.Document]["kind"]); err != nil {
		return Window[*store.Node]{}, err
	}
	published := func(n *store.Node) string { return n.Props.String("published") }
	l := list{typ: ontology.Document, sort: f.Sort, key: func(n *store.Node) string { return n.ID }}
	if f.Sort != nil {
		l.key = published
	}
	l.keep = func(_ context.Context, n *store.Node) (bool, error) {
		if f.Language != nil && n.Props.String("language") != *f.Language || f.Kind != nil && n.Props.String("kind") != *f.Kind {
			return false, nil
		}
		d := published(n)
		return (f.From == "" || d != "" && d >= f.From) && (f.To == "" || d != "" && d <= f.To), nil
	}
	return q.run(ctx, l, p)
}

// States answers page p of the states, of one region when region is not
// nil, by ISO code, or by English name when sort is NameAsc.
func (q *Q) States(ctx context.Context, region *string, sort *Order, p Page) (Window[*store.Node], error) {
	if sort != nil && *sort != NameAsc {
		return Window[*store.Node]{}, invalid("sort", "%s does not apply to states, which have no date; use NAME_ASC, or leave it out to sort by code", *sort)
	}
	l := list{typ: ontology.State, key: func(n *store.Node) string { return n.Props.String("code") }}
	if sort != nil {
		l.key = nameEn
	}
	if region != nil {
		l.keep = func(_ context.Context, n *store.Node) (bool, error) {
			r := n.Props.String("region")
			return r != "" && r == *region, nil
		}
	}
	return q.run(ctx, l, p)
}

// StateByCode returns the ID of the state with ISO 3166-1 alpha-2 code
// code (in any case, spaces around it ignored), "" when there is none the
// reader may see.
func (q *Q) StateByCode(code string) (string, error) {
	var id string
	err := q.view(func(tx *view.Txn) error {
		var err error
		id, err = tx.StateByCode(strings.ToUpper(strings.TrimSpace(code)))
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return id, err
}

// Organizations lists every organization, by English name.
func (q *Q) Organizations(ctx context.Context) ([]*store.Node, error) {
	return q.collect(ctx, list{typ: ontology.Organization, key: nameEn})
}

// Persons lists every person, by English name.
func (q *Q) Persons(ctx context.Context) ([]*store.Node, error) {
	return q.collect(ctx, list{typ: ontology.Person, key: nameEn})
}

// nameEn is a node's English name, or its Arabic one when it has none.
func nameEn(n *store.Node) string {
	if s := n.Props.String("name_en"); s != "" {
		return s
	}
	return n.Props.String("name_ar")
}

// Assessments lists the assessments about about (every assessment when
// nil), newest first.
func (q *Q) Assessments(ctx context.Context, about *string) ([]*store.Node, error) {
	desc := DateDesc
	l := list{typ: ontology.Assessment, key: byDate, sort: &desc}
	l.join("about", about, store.In, ontology.Assesses)
	return q.collect(ctx, l)
}
