package edit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Document is a source text to add. Its text is stored verbatim: citation
// offsets always count code points of the stored text.
type Document struct {
	// Key names the document; empty derives it from the text, so the
	// same text added twice is one document.
	Key       string   `json:"key,omitempty"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Language  string   `json:"language"`
	Published string   `json:"published,omitempty"`
	Publisher string   `json:"publisher,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Sources   []string `json:"sources,omitempty"`
	// TitleEn and SummaryEn are English renderings for orientation, never
	// evidence; Translator wrote them (by default, the writer).
	TitleEn    string `json:"title_en,omitempty"`
	SummaryEn  string `json:"summary_en,omitempty"`
	Translator string `json:"translator,omitempty"`
}

// State adds or updates a state, keyed by its ISO 3166-1 alpha-2 code.
type State struct {
	Code   string  `json:"code"`
	NameEn string  `json:"name_en,omitempty"` // defaults to the ISO 3166-1 name
	NameAr string  `json:"name_ar,omitempty"`
	Region string  `json:"region,omitempty"`
	Cite   []Quote `json:"cite"`
}

// Organization adds or updates an organization.
type Organization struct {
	Key       string   `json:"key"`
	NameEn    string   `json:"name_en"`
	NameAr    string   `json:"name_ar,omitempty"`
	Kind      string   `json:"kind"`
	PartOf    []string `json:"part_of,omitempty"`
	LocatedIn []string `json:"located_in,omitempty"`
	Cite      []Quote  `json:"cite"`
}

// Person adds or updates a person.
type Person struct {
	Key      string   `json:"key"`
	NameEn   string   `json:"name_en"`
	NameAr   string   `json:"name_ar,omitempty"`
	RoleEn   string   `json:"role_en,omitempty"`
	RoleAr   string   `json:"role_ar,omitempty"`
	MemberOf []string `json:"member_of,omitempty"`
	Cite     []Quote  `json:"cite"`
}

// Dated is the date of a fact: Precision DAY (default), MONTH or YEAR.
type Dated struct {
	Date      string `json:"date"`
	Precision string `json:"date_precision,omitempty"`
	Inferred  bool   `json:"date_inferred,omitempty"`
	Basis     string `json:"date_basis,omitempty"`
}

// Incident adds or updates an incident.
type Incident struct {
	Key     string   `json:"key"`
	NameEn  string   `json:"name_en"`
	NameAr  string   `json:"name_ar,omitempty"`
	Kind    string   `json:"kind"`
	Targets []string `json:"targets,omitempty"`
	PartOf  []string `json:"part_of,omitempty"` // campaigns
	Dated
	Cite []Quote `json:"cite"`
}

// Attribution adds one attributor's claim.
type Attribution struct {
	Key string `json:"key,omitempty"`
	Dated
	Attributor string   `json:"attributor"`
	Blamed     []string `json:"blamed"`
	Incident   string   `json:"incident,omitempty"`
	// Subject is what the claim is about when it is not an incident: a
	// campaign or a threat actor. Exactly one of Incident and Subject.
	Subject       string   `json:"subject,omitempty"`
	Via           []string `json:"via,omitempty"`
	Band          string   `json:"band"`
	CertaintyText string   `json:"certainty_text,omitempty"`
	CertaintyEn   string   `json:"certainty_en,omitempty"`
	Involvement   []string `json:"involvement,omitempty"`
	BasisText     string   `json:"basis_text,omitempty"`
	BasisEn       string   `json:"basis_en,omitempty"`
	Cite          []Quote  `json:"cite"`
}

// Response adds what an actor did in reaction to an incident.
type Response struct {
	Key string `json:"key,omitempty"`
	Dated
	Kind      string   `json:"kind"`
	Summary   string   `json:"summary_en"`
	Actor     string   `json:"actor"`
	Targets   []string `json:"targets,omitempty"`
	Incident  string   `json:"incident,omitempty"`
	Follows   []string `json:"follows,omitempty"`
	Via       []string `json:"via,omitempty"`
	Deadline  string   `json:"deadline,omitempty"`
	Effective string   `json:"effective,omitempty"`
	Cite      []Quote  `json:"cite"`
}

// Statement adds who said what, when.
type Statement struct {
	Key string `json:"key,omitempty"`
	Dated
	Kind       string   `json:"kind"`
	Summary    string   `json:"summary_en"`
	Text       string   `json:"text,omitempty"`
	Speaker    []string `json:"speaker"`
	OnBehalfOf []string `json:"on_behalf_of,omitempty"`
	About      []string `json:"about,omitempty"`
	Cite       []Quote  `json:"cite"`
}

