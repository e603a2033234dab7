package query

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// ResponseLag is the time from an incident to one response to it or one
// statement about it: the time to response that EuRepoC and the CFR
// cyber operations tracker report.
type ResponseLag struct {
	Incident string
	Node     *store.Node // the Response or Statement
	Date     string
	Days     int
	// Precision is the coarser of the two dates' precisions (DAY, MONTH
	// or YEAR): a count of days between a day and a month is known only
	// to the month.
	Precision string
	// Inferred is true when either date was inferred.
	Inferred bool
}

// responseEdges are the links by which a response or a statement points
// at an incident.
var responseEdges = map[string]string{
	ontology.Answers: ontology.Response,
	ontology.About:   ontology.Statement,
}

// TimeToResponse returns, for each unretracted response answering incident
// and statement about it dated on or before asOf (all when asOf is ""),
// the days from the incident, by date, responses before statements, then
// ID. Responses answer incidents: a campaign or a threat actor, which a
// summary may also be about, has none.
func TimeToResponse(tx *view.Txn, incident, asOf string) ([]ResponseLag, error) {
	inc, err := tx.Node(incident)
	if err != nil {
		return nil, err
	}
	if inc.Type == ontology.Campaign || inc.Type == ontology.ThreatActor {
		return nil, nil
	}
	if inc.Type != ontology.Incident {
		return nil, &graphalgo.KindError{ID: incident, Kind: inc.Type, Want: "an Incident"}
	}
	var out []ResponseLag
	seen := map[string]bool{}
	for _, edge := range []string{ontology.Answers, ontology.About} {
		refs, err := tx.Edges(incident, store.In, edge)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if seen[r.Other] {
				continue
			}
			seen[r.Other] = true
			n, err := tx.Node(r.Other)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			if n.Type != responseEdges[edge] || n.Retraction != nil {
				continue
			}
			date := n.Props.String("date")
			if asOf != "" && date > asOf {
				continue
			}
			lag, err := LagOf(inc, n)
			if err != nil {
				return nil, fmt.Errorf("time to response of %s: %w", n.ID, err)
			}
			out = append(out, lag)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.Node.Type != b.Node.Type {
			return a.Node.Type == ontology.Response
		}
		return a.Node.ID < b.Node.ID
	})
	return out, nil
}

// LagOf is the time from incident inc to the dated node n.
func LagOf(inc, n *store.Node) (ResponseLag, error) {
	date := n.Props.String("date")
	d, err := Days(inc.Props.String("date"), date)
	if err != nil {
		return ResponseLag{}, err
	}
	return ResponseLag{Incident: inc.ID, Node: n, Date: date, Days: d,
		Precision: coarser(inc.Props.String("date_precision"), n.Props.String("date_precision")),
		Inferred:  inc.Props["date_inferred"] == true || n.Props["date_inferred"] == true}, nil
}

// coarser returns the coarser of two date precisions; an unknown one
// counts as DAY.
func coarser(a, b string) string {
	ia, ib := max(0, slices.Index(ontology.DatePrecisions, a)), max(0, slices.Index(ontology.DatePrecisions, b))
	return ontology.DatePrecisions[max(ia, ib)]
}

// ResponseLags returns the time to response of each response and statement
// among events, from each incident it answers or is about: the timeline's
// own filters (actor, target, dates) decide which are counted.
func ResponseLags(tx *view.Txn, events []Event) ([]ResponseLag, error) {
	var out []ResponseLag
	incidents := map[string]*store.Node{}
	for _, ev := range events {
		if ev.Node.Type != ontology.Response && ev.Node.Type != ontology.Statement {
			continue
		}
		for _, id := range ev.Incidents {
			inc, ok := incidents[id]
			if !ok {
				var err error
				if inc, err = tx.Node(id); err != nil {
					return nil, err
				}
				incidents[id] = inc
			}
			lag, err := LagOf(inc, ev.Node)
			if err != nil {
				return nil, fmt.Errorf("time to response of %s: %w", ev.Node.ID, err)
			}
			out = append(out, lag)
		}
	}
	return out, nil
}
