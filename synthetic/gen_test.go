package synthetic

import (
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

func TestIncidentsAreValidAndCitationsVerify(t *testing.T) {
	c, err := New(1)
	if err != nil {
		t.Fatal(err)
	}
	fixed, fixedEdges := c.Fixed()
	docs := map[string]string{}
	types := map[string]string{}
	check := func(nodes []store.Node, edges []store.Edge) {
		for _, n := range nodes {
			if n.Type == ontology.Document {
				docs[n.ID] = n.Props.String("text")
			}
			types[n.ID] = n.Type
		}
		verify := func(what string, cs []store.Citation) {
			for _, ct := range cs {
				text, ok := docs[ct.Document]
				if !ok {
					t.Fatalf("%s cites unknown document %s", what, ct.Document)
				}
				if err := cite.Verify(text, ct.Exact, ct.Prefix, ct.Suffix, ct.Start, ct.End); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
		}
		for _, n := range nodes {
			if err := ontology.ValidateNode(&n); err != nil {
				t.Fatal(err)
			}
			verify(n.Type+" "+n.ID, n.Citations)
		}
		for _, e := range edges {
			if err := ontology.ValidateEdge(&e, types[e.From], types[e.To]); err != nil {
				t.Fatal(err)
			}
			verify(e.Type+" "+e.ID, e.Citations)
		}
	}
	check(fixed, fixedEdges)
	if n := countType(fixed, ontology.State); n != States {
		t.Errorf("%d states, want %d", n, States)
	}
	made := map[string]int{}
	langs := map[string]int{}
	for i := 1; i <= 300; i++ {
		nodes, edges := c.Incident(i)
		check(nodes, edges)
		atts, resps := countType(nodes, ontology.Attribution), countType(nodes, ontology.Response)
		if atts < 1 || atts > 5 || resps < 0 || resps > 6 {
			t.Fatalf("incident %d: %d attributions, %d responses; want 1-5 and 0-6", i, atts, resps)
		}
		for _, e := range edges {
			if e.Type == ontology.AttributedBy {
				made[e.To]++
			}
		}
		for _, n := range nodes {
			if n.Type == ontology.Document {
				langs[n.Props.String("language")]++
				if l := len(n.Props.String("text")); l < 1500 {
					t.Errorf("document of incident %d is %d bytes; want a few KB", i, l)
				}
			}
		}
	}
	if langs["ar"] == 0 || langs["en"] == 0 {
		t.Errorf("documents by language: %v; want both Arabic and English", langs)
	}
	// A hub makes far more claims than an ordinary state.
	if us, ad := made[StateID("US")], made[StateID("AD")]; us < 10*max(ad, 1) {
		t.Errorf("US made %d attributions, Andorra %d: hubs should be far more active", us, ad)
	}
}

func countType(ns []store.Node, typ string) int {
	n := 0
	for _, x := range ns {
		if x.Type == typ {
			n++
		}
	}
	return n
}

func TestLoadIsDeterministic(t *testing.T) {
	digest := func() ([32]byte, Result) {
		s, err := store.Open("", store.Options{InMemory: true})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		calls := 0
		res, err := Load(s, Options{Seed: 7, Incidents: 45, Batch: 20, Progress: func(int) { calls++ }})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 3 {
			t.Errorf("progress called %d times for 3 batches", calls)
		}
		h := sha256.New()
		err = s.DB().View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.DefaultIteratorOptions)
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				h.Write(it.Item().Key())
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				h.Write(v)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return [32]byte(h.Sum(nil)), res
	}
	a, res := digest()
	b, _ := digest()
	if a != b {
		t.Error("two loads of the same seed and size differ")
	}
	if res.Nodes < 45*3 || res.Edges < 45*5 {
		t.Errorf("loaded %+v; too few records for 45 incidents", res)
	}
}

func TestLoadRefusesAFullStore(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Load(s, Options{Incidents: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(s, Options{Incidents: 1}); err == nil {
		t.Fatal("second load into the same store succeeded")
	}
}

func TestSameIncidentWhateverTheSize(t *testing.T) {
	a, _ := New(3)
	b, _ := New(3)
	na, _ := a.Incident(17)
	nb, _ := b.Incident(17)
	ja, _ := json.Marshal(na)
	jb, _ := json.Marshal(nb)
	if string(ja) != string(jb) {
		t.Error("incident 17 differs between two corpora of the same seed")
	}
}
