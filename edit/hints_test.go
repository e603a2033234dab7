package edit

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// TestTypeMismatchNamesWhatFits walks every input field that names other
// nodes, in every mutation, with a node of a type the field does not
// take. Each refusal must name the field, the types it takes, the
// mutations where that node would fit, and no ID of a node or link.
func TestTypeMismatchNamesWhatFits(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc := store.NodeID("Document", "000_ee0890f214b0197b")
	quote := []Quote{{Document: doc, Exact: "قطعت ألبانيا"}}
	day := Dated{Date: "2022-09-07"}
	al, ir, gb := store.NodeID("State", "AL"), store.NodeID("State", "IR"), store.NodeID("State", "GB")
	incident := store.NodeID("Incident", "2022-07-15-albania-gov")
	rama := store.NodeID("Person", "edi-rama")
	nato := store.NodeID("Organization", "us-white-house")
	claim := store.NodeID("Attribution", "al-blames-ir")

	// set returns a mutation's valid input with one field naming id.
	set := func(mutation, field, id string) func() (Result, error) {
		switch mutation + " " + field {
		case "upsertOrganization input.partOf", "upsertOrganization input.locatedIn":
			in := Organization{Key: "k", NameEn: "n", Kind: "GROUP", Cite: quote}
			if field == "input.partOf" {
				in.PartOf = []string{id}
			} else {
				in.LocatedIn = []string{id}
			}
			return func() (Result, error) { return e.UpsertOrganization(alice, in, Opts{}) }
		case "upsertPerson input.memberOf":
			in := Person{Key: "k", NameEn: "n", MemberOf: []string{id}, Cite: quote}
			return func() (Result, error) { return e.UpsertPerson(alice, in, Opts{}) }
		case "upsertIncident input.targets":
			in := Incident{Key: "k", NameEn: "n", Kind: "CYBERATTACK", Dated: day, Targets: []string{id}, Cite: quote}
			return func() (Result, error) { return e.UpsertIncident(alice, in, Opts{}) }
		}
		switch mutation {
		case "addAttribution":
			in := Attribution{Dated: day, Attributor: al, Blamed: []string{ir}, Incident: incident, Band: "LIKELY", Cite: quote}
			switch field {
			case "input.attributor":
				in.Attributor = id
			case "input.blamed":
				in.Blamed = []string{id}
			case "input.incident":
				in.Incident = id
			case "input.via":
				in.Via = []string{id}
			}
			return func() (Result, error) { return e.AddAttribution(alice, in, Opts{}) }
		case "addResponse":
			in := Response{Dated: day, Kind: "SANCTION", Summary: "s", Actor: gb, Incident: incident, Cite: quote}
			switch field {
			case "input.actor":
				in.Actor = id
			case "input.targets":
				in.Targets = []string{id}
			case "input.incident":
				in.Incident = id
			case "input.follows":
				in.Follows = []string{id}
			case "input.via":
				in.Via = []string{id}
			}
			return func() (Result, error) { return e.AddResponse(alice, in, Opts{}) }
		case "addStatement":
			in := Statement{Dated: day, Kind: "QUOTE", Summary: "s", Speaker: []string{rama}, Cite: quote}
			switch field {
			case "input.speaker":
				in.Speaker = []string{id}
			case "input.onBehalfOf":
				in.OnBehalfOf = []string{id}
			case "input.about":
				in.About = []string{id}
			}
			return func() (Result, error) { return e.AddStatement(alice, in, Opts{}) }
		case "addAssessment":
			in := Assessment{Judgement: "j", Band: "LIKELY", About: []string{id}}
			return func() (Result, error) { return e.AddAssessment(alice, in, Opts{}) }
		case "addStance":
			in := Stance{Dated: day, Kind: "DENIES", On: claim, Holder: ir, Band: "UNSTATED", Cite: quote}
			switch field {
			case "input.on":
				in.On = id
			case "input.holder":
				in.Holder = id
			case "input.via":
				in.Via = []string{id}
			}
			return func() (Result, error) { return e.AddStance(alice, in, Opts{}) }
		}
		t.Fatalf("no input for %s %s: add it to this test", mutation, field)
		return nil
	}

	// A node of each type, for the wrong one.
	wrong := []string{doc, al, nato, rama, incident, claim}
	walked := 0
	for _, lf := range linkFields {
		rule := ontology.EdgeRules[lf.edge]
		if len(rule.To) == 0 {
			continue // takes any node: no type can be wrong
		}
		for _, id := range wrong {
			typ, _, _ := store.DecodeNodeID(id)
			if rule.Allows(rule.From[0], typ) {
				continue
			}
			walked++
			t.Run(fmt.Sprintf("%s %s %s", lf.mutation, lf.field, typ), func(t *testing.T) {
				_, err := set(lf.mutation, lf.field, id)()
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("want a field error, got %v", err)
				}
				msg := fe.Error()
				if !strings.HasPrefix(fe.Field, lf.field) || !strings.HasPrefix(msg, lf.field) {
					t.Errorf("%q does not name the field %s", msg, lf.field)
				}
				for _, allowed := range rule.To {
					if !strings.Contains(msg, allowed) {
						t.Errorf("%q does not name the allowed type %s", msg, allowed)
					}
				}
				if !strings.Contains(msg, "takes") {
					t.Errorf("%q does not say what the field takes", msg)
				}
				if strings.Contains(msg, id) || strings.Contains(msg, "EdgeID") || strings.Contains(msg, " a Organization") || strings.Contains(msg, " a Incident") {
					t.Errorf("%q names an ID or slips in grammar", msg)
				}
				for _, other := range []string{doc, al, ir, gb, incident, rama, nato, claim} {
					if strings.Contains(msg, other) {
						t.Errorf("%q contains the ID %s", msg, other)
					}
				}
				for f := range strings.FieldsSeq(msg) {
					if _, _, err := store.DecodeNodeID(strings.Trim(f, `".,:;()`)); err == nil {
						t.Errorf("%q contains a node ID %s", msg, f)
					}
				}
			})
		}
	}
	if walked < len(linkFields) {
		t.Fatalf("walked only %d mismatches", walked)
	}
}

