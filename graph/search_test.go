package graph_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/store"
)

var (
	iran     = store.NodeID("State", "IR")
	albania  = store.NodeID("State", "AL")
	britain  = store.NodeID("State", "GB")
	usa      = store.NodeID("State", "US")
	incident = store.NodeID("Incident", "2022-07-15-albania-gov")
)

// server serves the seeded article with its search index.
func server(t *testing.T) http.Handler {
	t.Helper()
	st := seedtest.Store(t)
	x, err := search.Open(filepath.Join(t.TempDir(), "search.bleve"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return graph.NewHandler(st, graph.DefaultLimits, nil, graph.WithIndex(x))
}

// run posts a query and decodes its data into out; it returns the errors.
func run(t *testing.T, h http.Handler, query string, vars map[string]any, out any) []gqltest.Error {
	t.Helper()
	r := gqltest.Serve(t, h, gqltest.Request{Query: query, Variables: vars})
	r.Decode(t, out)
	return r.Errors
}

func mustRun(t *testing.T, h http.Handler, query string, vars map[string]any, out any) {
	t.Helper()
	gqltest.Serve(t, h, gqltest.Request{Query: query, Variables: vars}).Must(t, out)
}

const searchQuery = `query($q: String!, $types: [NodeType!], $lang: String, $first: Int) {
  search(query: $q, types: $types, lang: $lang, first: $first) {
    totalCount
    edges { node { id __typename } score field matchedIn snippet highlights { start end } start end document { text } }
  }
}`

type searchResult struct {
	Search struct {
		TotalCount int
		Edges      []struct {
			Node       struct{ ID, Typename string }
			Score      float64
			Field      string
			MatchedIn  []string
			Snippet    string
			Highlights []struct{ Start, End int }
			Start      *int
			End        *int
			Document   *struct{ Text string }
		}
	}
}

func TestSearchWithoutDiacriticsOrHamzaFindsTheArticle(t *testing.T) {
	h := server(t)
	for _, tc := range []struct{ query, inText string }{
		{"متهمة", "متّهمةً"},
		{"معمقا", "معمّقاً"},
		{"ايران", "إيران"},
	} {
		var got searchResult
		mustRun(t, h, searchQuery, map[string]any{"q": tc.query, "types": []string{"Document"}}, &got)
		if len(got.Search.Edges) != 1 {
			t.Fatalf("%s: %d hits, want the article", tc.query, len(got.Search.Edges))
		}
		e := got.Search.Edges[0]
		if e.Start == nil || e.Document == nil {
			t.Fatalf("%s: hit has no place in the document: %+v", tc.query, e)
		}
		if span := string([]rune(e.Document.Text)[*e.Start:*e.End]); span != tc.inText {
			t.Errorf("%s: text[%d:%d] = %q, want %q", tc.query, *e.Start, *e.End, span, tc.inText)
		}
		if len(e.Highlights) == 0 || string([]rune(e.Snippet)[e.Highlights[0].Start:e.Highlights[0].End]) != tc.inText {
			t.Errorf("%s: snippet %q highlights %v, not %q", tc.query, e.Snippet, e.Highlights, tc.inText)
		}
	}
}

func TestSearchMetonymsFindTheirState(t *testing.T) {
	h := server(t)
	for _, q := range []string{"طهران", "Tehran"} {
		var got searchResult
		mustRun(t, h, searchQuery, map[string]any{"q": q}, &got)
		if len(got.Search.Edges) == 0 || got.Search.Edges[0].Node.ID != iran {
			t.Fatalf("%s: top hit %+v, want Iran", q, got.Search.Edges)
		}
		if !contains(got.Search.Edges[0].MatchedIn, "alias") {
			t.Errorf("%s: matched in %v, want alias", q, got.Search.Edges[0].MatchedIn)
		}
	}
}

func TestSearchPageSizeIsEnforced(t *testing.T) {
	h := server(t)
	errs := run(t, h, searchQuery, map[string]any{"q": "Iran", "first": graph.MaxPageSize + 1}, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != apierr.Validation || !strings.Contains(errs[0].Message, "maximum page size") {
		t.Fatalf("errors %+v, want one VALIDATION error naming the maximum page size", errs)
	}
}

func TestPathJoinsBritainAndTheUSThroughTheIncident(t *testing.T) {
	h := server(t)
	var got struct {
		Paths []struct {
			Length int
			Nodes  []struct{ ID string }
			Links  []struct {
				Type      string
				Citations []struct{ Exact string }
			}
		}
	}
	mustRun(t, h, `query($from: ID!, $to: ID!) {
	  paths(from: $from, to: $to, edgeTypes: ["ATTRIBUTED_BY", "CONCERNS"]) {
	    length nodes { id } links { type citations { exact } }
	  }
	}`, map[string]any{"from": britain, "to": usa}, &got)
	if len(got.Paths) != 1 || got.Paths[0].Length != 4 {
		t.Fatalf("paths %+v, want one of 4 links", got.Paths)
	}
	p := got.Paths[0]
	if p.Nodes[0].ID != britain || p.Nodes[2].ID != incident || p.Nodes[4].ID != usa {
		t.Errorf("path %+v does not run Britain, claim, incident, claim, United States", p.Nodes)
	}
	for _, l := range p.Links {
		if len(l.Citations) == 0 || l.Citations[0].Exact == "" {
			t.Errorf("link %s has no citation", l.Type)
		}
	}
	errs := run(t, h, `{ paths(from: "`+britain+`", to: "`+usa+`", maxHops: 7) { length } }`, nil, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != apierr.Validation {
		t.Errorf("maxHops 7: errors %+v, want a VALIDATION error", errs)
	}
	errs = run(t, h, `{ neighbourhood(id: "`+iran+`", depth: 4) { depth } }`, nil, nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "depth must be between 0 and 3") {
		t.Errorf("depth 4: errors %+v, want the bound named", errs)
	}
}

const timelineQuery = `query($asOf: Date) {
  timeline(incident: "` + "INCIDENT" + `", asOf: $asOf) {
    events { kind date { date inferred basis } node { id } daysSinceIncident }
    timeToAttribution { attribution { id } days }
  }
}`

type timelineResult struct {
	Timeline struct {
		Events []struct {
			Kind string
			Date struct {
				Date     string
				Inferred bool
				Basis    *string
			}
			Node              struct{ ID string }
			DaysSinceIncident *int
		}
		TimeToAttribution []struct {
			Attribution struct{ ID string }
			Days        int
		}
	}
}

func TestTimelineOrderAndTimeToAttribution(t *testing.T) {
	h := server(t)
	var got timelineResult
	mustRun(t, h, strings.Replace(timelineQuery, "INCIDENT", incident, 1), nil, &got)
	evs := got.Timeline.Events
	if len(evs) == 0 || evs[0].Kind != "INCIDENT" || evs[0].Date.Date != "2022-07-15" {
		t.Fatalf("first event %+v, want the attack of 2022-07-15", evs)
	}
	firstResponse := -1
	for i, e := range evs {
		if e.Kind == "RESPONSE" && firstResponse < 0 {
			firstResponse = i
		}
		if e.Kind == "ATTRIBUTION" && firstResponse >= 0 {
			t.Errorf("attribution %s comes after a response on the same day", e.Node.ID)
		}
		if e.Kind == "ATTRIBUTION" && (e.DaysSinceIncident == nil || *e.DaysSinceIncident != 54) {
			t.Errorf("attribution %s: daysSinceIncident %v, want 54", e.Node.ID, e.DaysSinceIncident)
		}
	}
	if firstResponse < 0 {
		t.Error("no response on the timeline")
	}
	tta := got.Timeline.TimeToAttribution
	if len(tta) != 3 {
		t.Fatalf("timeToAttribution has %d claims, want 3", len(tta))
	}
	for _, x := range tta {
		if x.Days != 54 {
			t.Errorf("%s: %d days, want 54 (15 July to 7 September 2022)", x.Attribution.ID, x.Days)
		}
	}
}

func TestAsOfBeforeTheAttributionsShowsTheIncidentAlone(t *testing.T) {
	h := server(t)
	var inc struct {
		Incidents struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID           string
					Attributions []struct{ ID string }
					Responses    []struct{ ID string }
				}
			}
		}
		Attributions       struct{ TotalCount int }
		AttributionSummary struct {
			Claims []struct{ Days int }
			First  *struct{ Date string }
		}
	}
	q := `query($asOf: Date) {
	  incidents(asOf: $asOf) { totalCount edges { node { id attributions { id } responses { id } } } }
	  attributions(asOf: $asOf) { totalCount }
	  attributionSummary(incident: "` + incident + `", asOf: $asOf) { claims { days } first { date } }
	}`
	mustRun(t, h, q, map[string]any{"asOf": "2022-09-06"}, &inc)
	if inc.Incidents.TotalCount != 1 || len(inc.Incidents.Edges) != 1 || inc.Incidents.Edges[0].Node.ID != incident {
		t.Fatalf("incidents as of 2022-09-06: %+v, want the attack", inc.Incidents)
	}
	n := inc.Incidents.Edges[0].Node
	if len(n.Attributions) != 0 || len(n.Responses) != 0 {
		t.Errorf("as of 2022-09-06 the incident shows %d attributions and %d responses, want none", len(n.Attributions), len(n.Responses))
	}
	if inc.Attributions.TotalCount != 0 || len(inc.AttributionSummary.Claims) != 0 || inc.AttributionSummary.First != nil {
		t.Errorf("as of 2022-09-06: %d attributions, summary %+v; want none", inc.Attributions.TotalCount, inc.AttributionSummary)
	}
	var tl timelineResult
	mustRun(t, h, strings.Replace(timelineQuery, "INCIDENT", incident, 1), map[string]any{"asOf": "2022-09-06"}, &tl)
	if len(tl.Timeline.Events) != 1 || tl.Timeline.Events[0].Kind != "INCIDENT" || len(tl.Timeline.TimeToAttribution) != 0 {
		t.Errorf("timeline as of 2022-09-06: %+v, want the incident alone", tl.Timeline)
	}
	// A day later, everything the article reports has been claimed.
	mustRun(t, h, q, map[string]any{"asOf": "2022-09-07"}, &inc)
	if got := len(inc.Incidents.Edges[0].Node.Attributions); got != 3 || inc.Attributions.TotalCount != 3 {
		t.Errorf("as of 2022-09-07: %d attributions on the incident, totalCount %d; want 3 and 3", got, inc.Attributions.TotalCount)
	}
}

func TestSummaryAndFilters(t *testing.T) {
	h := server(t)
	var got struct {
		AttributionSummary struct {
			Positions []struct {
				Blamed   struct{ ID string }
				Agree    []struct{ Code string }
				Disagree []struct{ Code string }
			}
			Highest, Lowest    *struct{ Confidence *int }
			InvolvementDiffers bool
		}
		Attributions struct {
			Edges []struct {
				Node struct {
					Confidence *int
					Attributor struct{ Code string }
				}
			}
		}
		Incidents struct{ TotalCount int }
		NotBlamed struct{ TotalCount int }
		Responses struct{ TotalCount int }
	}
	mustRun(t, h, `{
	  attributionSummary(incident: "`+incident+`") {
	    positions { blamed { ... on State { id } } agree { code } disagree { code } }
	    highest { confidence } lowest { confidence } involvementDiffers
	  }
	  attributions(sort: CONFIDENCE_DESC) { edges { node { confidence attributor { code } } } }
	  incidents(actor: "`+iran+`", minConfidence: 95, lang: "ar") { totalCount }
	  notBlamed: incidents(actor: "`+albania+`") { totalCount }
	  responses(from: "2022-09-08") { totalCount }
	}`, nil, &got)
	s := got.AttributionSummary
	if len(s.Positions) != 1 || s.Positions[0].Blamed.ID != iran || len(s.Positions[0].Agree) != 3 || len(s.Positions[0].Disagree) != 0 {
		t.Errorf("positions %+v, want Albania, Britain and the United States agreeing on Iran", s.Positions)
	}
	if s.Highest == nil || *s.Highest.Confidence != 95 || !s.InvolvementDiffers {
		t.Errorf("summary %+v, want highest 95 and differing involvement", s)
	}
	edges := got.Attributions.Edges
	if len(edges) != 3 || edges[2].Node.Attributor.Code != "US" || edges[2].Node.Confidence != nil {
		t.Errorf("by confidence: %+v, want the US claim (no stated certainty) last", edges)
	}
	if got.Incidents.TotalCount != 1 || got.NotBlamed.TotalCount != 0 || got.Responses.TotalCount != 0 {
		t.Errorf("filters: incidents blaming Iran %d (want 1), blaming Albania %d (want 0), responses after the article %d (want 0)",
			got.Incidents.TotalCount, got.NotBlamed.TotalCount, got.Responses.TotalCount)
	}
	errs := run(t, h, `{ responses(sort: CONFIDENCE_DESC) { totalCount } }`, nil, nil)
	if len(errs) != 1 || errs[0].Extensions["code"] != apierr.Validation {
		t.Errorf("confidence sort on responses: %+v, want a VALIDATION error", errs)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestEveryConnectionEnforcesTheMaximumPageSize(t *testing.T) {
	h := server(t)
	for _, field := range []string{"incidents", "attributions", "responses", "statements", "documents", "states"} {
		errs := run(t, h, `{ `+field+`(first: 101) { totalCount } }`, nil, nil)
		if len(errs) != 1 || errs[0].Extensions["code"] != apierr.Validation || !strings.Contains(errs[0].Message, "maximum page size") {
			t.Errorf("%s(first: 101): errors %+v, want one VALIDATION error naming the maximum page size", field, errs)
		}
	}
}
