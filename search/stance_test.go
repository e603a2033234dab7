package search

import (
	"path/filepath"
	"testing"

	"github.com/attrib/attrib/internal/exampletest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
)

// A stance's words find it: the foreign ministry's "baseless" finds its
// denial, and NATO's "solidarity" its endorsement.
func TestSearchFindsStances(t *testing.T) {
	st := seedtest.Open(t, t.TempDir(), store.Options{})
	exampletest.Ingest(t, st)
	x, err := Open(filepath.Join(t.TempDir(), "search.bleve"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	for q, want := range map[string]string{
		"baseless":    store.NodeID("Stance", "ir-denies-al"),
		"solidarity":  store.NodeID("Stance", "nato-endorses-al"),
		"had no part": store.NodeID("Stance", "ir-denies-gb"),
	} {
		res, err := x.Search(Query{Reader: x.as("CLEAR"), Text: q, Types: []string{"Stance"}, Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			found = found || h.ID == want
		}
		if !found {
			t.Errorf("%q: %d hits, none is %s", q, len(res.Hits), want)
		}
	}
}
