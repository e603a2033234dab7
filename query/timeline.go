package query

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Event is one dated node on a timeline (a campaign is dated by when it
// was first seen).
type Event struct {
	Node *store.Node
	Date string // YYYY-MM-DD
	// Incidents are the incidents the event is, concerns, answers or is
	// about, or that are part of it (a campaign).
	Incidents []string
}

// Filter narrows a timeline. IDs and dates may be empty.
type Filter struct {
	// Actor: who acted. The attributor of an attribution, the responding
	// state, the state or speaker of a statement, and the party blamed for
	// an incident.
	Actor string
	// Target: against or about whom. The target of an incident, the party
	// an attribution blames, whom a response is directed at, what a
	// statement is about.
	Target string
	// Incident keeps the incident itself and what concerns it.
	Incident string
	// From and To bound the event date, inclusive.
	From, To string
	// AsOf keeps what had been claimed and done by that date, inclusive,
	// judged by the event's own date (not when it was recorded).
	AsOf string
}

// eventTypes in the order a timeline shows events of the same day: the act
// before the claims about it, the claims before the responses to them.
var eventTypes = []string{ontology.Incident, ontology.Attribution, ontology.Response, ontology.Statement}

// actorEdges and targetEdges say which out-edges of an event name its actor
// and its target.
var (
	actorEdges = map[string][]string{
		ontology.Attribution: {ontology.AttributedBy},
		ontology.Response:    {ontology.RespondedBy},
		ontology.Statement:   {ontology.OnBehalfOf, ontology.SaidBy},
	}
	targetEdges = map[string][]string{
		ontology.Incident:    {ontology.Targeted},
		ontology.Attribution: {ontology.Blames},
		ontology.Response:    {ontology.DirectedAt},
		ontology.Statement:   {ontology.About},
		ontology.Campaign:    {ontology.Targets},
	}
	incidentEdges = map[string]string{
		ontology.Attribution: ontology.Concerns,
		ontology.Response:    ontology.Answers,
		ontology.Statement:   ontology.About,
	}
)

// Timeline lists campaigns (at first seen), incidents, attributions,
// responses and statements that pass f, by date, then campaign before act
// before claim before response before statement, then ID.
func Timeline(tx *view.Txn, f Filter) ([]Event, error) {
	to := f.To
	if f.AsOf != "" && (to == "" || f.AsOf < to) {
		to = f.AsOf
	}
	var out []Event
	for _, typ := range eventTypes {
		ids, err := tx.NodeIDsByDate(typ, f.From, to)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			n, err := tx.Node(id)
			if err != nil {
				return nil, err
			}
			if n.Retraction != nil {
				continue
			}
			ev := Event{Node: n, Date: n.Props.String("date")}
			if typ == ontology.Incident {
				ev.Incidents = []string{id}
			} else if ev.Incidents, err = linkedOfType(tx, id, incidentEdges[typ], ontology.Incident); err != nil {
				return nil, err
			}
			ok, err := passes(tx, ev, f)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, ev)
			}
		}
	}
	campaigns, err := campaignEvents(tx, f, to)
	if err != nil {
		return nil, err
	}
	out = append(out, campaigns...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		// A campaign (index -1) comes before the acts of its first day.
		ra, rb := slices.Index(eventTypes, a.Node.Type), slices.Index(eventTypes, b.Node.Type)
		if ra != rb {
			return ra < rb
		}
		return a.Node.ID < b.Node.ID
	})
	return out, nil
}

