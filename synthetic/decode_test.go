package synthetic

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// The store reads records with a faster decoder than the encoding/json it
// writes them with; every record, seed and generated, must read back
// exactly as encoding/json reads it.
func TestStoreReadsRecordsAsEncodingJSONDoes(t *testing.T) {
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(1)
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]store.Node{}
	edges := map[string]store.Edge{}
	for _, n := range b.Nodes {
		nodes[n.ID] = n
	}
	for _, e := range b.Edges {
		edges[e.ID] = e
	}
	fn, fe := c.Fixed()
	for _, n := range fn {
		nodes[n.ID] = n
	}
	for _, e := range fe {
		edges[e.ID] = e
	}
	for i := 1; i <= 20; i++ {
		ns, es := c.Incident(i)
		for _, n := range ns {
			nodes[n.ID] = n
		}
		for _, e := range es {
			edges[e.ID] = e
		}
	}
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(func(tx *store.Txn) error {
		for _, n := range nodes {
			if _, err := tx.PutNode(&n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *store.Txn) error {
		for _, e := range edges {
			if _, err := tx.PutEdge(&e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	viaStd := func(v, out any) {
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
	err = s.View(func(tx *store.Txn) error {
		for id, n := range nodes {
			got, err := tx.Node(id)
			if err != nil {
				return err
			}
			var want store.Node
			viaStd(n, &want)
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("node %s reads back as\n%+v\nwant\n%+v", id, *got, want)
			}
		}
		for id, e := range edges {
			got, err := tx.Edge(id)
			if err != nil {
				return err
			}
			var want store.Edge
			viaStd(e, &want)
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("edge %s reads back as\n%+v\nwant\n%+v", id, *got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes) < 100 || len(edges) < 100 {
		t.Fatalf("only %d nodes and %d edges compared", len(nodes), len(edges))
	}
}
