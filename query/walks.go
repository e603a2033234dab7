package query

import (
	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/view"
)

// Paths answers the shortest paths between from and to (see
// graphalgo.ShortestPaths); maxHops 0 means the default.
func (q *Q) Paths(from, to string, maxHops int, edgeTypes []string) ([]graphalgo.Path, error) {
	if err := checkID("from", from); err != nil {
		return nil, err
	}
	if err := checkID("to", to); err != nil {
		return nil, err
	}
	for _, t := range edgeTypes {
		if _, ok := ontology.EdgeRules[t]; !ok {
			return nil, invalid("edgeTypes", "%q is not an edge type", t)
		}
	}
	var paths []graphalgo.Path
	err := q.view(func(tx *view.Txn) error {
		var err error
		paths, err = graphalgo.ShortestPaths(tx, from, to, graphalgo.PathOptions{MaxHops: maxHops, EdgeTypes: edgeTypes})
		return err
	})
	return paths, err
}

// Neighbourhood answers what lies within depth hops of id (see
// graphalgo.Around).
func (q *Q) Neighbourhood(id string, depth int) (*graphalgo.Neighbourhood, error) {
	if err := checkID("id", id); err != nil {
		return nil, err
	}
	var nb *graphalgo.Neighbourhood
	err := q.view(func(tx *view.Txn) error {
		var err error
		nb, err = graphalgo.Around(tx, id, depth)
		return err
	})
	return nb, err
}

// Chronicle is a timeline with its measures: the events, each incident's
// time to attribution, the time to response of each response and
// statement on it, and how many days after its incident each claim,
// response and statement came (by its ID).
type Chronicle struct {
	Events            []Event
	TimeToAttribution []Lag
	TimeToResponse    []ResponseLag
	DaysSince         map[string]int
}

// TimelineOf asks for a timeline: the Filter's fields, with the IDs nil
// when not given.
type TimelineOf struct {
	Actor, Target, Incident *string
	From, To, AsOf          string
}

// Timeline answers the timeline t asks for (see Timeline), with its
// measures.
func (q *Q) Timeline(t TimelineOf) (*Chronicle, error) {
	f := Filter{From: t.From, To: t.To, AsOf: t.AsOf}
	for _, a := range []struct {
		arg string
		id  *string
		dst *string
	}{{"actor", t.Actor, &f.Actor}, {"target", t.Target, &f.Target}, {"incident", t.Incident, &f.Incident}} {
		if a.id == nil {
			continue
		}
		if err := checkID(a.arg, *a.id); err != nil {
			return nil, err
		}
		*a.dst = *a.id
	}
	c := &Chronicle{DaysSince: map[string]int{}}
	err := q.view(func(tx *view.Txn) error {
		var err error
		if c.Events, err = Timeline(tx, f); err != nil {
			return err
		}
		for _, ev := range c.Events {
			switch ev.Node.Type {
			case ontology.Incident:
				ls, err := TimeToAttribution(tx, ev.Node.ID, f.AsOf)
				if err != nil {
					return err
				}
				c.TimeToAttribution = append(c.TimeToAttribution, ls...)
			case ontology.Attribution, ontology.Response, ontology.Statement:
				// Counted even when the incident itself is filtered out
				// (say, by actor).
				if len(ev.Incidents) == 0 {
					continue
				}
				inc, err := tx.Node(ev.Incidents[0])
				if err != nil {
					return err
				}
				if c.DaysSince[ev.Node.ID], err = Days(inc.Props.String("date"), ev.Date); err != nil {
					return err
				}
			}
		}
		c.TimeToResponse, err = ResponseLags(tx, c.Events)
		return err
	})
	return c, err
}

// AttributionSummary answers who blamed whom for incident (see
// Summarize), counting the claims dated by asOf ("" for all), with the
// times to response and what the stances on its claims add; chains asks
// for the strongest chain to each state too (see SummarizeStances).
func (q *Q) AttributionSummary(incident, asOf string, chains bool) (*Summary, []ResponseLag, *StanceSummary, error) {
	if err := checkID("incident", incident); err != nil {
		return nil, nil, nil, err
	}
	var s *Summary
	var lags []ResponseLag
	var stances *StanceSummary
	err := q.view(func(tx *view.Txn) error {
		var err error
		if s, err = Summarize(tx, incident, asOf); err != nil {
			return err
		}
		if stances, err = SummarizeStances(tx, s, chains); err != nil {
			return err
		}
		lags, err = TimeToResponse(tx, incident, asOf)
		return err
	})
	return s, lags, stances, err
}

// AttributionChains answers the chains of claims from from to a blamed
// party (see the function AttributionChains); to and through are "" when
// not given, maxHops 0 for the default.
func (q *Q) AttributionChains(from, to, through string, maxHops int) (*Chains, error) {
	for _, a := range []struct{ arg, id string }{{"from", from}, {"to", to}, {"through", through}} {
		if a.id != "" {
			if err := checkID(a.arg, a.id); err != nil {
				return nil, err
			}
		}
	}
	var cs *Chains
	err := q.view(func(tx *view.Txn) (err error) {
		cs, err = AttributionChains(tx, from, to, through, maxHops)
		return err
	})
	return cs, err
}

// Disputes answers the disputed claims, of one incident when incident is
// not "" (see the function Disputes).
func (q *Q) Disputes(incident string, limit int) ([]Dispute, error) {
	if incident != "" {
		if err := checkID("incident", incident); err != nil {
			return nil, err
		}
	}
	var ds []Dispute
	err := q.view(func(tx *view.Txn) (err error) {
		ds, err = Disputes(tx, incident, limit)
		return err
	})
	return ds, err
}