// Assessment is the analyst's own judgement about facts of the graph. Its
// author is the principal who writes it and its date the day it is
// written; its citations are what it rests on, never what a source said.
type Assessment struct {
	Key       string   `json:"key,omitempty"`
	Judgement string   `json:"judgement"`
	Band      string   `json:"band"`
	About     []string `json:"about"`
	Cite      []Quote  `json:"cite,omitempty"`
}

// link is a set of edges of one type from the fact to other nodes.
type link struct {
	field  string // input field naming the targets
	typ    string
	to     []string
	single bool // the field is one ID, not a list
}

// plan is a validated fact, ready to be written.
type plan struct {
	typ, key string
	props    store.Props
	cite     []Quote
	links    []link
	// addOnly facts (claims) are never changed in place: a different
	// fact under an existing key is refused.
	addOnly bool
	// defaults fill properties a new fact's input leaves out.
	defaults store.Props
	// check, when set, is a rule that reads the store (after the links'
	// endpoints are known to exist), before anything is written.
	check func(tx *store.Txn) error
}

// derivedKey names a fact by its content, so the same fact sent twice is
// one node.
func derivedKey(v any) (string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode input: %w", err)
	}
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:12]), nil
}

// props builds a property map, leaving out empty optional strings.
func props(kv ...any) store.Props {
	p := store.Props{}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			if v != "" {
				p[k] = v
			}
		case []string:
			if len(v) > 0 {
				l := make([]any, len(v))
				for j, s := range v {
					l[j] = s
				}
				p[k] = l
			}
		default:
			p[k] = v
		}
	}
	return p
}

func (d *Dated) check() error {
	return firstErr(checkDate("input.date", d.Date),
		checkEnum("input.datePrecision", &d.Precision, ontology.DatePrecisions, true),
		checkLen("input.dateBasis", d.Basis, MaxString))
}

func (d Dated) props(p store.Props) store.Props {
	p["date"] = d.Date
	p["date_precision"] = d.Precision
	if p["date_precision"] == "" {
		p["date_precision"] = "DAY"
	}
	p["date_inferred"] = d.Inferred
	if d.Basis != "" {
		p["date_basis"] = d.Basis
	}
	return p
}