// campaignEvents places each campaign on the timeline at its first_seen,
// with the incidents that are part of it. Campaigns are few and have no
// date index: each is read.
func campaignEvents(tx *view.Txn, f Filter, to string) ([]Event, error) {
	ids, err := tx.NodeIDsByType(ontology.Campaign)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, id := range ids {
		n, err := tx.Node(id)
		if err != nil {
			return nil, err
		}
		d := n.Props.String("first_seen")
		if n.Retraction != nil || d == "" || f.From != "" && d < f.From || to != "" && d > to {
			continue
		}
		refs, err := tx.Edges(id, store.In, ontology.PartOf)
		if err != nil {
			return nil, err
		}
		ev := Event{Node: n, Date: d}
		for _, r := range refs {
			if !r.Retracted {
				ev.Incidents = append(ev.Incidents, r.Other)
			}
		}
		slices.Sort(ev.Incidents)
		ok, err := passes(tx, ev, f)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

func passes(tx *view.Txn, ev Event, f Filter) (bool, error) {
	if f.Incident != "" && !slices.Contains(ev.Incidents, f.Incident) {
		return false, nil
	}
	if f.Actor != "" {
		var ok bool
		var err error
		if ev.Node.Type == ontology.Incident || ev.Node.Type == ontology.Campaign {
			ok, err = incidentBlames(tx, ev.Node.ID, f.Actor)
		} else {
			ok, err = namesParty(tx, ev.Node.ID, actorEdges[ev.Node.Type], f.Actor)
		}
		if err != nil || !ok {
			return false, err
		}
	}
	if f.Target != "" {
		ok, err := namesParty(tx, ev.Node.ID, targetEdges[ev.Node.Type], f.Target)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// namesParty reports whether id has an out-edge of one of types to party,
// or to something that is part of, located in, or a member of party: an
// attack on a state's ministries is an attack on the state.
func namesParty(tx *view.Txn, id string, types []string, party string) (bool, error) {
	for _, t := range types {
		refs, err := tx.Edges(id, store.Out, t)
		if err != nil {
			return false, err
		}
		for _, r := range refs {
			if r.Other == party {
				return true, nil
			}
			for _, up := range []string{ontology.PartOf, ontology.LocatedIn, ontology.MemberOf} {
				ups, err := tx.Edges(r.Other, store.Out, up)
				if err != nil {
					return false, err
				}
				for _, u := range ups {
					if u.Other == party && up != ontology.LocatedIn {
						return true, nil
					}
				}
			}
		}
	}
	return false, nil
}

// incidentBlames reports whether any attribution of the incident blames
// party.
func incidentBlames(tx *view.Txn, incident, party string) (bool, error) {
	refs, err := tx.Edges(incident, store.In, ontology.Concerns)
	if err != nil {
		return false, err
	}
	for _, r := range refs {
		ok, err := namesParty(tx, r.Other, []string{ontology.Blames}, party)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// linkedOfType lists the nodes of type typ that id links to by edgeType.
func linkedOfType(tx *view.Txn, id, edgeType, typ string) ([]string, error) {
	refs, err := tx.Edges(id, store.Out, edgeType)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range refs {
		t, _, err := store.DecodeNodeID(r.Other)
		if err == nil && t == typ && !slices.Contains(out, r.Other) {
			out = append(out, r.Other)
		}
	}
	return out, nil
}

// Days returns the whole days from one date (YYYY-MM-DD) to another.
func Days(from, to string) (int, error) {
	a, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", from, err)
	}
	b, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return 0, fmt.Errorf("date %q: %w", to, err)
	}
	return int(b.Sub(a).Hours() / 24), nil
}

// Lag is the time from an incident to one attribution of it.
type Lag struct {
	Incident    string
	Attribution string
	Days        int
}

// TimeToAttribution returns, for each attribution of incident made by asOf
// (all when asOf is ""), the days from the incident to the claim, by date.
func TimeToAttribution(tx *view.Txn, incident, asOf string) ([]Lag, error) {
	inc, err := tx.Node(incident)
	if err != nil {
		return nil, err
	}
	if inc.Type != ontology.Incident {
		return nil, &graphalgo.KindError{ID: incident, Kind: inc.Type, Want: "an Incident"}
	}
	claims, err := claimsOf(tx, incident, asOf)
	if err != nil {
		return nil, err
	}
	out := make([]Lag, 0, len(claims))
	for _, c := range claims {
		d, err := Days(inc.Props.String("date"), c.Props.String("date"))
		if err != nil {
			return nil, fmt.Errorf("time to attribution of %s: %w", c.ID, err)
		}
		out = append(out, Lag{Incident: incident, Attribution: c.ID, Days: d})
	}
	return out, nil
}

// claimsOf returns the unretracted attributions of an incident dated on or
// before asOf, by date then ID.
func claimsOf(tx *view.Txn, incident, asOf string) ([]*store.Node, error) {
	refs, err := tx.Edges(incident, store.In, ontology.Concerns)
	if err != nil {
		return nil, err
	}
	var out []*store.Node
	for _, r := range refs {
		n, err := tx.Node(r.Other)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n.Type != ontology.Attribution || n.Retraction != nil {
			continue
		}
		if asOf != "" && n.Props.String("date") > asOf {
			continue
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool {
		di, dj := out[i].Props.String("date"), out[j].Props.String("date")
		if di != dj {
			return di < dj
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
