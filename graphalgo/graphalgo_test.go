package graphalgo

import (
	"errors"
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
	usa      = store.NodeID("State", "US")
	incident = store.NodeID("Incident", "2022-07-15-albania-gov")
)

// read runs fn in a read of st that sees everything.
func read(t *testing.T, st *store.Store, fn func(tx *view.Txn) error) {
	t.Helper()
	if err := view.New(st, view.Everything()).View(fn); err != nil {
		t.Fatal(err)
	}
}

// Britain and the United States each blamed Iran, separately: following
// only who claimed what about which incident, the two states meet at the
// incident and nowhere else.
func TestPathJoinsTwoStatesThroughTheIncident(t *testing.T) {
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
		ps, err := ShortestPaths(tx, britain, usa, PathOptions{EdgeTypes: []string{ontology.AttributedBy, ontology.Concerns}})
		if err != nil {
			return err
		}
		if len(ps) != 1 {
			t.Fatalf("got %d paths, want 1: %+v", len(ps), ps)
		}
		p := ps[0]
		want := []string{britain, store.NodeID("Attribution", "gb-blames-ir"), incident, store.NodeID("Attribution", "us-blames-ir"), usa}
		if len(p.Nodes) != len(want) {
			t.Fatalf("path %v, want %v", p.Nodes, want)
		}
		for i := range want {
			if p.Nodes[i] != want[i] {
				t.Fatalf("path %v, want %v", p.Nodes, want)
			}
		}
		if len(p.Edges) != 4 || p.Edges[1].Type != ontology.Concerns || p.Edges[2].Type != ontology.Concerns {
			t.Errorf("edges %+v, want ATTRIBUTED_BY, CONCERNS, CONCERNS, ATTRIBUTED_BY", p.Edges)
		}
		// Without the incident's edges the two are not joined at all.
		ps, err = ShortestPaths(tx, britain, usa, PathOptions{EdgeTypes: []string{ontology.AttributedBy}})
		if err != nil {
			return err
		}
		if len(ps) != 0 {
			t.Errorf("paths without CONCERNS: %+v, want none", ps)
		}
		return nil
	})
}

func TestPathsAndNeighbourhoodAreBounded(t *testing.T) {
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
		if _, err := ShortestPaths(tx, britain, usa, PathOptions{MaxHops: MaxHops + 1}); !errors.Is(err, ErrBounds) {
			t.Errorf("maxHops %d: err = %v, want ErrBounds", MaxHops+1, err)
		}
		if _, err := Around(tx, iran, MaxDepth+1); !errors.Is(err, ErrBounds) {
			t.Errorf("depth %d: err = %v, want ErrBounds", MaxDepth+1, err)
		}
		nb, err := Around(tx, incident, 1)
		if err != nil {
			return err
		}
		// The incident, its two targets, three attributions, seven
		// responses and the statements about it.
		if nb.Nodes[0] != incident || nb.Distance[albania] != 1 || nb.Distance[store.NodeID("Attribution", "al-blames-ir")] != 1 {
			t.Errorf("neighbourhood %+v lacks the incident's target and claims", nb.Nodes)
		}
		if _, ok := nb.Distance[iran]; ok {
			t.Errorf("Iran is two hops from the incident, not one")
		}
		return nil
	})
}

func TestTimelinePutsTheAttackFirst(t *testing.T) {
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
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
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
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
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
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
	st := seedtest.Store(t)
	read(t, st, func(tx *view.Txn) error {
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