// The example analysts meet first: an Organization as a Response's actor
// points to where an Organization fits, addStatement among them.
func TestOrganizationAsActorPointsToStatement(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc := store.NodeID("Document", "000_ee0890f214b0197b")
	_, err := e.AddResponse(alice, Response{Dated: Dated{Date: "2022-09-07"}, Kind: "condemnation", Summary: "s",
		Actor:    store.NodeID("Organization", "us-white-house"),
		Incident: store.NodeID("Incident", "2022-07-15-albania-gov"), Cite: []Quote{{Document: doc, Exact: "قطعت ألبانيا"}}}, Opts{})
	want := `input.actor: Organization "White House" is not a State: addResponse's input.actor takes a State only. An Organization fits`
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "addStatement (input.speaker") {
		t.Fatalf("got %v\nwant %s … addStatement (input.speaker …", err, want)
	}
}

// Enum-like strings are taken in any case and stored as the ontology
// spells them.
func TestEnumStringsAnyCase(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc := store.NodeID("Document", "000_ee0890f214b0197b")
	res, err := e.AddStatement(alice, Statement{Dated: Dated{Date: "2022-09-07", Precision: "day"}, Kind: "paraphrase", Summary: "s",
		Speaker: []string{store.NodeID("Person", "edi-rama")}, Cite: []Quote{{Document: doc, Exact: "قطعت ألبانيا"}}}, Opts{Marking: "green"})
	if err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *store.Txn) error {
		n, err := tx.Node(res.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n.Props.String("kind") != "PARAPHRASE" || n.Props.String("date_precision") != "DAY" || n.Marking != "GREEN" {
			t.Errorf("stored kind %q, precision %q, marking %q; want PARAPHRASE, DAY, GREEN", n.Props.String("kind"), n.Props.String("date_precision"), n.Marking)
		}
		return nil
	})
	_, err = e.AddStatement(alice, Statement{Dated: Dated{Date: "2022-09-07"}, Kind: "rumour", Summary: "s",
		Speaker: []string{store.NodeID("Person", "edi-rama")}, Cite: []Quote{{Document: doc, Exact: "قطعت ألبانيا"}}}, Opts{})
	if err == nil || !strings.Contains(err.Error(), `input.kind: "rumour" is not one of QUOTE, PARAPHRASE`) {
		t.Fatalf("got %v, want the allowed values named", err)
	}
}

