// Package model holds the Go types the GraphQL schema binds to. They are
// plain values converted from store records; links between nodes are
// resolved lazily through the per-request loaders.
package model

import (
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/attrib/attrib/ontology"
)

// Date is a calendar date, YYYY-MM-DD.
type Date string

// UnmarshalGQL accepts a real calendar date written YYYY-MM-DD.
func (d *Date) UnmarshalGQL(v any) error {
	if err := ontology.ValidDate(v); err != nil {
		return err
	}
	*d = Date(v.(string))
	return nil
}

// MarshalGQL writes the date as a JSON string.
func (d Date) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(d))) }

// Citation is a span of a document supporting a fact.
type Citation struct {
	DocumentID  string
	Exact       string
	Prefix      string
	Suffix      string
	Start       int
	End         int
	Translation *Translation
	Role        *CitationRole
}

// Translation is a non-authoritative rendering of a quote.
type Translation struct {
	Lang          string
	Text          string
	Translator    string
	Authoritative bool
}

// DateInfo is a date with its precision and provenance.
type DateInfo struct {
	Date      Date
	Precision string
	Inferred  bool
	Basis     *string
}

// Alias is another name for an actor.
type Alias struct {
	Text   string
	Lang   string
	Kind   string
	Source *string
}

// Effect is what an incident did or threatened.
type Effect struct {
	Kind   string
	Status string
	en, ar string
}

// Text returns the effect's description in lang.
func (e *Effect) Text(lang Lang) *string { return pick(lang, e.en, e.ar) }

// Link is an edge.
type Link struct {
	Audit
	ID        string
	Type      string
	FromID    string
	ToID      string
	Citations []*Citation
}

// Document is a source text.
type Document struct {
	Audit
	ID        string
	Title     string
	Published *Date
	Language  string
	Publisher *string
	Sources   []string
	MediaType string
	Kind      string
	Text      string
	Citations []*Citation
	// TitleEn and SummaryEn are non-authoritative English renderings.
	TitleEn, SummaryEn *Translation
}

// Length is the text's length in code points, the unit of citation
// offsets. It is counted only when asked for: most answers that show a
// document (a citation's source) do not, and counting a long text costs
// more than the rest of converting the record.
func (d *Document) Length() int { return utf8.RuneCountInString(d.Text) }

// State is a state.
type State struct {
	Audit
	ID        string
	Code      string
	Aliases   []*Alias
	Region    *string
	Citations []*Citation
	names
}

// Organization is a government, agency, embassy, alliance or news agency.
type Organization struct {
	Audit
	ID        string
	Kind      string
	Aliases   []*Alias
	Citations []*Citation
	names
}

// Person is a person with a role.
type Person struct {
	Audit
	ID        string
	Citations []*Citation
	names
	roleEn, roleAr string
}

// Role returns the person's role in lang.
func (p *Person) Role(lang Lang) *string { return pick(lang, p.roleEn, p.roleAr) }

// Incident is a cyber incident.
type Incident struct {
	Audit
	ID        string
	Kind      string
	Date      *DateInfo
	Effects   []*Effect
	Citations []*Citation
	names
	cutoff Date // as-of date of the query that listed it; "" for none
}

// Attribution is one attributor's claim.
type Attribution struct {
	Audit
	ID            string
	Date          *DateInfo
	CertaintyText *string
	CertaintyEn   *string
	Band          EstimativeBand
	Confidence    *int
	Involvement   []string
	BasisText     *string
	BasisEn       *string
	Citations     []*Citation
}

// Response is what an actor did in reaction.
type Response struct {
	Audit
	ID        string
	Kind      string
	Date      *DateInfo
	Summary   string
	Deadline  *string
	Effective *string
	Citations []*Citation
}

// Statement is who said what, when.
type Statement struct {
	Audit
	ID        string
	Date      *DateInfo
	Summary   string
	Text      *string
	Kind      string
	Citations []*Citation
}

// names gives a type name(lang).
type names struct{ nameEn, nameAr string }

// Name returns the name in lang, falling back to the other language.
func (n names) Name(lang Lang) string {
	if p := pick(lang, n.nameEn, n.nameAr); p != nil {
		return *p
	}
	return ""
}

// pick returns the text in lang, else the other one, else nil.
func pick(lang Lang, en, ar string) *string {
	first, second := en, ar
	if lang == LangAr {
		first, second = ar, en
	}
	switch {
	case first != "":
		return &first
	case second != "":
		return &second
	}
	return nil
}

func (Assessment) IsNode()      {}
func (State) IsNode()           {}
func (Organization) IsNode()    {}
func (Person) IsNode()          {}
func (Incident) IsNode()        {}
func (Attribution) IsNode()     {}
func (Response) IsNode()        {}
func (Statement) IsNode()       {}
func (Document) IsNode()        {}
func (State) IsSourced()        {}
func (Organization) IsSourced() {}
func (Person) IsSourced()       {}
func (Incident) IsSourced()     {}
func (Attribution) IsSourced()  {}
func (Response) IsSourced()     {}
func (Statement) IsSourced()    {}
func (Document) IsSourced()     {}
func (Link) IsSourced()         {}
func (State) IsActor()          {}
func (Organization) IsActor()   {}
func (Person) IsSpeaker()       {}
func (Organization) IsSpeaker() {}
