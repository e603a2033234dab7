package server_test

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attrib/attrib/importer"
)

// sandwormQuery asks what the Sandworm example of docs/examples.md asks,
// and its aliases too; TestDocExamples checks the answer shown there.
const sandwormQuery = `{
  threatActors(name: "Sandworm Team") {
    edges {
      node {
        name
        aliases { text }
        attributionsReceived {
          date { date }
          attributor { name }
          basisEn
          subject { ... on Campaign { name firstSeen lastSeen } }
        }
        malware { name }
        attackPatterns { name externalIds { externalId } }
      }
    }
  }
}`

// GraphQL answers which campaigns Sandworm Team is blamed for, by whom, on
// what basis, and what it uses, from the imported ATT&CK for ICS.
func TestWhichCampaignsIsSandwormBlamedFor(t *testing.T) {
	e := newEnv(t, false)
	data, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(e.store, data); err != nil {
		t.Fatal(err)
	}
	var out struct {
		ThreatActors struct {
			Edges []struct {
				Node struct {
					Name                 string
					Aliases              []struct{ Text string }
					AttributionsReceived []struct {
						Date       struct{ Date string }
						Attributor struct{ Name string }
						BasisEn    string
						Subject    struct{ Name, FirstSeen, LastSeen string }
					}
					Malware        []struct{ Name string }
					AttackPatterns []struct {
						Name        string
						ExternalIds []struct{ ExternalID string }
					}
				}
			}
		}
	}
	e.must("", sandwormQuery, nil, &out)
	if len(out.ThreatActors.Edges) != 1 {
		t.Fatalf("%d actors named Sandworm Team", len(out.ThreatActors.Edges))
	}
	sw := out.ThreatActors.Edges[0].Node
	var campaigns []string
	for _, a := range sw.AttributionsReceived {
		campaigns = append(campaigns, a.Subject.Name)
		if a.Attributor.Name != "The MITRE Corporation" || !strings.Contains(a.BasisEn, "(Citation:") || a.Date.Date == "" || a.Subject.FirstSeen == "" {
			t.Errorf("claim about %s: by %q on %q, dated %q", a.Subject.Name, a.Attributor.Name, a.BasisEn, a.Date.Date)
		}
	}
	slices.Sort(campaigns)
	if strings.Join(campaigns, "; ") != "2015 Ukraine Electric Power Attack; 2016 Ukraine Electric Power Attack; 2022 Ukraine Electric Power Attack" {
		t.Errorf("Sandworm Team is blamed for %v, want the three Ukraine power-grid campaigns", campaigns)
	}
	var malware []string
	for _, m := range sw.Malware {
		malware = append(malware, m.Name)
	}
	for _, want := range []string{"BlackEnergy", "Industroyer", "KillDisk"} {
		if !slices.Contains(malware, want) {
			t.Errorf("Sandworm Team's malware %v lacks %s", malware, want)
		}
	}
	if len(sw.AttackPatterns) == 0 || len(sw.AttackPatterns[0].ExternalIds) == 0 || !strings.HasPrefix(sw.AttackPatterns[0].ExternalIds[0].ExternalID, "T0") {
		t.Errorf("techniques %+v, want ATT&CK for ICS techniques with their IDs", sw.AttackPatterns)
	}
	var aliases []string
	for _, a := range sw.Aliases {
		aliases = append(aliases, a.Text)
	}
	if len(aliases) != 10 || !slices.Contains(aliases, "Seashell Blizzard") {
		t.Errorf("aliases %v, want the bundle's ten besides the name", aliases)
	}
}

// The attribution summary covers a campaign: who claimed who ran it, and
// the days from when it was first seen to the claim.
func TestAttributionSummaryOfACampaign(t *testing.T) {
	e := newEnv(t, false)
	data, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(e.store, data); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Campaigns struct {
			Edges []struct {
				Node struct{ ID, FirstSeen string }
			}
		}
	}
	e.must("", `{ campaigns(name: "2016 Ukraine Electric Power Attack") { edges { node { id firstSeen } } } }`, nil, &list)
	if len(list.Campaigns.Edges) != 1 {
		t.Fatalf("campaigns(name:) found %d", len(list.Campaigns.Edges))
	}
	c := list.Campaigns.Edges[0].Node
	var out struct {
		AttributionSummary struct {
			Incident *struct{ ID string }
			Subject  struct{ Name string }
			Claims   []struct {
				Attributor struct{ Name string }
				Blamed     []struct{ Name string }
				Date       string
				Days       *int
			}
			Positions []struct{ Agree []struct{ Name string } }
		}
	}
	e.must("", `query($id: ID!) { attributionSummary(incident: $id) { incident { id } subject { name }
		claims { attributor { name } blamed { name } date days } positions { agree { name } } } }`, map[string]any{"id": c.ID}, &out)
	s := out.AttributionSummary
	if s.Incident != nil || s.Subject.Name != "2016 Ukraine Electric Power Attack" || len(s.Claims) != 1 {
		t.Fatalf("summary %+v", s)
	}
	cl := s.Claims[0]
	first, _ := time.Parse(time.DateOnly, c.FirstSeen)
	claimed, _ := time.Parse(time.DateOnly, cl.Date)
	if cl.Attributor.Name != "The MITRE Corporation" || cl.Blamed[0].Name != "Sandworm Team" || cl.Days == nil || *cl.Days != int(claimed.Sub(first).Hours()/24) {
		t.Errorf("claim %+v (days want from %s to %s)", cl, c.FirstSeen, cl.Date)
	}
	if len(s.Positions) != 1 || s.Positions[0].Agree[0].Name != "The MITRE Corporation" {
		t.Errorf("positions %+v", s.Positions)
	}
}

// The timeline places campaigns at first seen: those some claim blames on
// Sandworm Team, in order, and MITRE's claims by their own dates.
func TestTimelineShowsCampaigns(t *testing.T) {
	e := newEnv(t, false)
	data, err := os.ReadFile("../testdata/attack-ics/ics-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Import(e.store, data); err != nil {
		t.Fatal(err)
	}
	type events struct {
		Timeline struct {
			Events []struct {
				Kind string
				Date struct{ Date string }
				Node struct{ Name string }
			}
		}
	}
	const sandworm = "VGhyZWF0QWN0b3I6aW50cnVzaW9uLXNldC0tMzgxZmNmNzMtNjBmNi00YWIyLTk5OTEtNmFmM2NiYzM1MTky"
	var blamed events
	e.must("", `query($a: ID) { timeline(actor: $a) { events { kind date { date } node { ... on Campaign { name } } } } }`, map[string]any{"a": sandworm}, &blamed)
	var got []string
	for _, ev := range blamed.Timeline.Events {
		got = append(got, ev.Kind+" "+ev.Date.Date+" "+ev.Node.Name)
	}
	want := "CAMPAIGN 2015-12-01 2015 Ukraine Electric Power Attack; CAMPAIGN 2016-12-01 2016 Ukraine Electric Power Attack; CAMPAIGN 2022-06-01 2022 Ukraine Electric Power Attack"
	if strings.Join(got, "; ") != want {
		t.Errorf("timeline(actor: Sandworm Team) = %v\nwant %s", got, want)
	}
	var all events
	e.must("", `{ timeline(from: "2023-01-01") { events { kind date { date } } } }`, nil, &all)
	kinds := map[string]int{}
	for _, ev := range all.Timeline.Events {
		kinds[ev.Kind]++
	}
	if kinds["ATTRIBUTION"] != 5 {
		t.Errorf("timeline from 2023 has %v; want MITRE's 5 claims", kinds)
	}
}
