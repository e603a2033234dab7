package graph_test

import (
	"strings"
	"testing"
)

// Time to response: every response and statement on the timeline and in
// the summary says how many days after the attack of 15 July 2022 it came
// (54, to 7 September), and how precisely that is known.
func TestTimeToResponse(t *testing.T) {
	h := server(t)
	var got struct {
		Timeline struct {
			Events []struct {
				Kind              string
				DaysSinceIncident *int
			}
			TimeToResponse []struct {
				Kind      string
				Node      struct{ ID string }
				Days      int
				Precision string
				Inferred  bool
			}
		}
		AttributionSummary struct {
			TimeToResponse []struct {
				Kind string
				Days int
			}
			FirstResponse *struct {
				Kind string
				Date string
				Days int
			}
		}
	}
	q := `query($i: ID!) {
  timeline(incident: $i) {
    events { kind daysSinceIncident }
    timeToResponse { kind node { id } days precision inferred }
  }
  attributionSummary(incident: $i) {
    timeToResponse { kind days }
    firstResponse { kind date days }
  }
}`
	mustRun(t, h, q, map[string]any{"i": incident}, &got)
	kinds := map[string]int{}
	for _, e := range got.Timeline.Events {
		if e.Kind == "INCIDENT" {
			continue
		}
		if e.DaysSinceIncident == nil || *e.DaysSinceIncident != 54 {
			t.Errorf("%s: daysSinceIncident %v, want 54", e.Kind, e.DaysSinceIncident)
		}
		kinds[e.Kind]++
	}
	if kinds["RESPONSE"] != 7 || kinds["STATEMENT"] == 0 {
		t.Fatalf("events by kind %v, want the 7 responses and the statements", kinds)
	}
	ttr := got.Timeline.TimeToResponse
	byKind := map[string]int{}
	for _, r := range ttr {
		byKind[r.Kind]++
		if r.Days != 54 || r.Precision != "DAY" || !r.Inferred {
			t.Errorf("%s %s: %d days, precision %s, inferred %v; want 54, DAY, inferred", r.Kind, r.Node.ID, r.Days, r.Precision, r.Inferred)
		}
	}
	if byKind["RESPONSE"] != 7 || byKind["STATEMENT"] != kinds["STATEMENT"] {
		t.Errorf("timeToResponse by kind %v; the timeline has %v", byKind, kinds)
	}
	if len(ttr) > 0 && ttr[0].Kind != "RESPONSE" {
		t.Errorf("on the same day responses come before statements: first is %s", ttr[0].Kind)
	}
	s := got.AttributionSummary
	if len(s.TimeToResponse) != len(ttr) {
		t.Errorf("summary has %d times to response, the timeline %d", len(s.TimeToResponse), len(ttr))
	}
	if s.FirstResponse == nil || s.FirstResponse.Days != 54 || s.FirstResponse.Date != "2022-09-07" || s.FirstResponse.Kind != "RESPONSE" {
		t.Errorf("firstResponse %+v, want a response of 2022-09-07, 54 days on", s.FirstResponse)
	}
	// Filtered by actor, only Britain's responses and statements count.
	var gb struct {
		Timeline struct {
			TimeToResponse []struct {
				Node struct {
					Actor      *struct{ Code string }
					OnBehalfOf []struct{ Code string }
				}
			}
		}
	}
	mustRun(t, h, `query($i: ID!, $a: ID!) { timeline(incident: $i, actor: $a) { timeToResponse { node {
		... on Response { actor { code } } ... on Statement { onBehalfOf { code } } } } } }`,
		map[string]any{"i": incident, "a": britain}, &gb)
	if len(gb.Timeline.TimeToResponse) == 0 {
		t.Fatal("no British response on the timeline filtered by actor")
	}
	for _, r := range gb.Timeline.TimeToResponse {
		if (r.Node.Actor != nil && r.Node.Actor.Code != "GB") || (r.Node.Actor == nil && (len(r.Node.OnBehalfOf) == 0 || r.Node.OnBehalfOf[0].Code != "GB")) {
			t.Errorf("actor GB: time to response of %+v", r.Node)
		}
	}
	// As of the day before, nothing had been done.
	mustRun(t, h, strings.Replace(q, "timeline(incident: $i)", `timeline(incident: $i, asOf: "2022-09-06")`, 1), map[string]any{"i": incident}, &got)
	if len(got.Timeline.TimeToResponse) != 0 {
		t.Errorf("as of 2022-09-06: %d responses, want none", len(got.Timeline.TimeToResponse))
	}
}

// Every seed response follows the claim its actor made: the expulsion the
// same accusation as the severance, each link cited in the article.
func TestEverySeedResponseFollowsAClaim(t *testing.T) {
	h := server(t)
	var got struct {
		Incident struct {
			Responses []struct {
				ID      string
				Actor   struct{ Code string }
				Follows []struct {
					ID         string
					Attributor struct{ Code string }
				}
			}
		}
	}
	mustRun(t, h, `query($i: ID!) { incident: node(id: $i) { ... on Incident { responses { id actor { ... on State { code } } follows { id attributor { code } } } } } }`,
		map[string]any{"i": incident}, &got)
	rs := got.Incident.Responses
	if len(rs) != 7 {
		t.Fatalf("%d responses, want 7", len(rs))
	}
	for _, r := range rs {
		if len(r.Follows) == 0 {
			t.Errorf("response %s follows no claim", r.ID)
			continue
		}
		for _, f := range r.Follows {
			if f.Attributor.Code != r.Actor.Code {
				t.Errorf("response %s by %s follows %s's claim", r.ID, r.Actor.Code, f.Attributor.Code)
			}
		}
	}
}
