package query

import (
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

var (
	albania  = store.NodeID("State", "AL")
	iran     = store.NodeID("State", "IR")
	britain  = store.NodeID("State", "GB")
	incident = store.NodeID("Incident", "2022-07-15-albania-gov")
)

// readAll runs fn in a read of the seeded store that sees everything.
func readAll(t *testing.T, fn func(tx *view.Txn) error) {
	t.Helper()
	if err := view.New(seedtest.Store(t), view.Everything()).View(fn); err != nil {
		t.Fatal(err)
	}
}

func TestTimelinePutsTheAttackFirst(t *testing.T) {
	readAll(t, func(tx *view.Txn) error {
		evs, err := Timeline(tx, Filter{Incident: incident})
		if err != nil {
			return err
		}
		if len(evs) < 4 || evs[0].Node.ID != incident || evs[0].Date != "2022-07-15" {
			t.Fatalf("first event %+v, want the incident of 2022-07-15", evs[0])
		}
		seen := map[string]bool{}
		for i, ev := range evs[1:] {
			if ev.Date < evs[i].Date {
				t.Errorf("event %d (%s) is dated before the one it follows", i+1, ev.Date)
			}
			seen[ev.Node.Type] = true
		}
		for _, typ := range []string{ontology.Attribution, ontology.Response, ontology.Statement} {
			if !seen[typ] {
				t.Errorf("no %s after the incident", typ)
			}
		}
		// Britain's own acts only.
		evs, err = Timeline(tx, Filter{Actor: britain})
		if err != nil {
			return err
		}
		for _, ev := range evs {
			if ok, _ := namesParty(tx, ev.Node.ID, actorEdges[ev.Node.Type], britain); !ok {
				t.Errorf("actor filter kept %s", ev.Node.ID)
			}
		}
		if len(evs) == 0 {
			t.Error("Britain acted, but the timeline shows nothing")
		}
		return nil
	})
}

func TestTimeToAttributionIs54Days(t *testing.T) {
	readAll(t, func(tx *view.Txn) error {
		lags, err := TimeToAttribution(tx, incident, "")
		if err != nil {
			return err
		}
		if len(lags) != 3 {
			t.Fatalf("got %d attributions, want Albania's, Britain's and the United States'", len(lags))
		}
		for _, l := range lags {
			// 15 July to 7 September 2022: 16 + 31 + 7 days.
			if l.Days != 54 {
				t.Errorf("%s: %d days, want 54", l.Attribution, l.Days)
			}
		}
		return nil
	})
}

func TestAsOfBeforeTheClaimsKeepsOnlyTheIncident(t *testing.T) {
	readAll(t, func(tx *view.Txn) error {
		evs, err := Timeline(tx, Filter{AsOf: "2022-09-06"})
		if err != nil {
			return err
		}
		if len(evs) != 1 || evs[0].Node.ID != incident {
			t.Errorf("timeline as of 2022-09-06: %d events, want only the incident", len(evs))
		}
		s, err := Summarize(tx, incident, "2022-09-06")
		if err != nil {
			return err
		}
		if len(s.Claims) != 0 || s.First != nil || len(s.Positions) != 0 {
			t.Errorf("summary as of 2022-09-06 has claims: %+v", s)
		}
		s, err = Summarize(tx, incident, "2022-09-07")
		if err != nil {
			return err
		}
		if len(s.Claims) != 3 {
			t.Errorf("summary as of 2022-09-07 has %d claims, want 3", len(s.Claims))
		}
		return nil
	})
}

func TestSummaryWhoBlamedWhom(t *testing.T) {
	readAll(t, func(tx *view.Txn) error {
		s, err := Summarize(tx, incident, "")
		if err != nil {
			return err
		}
		if len(s.Positions) != 1 || s.Positions[0].Blamed != iran || len(s.Positions[0].Agree) != 3 || len(s.Positions[0].Disagree) != 0 {
			t.Errorf("positions %+v, want all three attributors blaming Iran", s.Positions)
		}
		if s.Highest == nil || *s.Highest.Confidence != 95 || s.Lowest == nil || *s.Lowest.Confidence != 95 {
			t.Errorf("confidence range %+v..%+v, want 95 (the US claim states none)", s.Lowest, s.Highest)
		}
		if !s.InvolvementDiffers {
			t.Error("Albania says orchestrated and sponsored, Britain state-linked: involvement differs")
		}
		if s.First == nil || s.Latest == nil || s.First.Date != "2022-09-07" {
			t.Errorf("first/latest %+v %+v", s.First, s.Latest)
		}
		return nil
	})
}
