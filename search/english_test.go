package search

import (
	"testing"

	"github.com/attrib/attrib/store"
)

// English finds the Arabic article by its English title and summary, as a
// note: the hit has no place in the text, so the rendering is never shown
// as the source's words.
func TestEnglishFindsTheArabicArticleByItsRendering(t *testing.T) {
	_, x := seeded(t)
	article := store.NodeID("Document", "000_ee0890f214b0197b")
	for _, q := range []string{`"cuts diplomatic ties"`, "Anadolu wire copy", `"broke off diplomatic relations"`} {
		res, err := x.Search(Query{Reader: x.as("RED"), Text: q, Types: []string{"Document"}, Lang: "en", Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != article {
			t.Fatalf("%s: hits %+v, want the article", q, res.Hits)
		}
		h := res.Hits[0]
		if h.Field != "note" || h.Document != "" || h.Start != -1 {
			t.Errorf("%s: shown in %s at %q [%d:%d]; want a note with no place in a text", q, h.Field, h.Document, h.Start, h.End)
		}
	}
}