func one(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

// AddDocument stores a source text verbatim. The document cites its own
// first line.
func (e *Editor) AddDocument(p auth.Principal, in Document, o Opts) (Result, error) {
	if err := firstErr(checkLen("input.key", in.Key, MaxKey), required("input.title", in.Title, MaxString),
		required("input.language", in.Language, 35), checkLen("input.publisher", in.Publisher, MaxString),
		checkEnum("input.kind", &in.Kind, ontology.Enums[ontology.Document]["kind"], true),
		checkList("input.sources", in.Sources, MaxString), checkLen("input.titleEn", in.TitleEn, MaxString),
		checkLen("input.summaryEn", in.SummaryEn, 5*MaxString), checkLen("input.translator", in.Translator, MaxKey)); err != nil {
		return Result{}, err
	}
	if in.Published != "" {
		if err := checkDate("input.published", in.Published); err != nil {
			return Result{}, err
		}
	}
	if strings.TrimSpace(in.Text) == "" {
		return Result{}, fieldErr("input.text", "is required")
	}
	if len(in.Text) > MaxText {
		return Result{}, fieldErr("input.text", "is %d bytes long; the limit is %d", len(in.Text), MaxText)
	}
	if !utf8.ValidString(in.Text) {
		return Result{}, fieldErr("input.text", "is not valid UTF-8")
	}
	key := in.Key
	if key == "" {
		h := sha256.Sum256([]byte(in.Text))
		key = "sha256-" + hex.EncodeToString(h[:12])
	}
	kind := in.Kind
	if kind == "" {
		kind = "ARTICLE"
	}
	var published any
	if in.Published != "" {
		published = in.Published
	}
	var publisher any
	if in.Publisher != "" {
		publisher = in.Publisher
	}
	sources := make([]any, len(in.Sources))
	for i, s := range in.Sources {
		sources[i] = s
	}
	pr := store.Props{"title": in.Title, "text": in.Text, "language": in.Language, "published": published,
		"publisher": publisher, "sources": sources, "media_type": "text/plain", "kind": kind}
	translator := in.Translator
	if translator == "" {
		translator = p.Name
	}
	for k, v := range map[string]string{"title_en": in.TitleEn, "summary_en": in.SummaryEn} {
		if v != "" {
			pr[k] = rendering(v, translator)
		}
	}
	return e.run(p, "addDocument", in, o, func(tx *store.Txn, w *writer) (string, error) {
		id := store.NodeID(ontology.Document, key)
		old, err := existing(tx, id)
		if err != nil {
			return "", err
		}
		if old != nil && old.Props.String("text") != in.Text {
			return "", fieldErr("input.key", "document %s already exists with another text; stored texts never change, so choose another key", key)
		}
		n := &store.Node{ID: id, Type: ontology.Document, Props: pr, Citations: []store.Citation{selfCitation(id, in.Text)},
			Meta: store.Meta{Marking: w.o.Marking, CreatedBy: p.Name}}
		keepMeta(n, old, w.o.Marking)
		if err := ontology.ValidateNode(n); err != nil {
			return "", fieldErr("input", "%s", err.Error())
		}
		return id, w.putNode(n, old)
	})
}

// selfCitation cites the first non-blank line of a document's text.
func selfCitation(id, text string) store.Citation {
	start := 0
	line := text
	for _, l := range strings.SplitAfter(text, "\n") {
		if strings.TrimSpace(l) != "" {
			line = strings.TrimRight(l, "\r\n")
			break
		}
		start += utf8.RuneCountInString(l)
	}
	runes := []rune(text)
	end := start + utf8.RuneCountInString(line)
	pre := string(runes[max(0, start-cite.ContextLen):start])
	suf := string(runes[end:min(len(runes), end+cite.ContextLen)])
	return store.Citation{Document: id, Exact: line, Prefix: pre, Suffix: suf, Start: start, End: end}
}

// existing reads a node, nil when absent.
func existing(tx *store.Txn, id string) (*store.Node, error) {
	n, err := tx.Node(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return n, err
}

// keepMeta carries over who wrote a fact and its retraction; the marking
// changes only when a new one is given.
func keepMeta(n, old *store.Node, marking string) {
	if old == nil {
		return
	}
	n.CreatedBy, n.Retraction = old.CreatedBy, old.Retraction
	if marking == "" {
		n.Marking = old.Marking
	}
}

// UpsertState adds or updates a state.
func (e *Editor) UpsertState(p auth.Principal, in State, o Opts) (Result, error) {
	in.Code = strings.ToUpper(strings.TrimSpace(in.Code))
	name, ok := e.iso[in.Code]
	if !ok {
		return Result{}, fieldErr("input.code", "%q is not an ISO 3166-1 alpha-2 code (for example AL, IR, GB)", in.Code)
	}
	if err := firstErr(checkLen("input.nameEn", in.NameEn, MaxString), checkLen("input.nameAr", in.NameAr, MaxString),
		checkLen("input.region", in.Region, MaxString), checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.State, key: in.Code, cite: in.Cite,
		props:    props("code", in.Code, "name_en", in.NameEn, "name_ar", in.NameAr, "region", in.Region),
		defaults: store.Props{"name_en": name}}
	return e.run(p, "upsertState", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// UpsertOrganization adds or updates an organization.
func (e *Editor) UpsertOrganization(p auth.Principal, in Organization, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkLen("input.nameAr", in.NameAr, MaxString),
		checkEnum("input.kind", &in.Kind, ontology.Enums[ontology.Organization]["kind"], false),
		checkList("input.partOf", in.PartOf, MaxKey*2), checkList("input.locatedIn", in.LocatedIn, MaxKey*2),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.Organization, key: in.Key, cite: in.Cite,
		props: props("name_en", in.NameEn, "name_ar", in.NameAr, "kind", in.Kind),
		links: []link{{"input.partOf", ontology.PartOf, in.PartOf, false}, {"input.locatedIn", ontology.LocatedIn, in.LocatedIn, false}}}
	return e.run(p, "upsertOrganization", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// UpsertPerson adds or updates a person.
func (e *Editor) UpsertPerson(p auth.Principal, in Person, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkLen("input.nameAr", in.NameAr, MaxString), checkLen("input.roleEn", in.RoleEn, MaxString),
		checkLen("input.roleAr", in.RoleAr, MaxString), checkList("input.memberOf", in.MemberOf, MaxKey*2),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.Person, key: in.Key, cite: in.Cite,
		props: props("name_en", in.NameEn, "name_ar", in.NameAr, "role_en", in.RoleEn, "role_ar", in.RoleAr),
		links: []link{{"input.memberOf", ontology.MemberOf, in.MemberOf, false}}}
	return e.run(p, "upsertPerson", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// UpsertIncident adds or updates an incident.
func (e *Editor) UpsertIncident(p auth.Principal, in Incident, o Opts) (Result, error) {
	if err := firstErr(required("input.key", in.Key, MaxKey), required("input.nameEn", in.NameEn, MaxString),
		checkLen("input.nameAr", in.NameAr, MaxString),
		checkEnum("input.kind", &in.Kind, ontology.Enums[ontology.Incident]["kind"], false), in.Dated.check(),
		checkList("input.targets", in.Targets, MaxKey*2), checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.Incident, key: in.Key, cite: in.Cite,
		props: in.Dated.props(props("name_en", in.NameEn, "name_ar", in.NameAr, "kind", in.Kind)),
		links: []link{{"input.targets", ontology.Targeted, in.Targets, false}, {"input.partOf", ontology.PartOf, in.PartOf, false}}}
	if err := checkList("input.partOf", in.PartOf, MaxKey*2); err != nil {
		return Result{}, err
	}
	return e.run(p, "upsertIncident", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// AddAttribution adds one attributor's claim.
func (e *Editor) AddAttribution(p auth.Principal, in Attribution, o Opts) (Result, error) {
	if err := firstErr(checkLen("input.key", in.Key, MaxKey), in.Dated.check(),
		required("input.attributor", in.Attributor, MaxKey*2), checkLen("input.incident", in.Incident, MaxKey*2),
		checkLen("input.subject", in.Subject, MaxKey*2),
		checkList("input.blamed", in.Blamed, MaxKey*2), checkList("input.via", in.Via, MaxKey*2),
		checkEnum("input.band", &in.Band, ontology.Enums[ontology.Attribution]["band"], false),
		checkLen("input.certaintyText", in.CertaintyText, MaxString), checkLen("input.certaintyEn", in.CertaintyEn, MaxString),
		checkLen("input.basisText", in.BasisText, MaxString), checkLen("input.basisEn", in.BasisEn, MaxString),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	if len(in.Blamed) == 0 {
		return Result{}, fieldErr("input.blamed", "needs at least one State, Organization or ThreatActor ID")
	}
	subject, subjectField := in.Incident, "input.incident"
	switch {
	case in.Incident != "" && in.Subject != "":
		return Result{}, fieldErr("input.subject", "give either incident or subject, not both")
	case in.Subject != "":
		subject, subjectField = in.Subject, "input.subject"
	case in.Incident == "":
		return Result{}, fieldErr("input.incident", "is required: the ID of the Incident, Campaign or ThreatActor the claim is about (or give it as subject)")
	}
	for i := range in.Involvement {
		if err := checkEnum(fmt.Sprintf("input.involvement[%d]", i), &in.Involvement[i], ontology.Involvements, false); err != nil {
			return Result{}, err
		}
	}
	pl := plan{typ: ontology.Attribution, key: in.Key, cite: in.Cite, addOnly: true,
		props: in.Dated.props(props("band", in.Band, "certainty_text", in.CertaintyText, "certainty_en", in.CertaintyEn,
			"involvement", in.Involvement, "basis_text", in.BasisText, "basis_en", in.BasisEn)),
		links: []link{{"input.attributor", ontology.AttributedBy, one(in.Attributor), true}, {"input.blamed", ontology.Blames, in.Blamed, false},
			{subjectField, ontology.Concerns, one(subject), true}, {"input.via", ontology.Via, in.Via, false}}}
	pl.check = func(tx *store.Txn) error {
		for i, v := range in.Via {
			// A speaker of the wrong type is refused with the types that
			// fit, when its link is checked; only a Person or an
			// Organization can be a member of the claimant.
			if n, err := tx.Node(v); err == nil && !slices.Contains(ontology.EdgeRules[ontology.Via].To, n.Type) {
				continue
			}
			ok, err := speaksFor(tx, v, in.Attributor)
			if err != nil {
				return err
			}
			if !ok {
				return fieldErr(fmt.Sprintf("input.via[%d]", i), "is not a member or part of the attributor: a claim is filed under the claimant whose spokesperson or body made it; link the speaker to it (memberOf, partOf) or name its own claimant")
			}
		}
		return nil
	}
	return e.addClaim(p, "addAttribution", in, &pl, o)
}

// AddResponse adds what an actor did in reaction to an incident.
func (e *Editor) AddResponse(p auth.Principal, in Response, o Opts) (Result, error) {
	if err := firstErr(checkLen("input.key", in.Key, MaxKey), in.Dated.check(),
		checkEnum("input.kind", &in.Kind, ontology.ResponseKinds, false), required("input.summary", in.Summary, MaxString),
		required("input.actor", in.Actor, MaxKey*2), checkList("input.targets", in.Targets, MaxKey*2),
		checkLen("input.incident", in.Incident, MaxKey*2), checkList("input.follows", in.Follows, MaxKey*2),
		checkList("input.via", in.Via, MaxKey*2), checkLen("input.deadline", in.Deadline, 64),
		checkEnum("input.effective", &in.Effective, ontology.Enums[ontology.Response]["effective"], true),
		checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	pl := plan{typ: ontology.Response, key: in.Key, cite: in.Cite, addOnly: true,
		props: in.Dated.props(props("kind", in.Kind, "summary_en", in.Summary, "deadline", in.Deadline, "effective", in.Effective)),
		links: []link{{"input.actor", ontology.RespondedBy, one(in.Actor), true}, {"input.targets", ontology.DirectedAt, in.Targets, false},
			{"input.incident", ontology.Answers, one(in.Incident), true}, {"input.follows", ontology.Follows, in.Follows, false},
			{"input.via", ontology.Via, in.Via, false}}}
	return e.addClaim(p, "addResponse", in, &pl, o)
}

// AddStatement adds who said what, when.
func (e *Editor) AddStatement(p auth.Principal, in Statement, o Opts) (Result, error) {
	if err := firstErr(checkLen("input.key", in.Key, MaxKey), in.Dated.check(),
		checkEnum("input.kind", &in.Kind, ontology.Enums[ontology.Statement]["kind"], false),
		required("input.summary", in.Summary, MaxString), checkLen("input.text", in.Text, MaxString),
		checkList("input.speaker", in.Speaker, MaxKey*2), checkList("input.onBehalfOf", in.OnBehalfOf, MaxKey*2),
		checkList("input.about", in.About, MaxKey*2), checkQuotes("input.cite", in.Cite, true)); err != nil {
		return Result{}, err
	}
	if len(in.Speaker) == 0 {
		return Result{}, fieldErr("input.speaker", "needs at least one Person or Organization ID")
	}
	pl := plan{typ: ontology.Statement, key: in.Key, cite: in.Cite, addOnly: true,
		props: in.Dated.props(props("kind", in.Kind, "summary_en", in.Summary, "text_ar", in.Text)),
		links: []link{{"input.speaker", ontology.SaidBy, in.Speaker, false}, {"input.onBehalfOf", ontology.OnBehalfOf, in.OnBehalfOf, false},
			{"input.about", ontology.About, in.About, false}}}
	return e.addClaim(p, "addStatement", in, &pl, o)
}

// AddAssessment records the analyst's own judgement.
func (e *Editor) AddAssessment(p auth.Principal, in Assessment, o Opts) (Result, error) {
	if err := firstErr(checkLen("input.key", in.Key, MaxKey), required("input.judgement", in.Judgement, MaxString),
		checkEnum("input.confidence", &in.Band, ontology.Enums[ontology.Assessment]["band"], false),
		checkList("input.about", in.About, MaxKey*2), checkQuotes("input.cite", in.Cite, false)); err != nil {
		return Result{}, err
	}
	if len(in.About) == 0 {
		return Result{}, fieldErr("input.about", "needs at least one node ID: what the judgement is about")
	}
	pl := plan{typ: ontology.Assessment, key: in.Key, cite: in.Cite, addOnly: true,
		props: props("judgement", in.Judgement, "band", in.Band, "author", p.Name,
			"date", e.Now().UTC().Format("2006-01-02"), "date_precision", "DAY"),
		links: []link{{"input.about", ontology.Assesses, in.About, false}}}
	if pl.key == "" {
		// The author is part of an assessment: two analysts judging alike
		// are two assessments.
		k, err := derivedKey(struct {
			By string
			In Assessment
		}{p.Name, in})
		if err != nil {
			return Result{}, err
		}
		pl.key = k
	}
	return e.run(p, "addAssessment", in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(pl, w.o) })
}

// addClaim names a claim by its content when no key is given, then writes it.
func (e *Editor) addClaim(p auth.Principal, mutation string, in any, pl *plan, o Opts) (Result, error) {
	if pl.key == "" {
		k, err := derivedKey(in)
		if err != nil {
			return Result{}, err
		}
		pl.key = k
	}
	return e.run(p, mutation, in, o, func(tx *store.Txn, w *writer) (string, error) { return w.fact(*pl, w.o) })
}

// fact writes a planned fact and its links within the transaction.
func (w *writer) fact(pl plan, o Opts) (string, error) {
	id := store.NodeID(pl.typ, pl.key)
	old, err := existing(w.tx, id)
	if err != nil {
		return "", err
	}
	marking := o.Marking
	if marking == "" && old != nil {
		marking = old.Marking
	}
	cs, err := resolve(w.tx, "input.cite", pl.cite, marking, w.p.Role.Clearance())
	if err != nil {
		return "", err
	}
	n := &store.Node{ID: id, Type: pl.typ, Props: pl.props, Citations: cs, Meta: store.Meta{Marking: marking, CreatedBy: w.p.Name}}
	if old == nil {
		for k, v := range pl.defaults {
			if _, ok := n.Props[k]; !ok {
				n.Props[k] = v
			}
		}
	}
	if old != nil {
		keepMeta(n, old, o.Marking)
		if pl.addOnly {
			if !sameRecord(old, n) {
				// The same claim from another report: its citations join
				// the stored claim's, and nothing else changes.
				same, err := sameClaim(w.tx, old, n, pl.links)
				if err != nil {
					return "", err
				}
				if !same {
					return "", fieldErr("input.key", "%s %s already exists with other content; a claim is never changed in place: retract it and add a new one (to cite it from another document, give the same content or use addCitation)", pl.typ, pl.key)
				}
				n.Citations = mergeCitations(old.Citations, cs)
				return id, w.putNode(n, old)
			}
		} else {
			// An update overwrites the properties it gives and adds its
			// citations to those already there.
			merged := maps.Clone(old.Props)
			maps.Copy(merged, n.Props)
			n.Props = merged
			n.Citations = mergeCitations(old.Citations, cs)
		}
	}
	if err := ontology.ValidateNode(n); err != nil {
		return "", fieldErr("input", "%s", withoutID(err, n.ID))
	}
	for _, l := range pl.links {
		for i, to := range l.to {
			field := l.field
			if !l.single {
				field = fmt.Sprintf("%s[%d]", l.field, i)
			}
			if _, err := ref(w.tx, field, to, w.p.Role.Clearance()); err != nil {
				return "", err
			}
		}
	}
	if pl.check != nil {
		if err := pl.check(w.tx); err != nil {
			return "", err
		}
	}
	if err := w.putNode(n, old); err != nil {
		return "", err
	}
	for _, l := range pl.links {
		for i, to := range l.to {
			field := l.field
			if !l.single {
				field = fmt.Sprintf("%s[%d]", l.field, i)
			}
			target, err := ref(w.tx, field, to, w.p.Role.Clearance())
			if err != nil {
				return "", err
			}
			e := &store.Edge{ID: store.EdgeID(l.typ, id, to), Type: l.typ, From: id, To: to, Citations: cs,
				Meta: store.Meta{Marking: n.Marking, CreatedBy: w.p.Name}}
			if rule, ok := ontology.EdgeRules[l.typ]; ok && !rule.Allows(pl.typ, target.Type) {
				return "", mismatch(w.mutation, field, l.typ, target)
			}
			if err := ontology.ValidateEdge(e, pl.typ, target.Type); err != nil {
				return "", fieldErr(field, "%s", withoutID(err, e.ID))
			}
			if err := w.putEdge(e); err != nil {
				return "", err
			}
		}
	}
	return id, nil
}

// sameRecord reports whether two nodes say the same thing.
func sameRecord(a, b *store.Node) bool {
	ja, err1 := store.EncodeNode(a)
	jb, err2 := store.EncodeNode(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// mergeCitations appends the citations of add not already in have.
func mergeCitations(have, add []store.Citation) []store.Citation {
	out := append([]store.Citation(nil), have...)
	for _, c := range add {
		dup := false
		for _, h := range have {
			if h.Document == c.Document && h.Start == c.Start && h.End == c.End {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, c)
		}
	}
	return out
}

// rendering is how a document's English title or summary is stored: the
// text, its language and who wrote it. It is never authoritative, and no
// citation can point into it: citations point into the document's text.
func rendering(text, translator string) map[string]any {
	return map[string]any{"lang": "en", "text": text, "translator": translator}
}