// Every enum-like input refuses a value it does not know by naming the
// field and every value it takes.
func TestEnumRefusalNamesTheAllowedValues(t *testing.T) {
	s := seedtest.Store(t)
	e := New(s)
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	doc := store.NodeID("Document", "000_ee0890f214b0197b")
	quote := []Quote{{Document: doc, Exact: "قطعت ألبانيا"}}
	day := Dated{Date: "2022-09-07"}
	al, ir := store.NodeID("State", "AL"), store.NodeID("State", "IR")
	incident := store.NodeID("Incident", "2022-07-15-albania-gov")
	rama := store.NodeID("Person", "edi-rama")
	bad := "bogus"
	for _, c := range []struct {
		field   string
		allowed []string
		call    func() (Result, error)
	}{
		{"input.kind", ontology.Enums[ontology.Document]["kind"], func() (Result, error) {
			return e.AddDocument(alice, Document{Title: "t", Text: "x", Language: "en", Kind: bad}, Opts{})
		}},
		{"input.kind", ontology.Enums[ontology.Organization]["kind"], func() (Result, error) {
			return e.UpsertOrganization(alice, Organization{Key: "k", NameEn: "n", Kind: bad, Cite: quote}, Opts{})
		}},
		{"input.kind", ontology.Enums[ontology.Incident]["kind"], func() (Result, error) {
			return e.UpsertIncident(alice, Incident{Key: "k", NameEn: "n", Kind: bad, Dated: day, Cite: quote}, Opts{})
		}},
		{"input.datePrecision", ontology.DatePrecisions, func() (Result, error) {
			return e.UpsertIncident(alice, Incident{Key: "k", NameEn: "n", Kind: "CYBERATTACK", Dated: Dated{Date: "2022-07-15", Precision: bad}, Cite: quote}, Opts{})
		}},
		{"input.band", ontology.Enums[ontology.Attribution]["band"], func() (Result, error) {
			return e.AddAttribution(alice, Attribution{Dated: day, Attributor: al, Blamed: []string{ir}, Incident: incident, Band: bad, Cite: quote}, Opts{})
		}},
		{"input.involvement[0]", ontology.Involvements, func() (Result, error) {
			return e.AddAttribution(alice, Attribution{Dated: day, Attributor: al, Blamed: []string{ir}, Incident: incident, Band: "LIKELY", Involvement: []string{bad}, Cite: quote}, Opts{})
		}},
		{"input.kind", ontology.ResponseKinds, func() (Result, error) {
			return e.AddResponse(alice, Response{Dated: day, Kind: bad, Summary: "s", Actor: al, Incident: incident, Cite: quote}, Opts{})
		}},
		{"input.effective", ontology.Enums[ontology.Response]["effective"], func() (Result, error) {
			return e.AddResponse(alice, Response{Dated: day, Kind: "SANCTION", Summary: "s", Actor: al, Incident: incident, Effective: bad, Cite: quote}, Opts{})
		}},
		{"input.kind", ontology.Enums[ontology.Statement]["kind"], func() (Result, error) {
			return e.AddStatement(alice, Statement{Dated: day, Kind: bad, Summary: "s", Speaker: []string{rama}, Cite: quote}, Opts{})
		}},
		{"input.confidence", ontology.Enums[ontology.Assessment]["band"], func() (Result, error) {
			return e.AddAssessment(alice, Assessment{Judgement: "j", Band: bad, About: []string{al}}, Opts{})
		}},
	} {
		_, err := c.call()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: got %v, want a refusal of %s", c.field, err, c.field)
			continue
		}
		for _, a := range c.allowed {
			if !strings.Contains(fe.Msg, a) {
				t.Errorf("%s: %q does not name %s", c.field, fe.Msg, a)
			}
		}
	}
}
