package query

import (
	"errors"
	"fmt"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// read runs fn in a read of st that sees everything.
func read(t *testing.T, st *store.Store, fn func(tx *view.Txn) error) {
	t.Helper()
	if err := view.New(st, view.Everything()).View(fn); err != nil {
		t.Fatal(err)
	}
}

// put writes records into st as they are, for a test's own graph.
func put(t *testing.T, st *store.Store, nodes []store.Node, edges []store.Edge) {
	t.Helper()
	err := st.Update(func(tx *store.Txn) error {
		for i := range nodes {
			if _, err := tx.PutNode(&nodes[i]); err != nil {
				return err
			}
		}
		for i := range edges {
			if _, err := tx.PutEdge(&edges[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var cited = []store.Citation{{Document: store.NodeID("Document", "000_ee0890f214b0197b"), Exact: "x", Start: 0, End: 1}}

func edge(typ, from, to, marking string) store.Edge {
	return store.Edge{ID: store.EdgeID(typ, from, to), Type: typ, From: from, To: to, Props: store.Props{}, Citations: cited, Meta: store.Meta{Marking: marking}}
}

func claim(key, band string) store.Node {
	return store.Node{ID: store.NodeID(ontology.Attribution, key), Type: ontology.Attribution, Citations: cited,
		Props: store.Props{"date": "2022-09-10", "date_precision": "DAY", "band": band}}
}

// More chains than a request may have come back cut at MaxChains, flagged
// truncated; a chain is as strong as its weakest claim, UNSTATED weakest.
func TestChainsAreCutAndRankedByTheirWeakestClaim(t *testing.T) {
	st := seedtest.Store(t)
	var nodes []store.Node
	var edges []store.Edge
	for i := range MaxChains + 10 {
		ta := store.NodeID(ontology.ThreatActor, fmt.Sprintf("g%d", i))
		c := claim(fmt.Sprintf("c%d", i), "LIKELY")
		nodes = append(nodes, store.Node{ID: ta, Type: ontology.ThreatActor, Citations: cited, Props: store.Props{"name_en": "g", "kind": "GROUP"}}, c)
		edges = append(edges, edge(ontology.Concerns, c.ID, incident, ""), edge(ontology.Blames, c.ID, ta, ""))
	}
	put(t, st, nodes, edges)
	read(t, st, func(tx *view.Txn) error {
		cs, err := AttributionChains(tx, incident, "", "", 1)
		if err != nil {
			return err
		}
		if !cs.Truncated || len(cs.Chains) != MaxChains {
			t.Errorf("%d chains, truncated %v; want %d, truncated", len(cs.Chains), cs.Truncated, MaxChains)
		}
		for i := 1; i < len(cs.Chains); i++ {
			if ontology.BandRank(cs.Chains[i].Strength) > ontology.BandRank(cs.Chains[i-1].Strength) {
				t.Errorf("chain %d is stronger than chain %d", i, i-1)
			}
		}
		if _, err := AttributionChains(tx, incident, "", "", MaxChainHops+1); !errors.As(err, new(*ArgError)) {
			t.Errorf("maxHops %d: %v", MaxChainHops+1, err)
		}
		return nil
	})
	if ontology.BandRank(ontology.Unstated) >= ontology.BandRank(ontology.Remote) || ontology.BandRank(ontology.AlmostCertain) != 7 {
		t.Error("UNSTATED must rank below every stated band")
	}
}

// A stance above the reader's clearance neither shows nor counts: the
// chain is not disputed for that reader, and disputes leave the claim out.
func TestHiddenStancesDoNotDispute(t *testing.T) {
	st := seedtest.Store(t)
	al := store.NodeID(ontology.Attribution, "al-blames-ir")
	s := store.Node{ID: store.NodeID(ontology.Stance, "red-denial"), Type: ontology.Stance, Citations: cited, Meta: store.Meta{Marking: "RED"},
		Props: store.Props{"date": "2022-09-08", "date_precision": "DAY", "kind": ontology.Denies, "band": "UNSTATED"}}
	put(t, st, []store.Node{s}, []store.Edge{edge(ontology.On, s.ID, al, "RED"), edge(ontology.HeldBy, s.ID, iran, "RED")})
	for _, c := range []struct {
		clearance string
		denied    int
	}{{"CLEAR", 0}, {"AMBER", 0}, {"RED", 1}} {
		err := view.New(st, view.Scope{Clearance: c.clearance}).View(func(tx *view.Txn) error {
			cs, err := AttributionChains(tx, incident, iran, "", 1)
			if err != nil {
				return err
			}
			denied := 0
			for _, ch := range cs.Chains {
				if ch.Links[0].Claim == al {
					denied = len(ch.DeniedBy)
				}
			}
			ds, err := Disputes(tx, "", 20)
			if err != nil {
				return err
			}
			if denied != c.denied || len(ds) != c.denied {
				t.Errorf("as %s: Albania's chain denied by %d, %d disputes; want %d", c.clearance, denied, len(ds), c.denied)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
