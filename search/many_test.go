package search

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/attrib/attrib/store"
)

// A filtered search over more matches than one scan batch counts only what
// the caller may see, and its pages hold exactly the visible hits in order,
// however the scan is split into index requests.
func TestFilteredSearchOverManyMatches(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const n = 3*scanBatch + 17
	err = st.Update(func(tx *store.Txn) error {
		for i := range n {
			node := &store.Node{ID: store.NodeID("Organization", fmt.Sprint(i)), Type: "Organization",
				Props: store.Props{"name_en": fmt.Sprintf("Agency number %d", i)}}
			if i%3 == 0 {
				node.Marking = "RED"
			}
			if _, err := tx.PutNode(node); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	x, err := Open(filepath.Join(t.TempDir(), "search.bleve"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	want := n - (n+2)/3

	var all []string
	reads := x.reads.Load()
	for from := 0; ; from += 100 {
		res, err := x.Search(Query{Text: "agency", From: from, Size: 100, Reader: x.as("AMBER+STRICT")})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want {
			t.Fatalf("from %d: Total = %d, want %d visible of %d matches", from, res.Total, want, n)
		}
		for _, h := range res.Hits {
			all = append(all, h.ID)
		}
		if len(res.Hits) < 100 {
			break
		}
	}
	if len(all) != want {
		t.Fatalf("paged through %d hits, want %d", len(all), want)
	}
	// The index filters and counts: only the hits shown were read.
	if got := x.reads.Load() - reads; got != int64(want) {
		t.Errorf("paging read %d records from the store, want the %d shown", got, want)
	}
	seen := map[string]bool{}
	for _, id := range all {
		_, key, _ := store.DecodeNodeID(id)
		var i int
		fmt.Sscan(key, &i)
		if i%3 == 0 || seen[id] {
			t.Fatalf("hit %s is hidden or repeated", id)
		}
		seen[id] = true
	}
	// The unfiltered order, less the hidden hits, is the filtered order.
	plain, err := x.Search(Query{Text: "agency", Size: n, Reader: x.as("RED")})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, h := range plain.Hits {
		if seen[h.ID] {
			order = append(order, h.ID)
		}
	}
	if !slices.Equal(order, all) {
		t.Error("filtered pages are not in the index's order")
	}
}
