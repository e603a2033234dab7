package search

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// seeded opens a store holding the embedded article and an index over it.
func seeded(t *testing.T) (*store.Store, *Index) {
	t.Helper()
	st := seedtest.Store(t)
	x, err := Open(filepath.Join(t.TempDir(), "search.bleve"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return st, x
}

// docText returns the article's text.
func docText(t *testing.T, st *store.Store, id string) string {
	t.Helper()
	var text string
	if err := st.View(func(tx *store.Txn) error {
		n, err := tx.Node(id)
		if err == nil {
			text = n.Props.String("text")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return text
}

func runes(s string, from, to int) string {
	r := []rune(s)
	return string(r[from:to])
}

func TestSearchIgnoresDiacriticsAndHamza(t *testing.T) {
	st, x := seeded(t)
	article := store.NodeID("Document", "000_ee0890f214b0197b")
	text := docText(t, st, article)
	for _, tc := range []struct{ query, want string }{
		{"متهمة", "متّهمةً"}, // no shadda, no tanween, taa marbuta as typed
		{"متهمه", "متّهمةً"}, // taa marbuta written as haa
		{"معمقا", "معمّقاً"}, // no shadda, no tanween
		{"ايران", "إيران"},   // no hamza under the alef
		{"الايرانية", "الإيرانية"},
		{"ایران", "إيران"}, // Persian yeh, as typed on a Persian keyboard
		{"کبیرة", "كبيرة"}, // Persian keheh and yeh
	} {
		res, err := x.Search(Query{Text: tc.query, Types: []string{"Document"}, Size: 5, Reader: x.as("RED")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.Hits[0].ID != article {
			t.Fatalf("%s: hits %+v, want the article", tc.query, res.Hits)
		}
		h := res.Hits[0]
		if got := runes(text, h.Start, h.End); !strings.Contains(got, tc.want) && got != tc.want {
			t.Errorf("%s: hit at [%d,%d) is %q, want %q", tc.query, h.Start, h.End, got, tc.want)
		}
		if len(h.Highlights) == 0 || runes(h.Snippet, h.Highlights[0].Start, h.Highlights[0].End) != tc.want {
			t.Errorf("%s: snippet %q highlights %v, want %q", tc.query, h.Snippet, h.Highlights, tc.want)
		}
		t.Logf("%s -> %q [%d,%d) %s", tc.query, runes(text, h.Start, h.End), h.Start, h.End, h.Snippet)
	}
}

func TestSearchMetonymFindsItsState(t *testing.T) {
	_, x := seeded(t)
	iran := store.NodeID("State", "IR")
	albania := store.NodeID("State", "AL")
	for _, tc := range []struct{ query, lang, want string }{
		{"طهران", "ar", iran},
		{"Tehran", "en", iran},
		{"تيرانا", "", albania},
		{"Tirana", "", albania},
	} {
		res, err := x.Search(Query{Text: tc.query, Lang: tc.lang, Size: 10, Reader: x.as("RED")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != tc.want {
			t.Fatalf("%s: top hit %+v, want %s", tc.query, res.Hits, tc.want)
		}
		if !slices.Contains(res.Hits[0].Fields, "alias") {
			t.Errorf("%s: matched in %v, want the alias among them", tc.query, res.Hits[0].Fields)
		}
		t.Logf("%s -> %s %s %q", tc.query, res.Hits[0].Type, res.Hits[0].Field, res.Hits[0].Snippet)
	}
}

func TestSearchOffsetsAreCodePoints(t *testing.T) {
	st, x := seeded(t)
	res, err := x.Search(Query{Text: "كليفرلي", Types: []string{"Person"}, Size: 5, Reader: x.as("RED")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %+v, want James Cleverly", res.Hits)
	}
	h := res.Hits[0]
	if h.Document == "" {
		t.Fatalf("hit %+v has no place in a document", h)
	}
	text := docText(t, st, h.Document)
	if got := runes(text, h.Start, h.End); got != "كليفرلي" {
		t.Errorf("text[%d:%d] = %q, want كليفرلي", h.Start, h.End, got)
	}
	if h.End > utf8.RuneCountInString(text) {
		t.Errorf("end %d past the text", h.End)
	}
}

func TestIndexFollowsWritesAndCatchesUpAtStart(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	path := filepath.Join(t.TempDir(), "search.bleve")
	x, err := Open(path, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	x.Follow()
	put := func(code, name string) {
		t.Helper()
		err := st.Update(func(tx *store.Txn) error {
			_, err := tx.PutNode(&store.Node{ID: store.NodeID("State", code), Type: "State",
				Props: store.Props{"code": code, "name_en": name}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	found := func(x *Index, q string) bool {
		t.Helper()
		res, err := x.Search(Query{Text: q, Size: 5, Reader: x.as("RED")})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total == 1
	}
	put("NO", "Norway")
	if !found(x, "Norway") {
		t.Fatal("a committed write is not searchable while the index follows the store")
	}
	// A write the index never hears of, as after a crash between commit
	// and index update: reopening replays the change log.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	put("SE", "Sweden")
	x, err = Open(path, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if !found(x, "Sweden") || !found(x, "Norway") {
		t.Fatal("reopened index did not catch up with the store")
	}
	seq, err := x.CommitSeq()
	if err != nil || seq != 2 {
		t.Fatalf("index seq = %d, %v; want 2", seq, err)
	}
}

func TestIndexAheadOfStoreIsRebuilt(t *testing.T) {
	st, x := seeded(t)
	path := x.path
	x.Close()
	// A fresh store (say, restored from an older backup) behind the index.
	fresh, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	_ = st
	y, err := Open(path, fresh, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	res, err := y.Search(Query{Text: "طهران", Size: 5, Reader: y.as("RED")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 0 {
		t.Fatalf("index over an empty store still finds %d hits", res.Total)
	}
}

func TestSearchRejectsBadInput(t *testing.T) {
	_, x := seeded(t)
	if _, err := x.Search(Query{Text: "  ", Size: 5, Reader: x.as("RED")}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("empty query: err = %v", err)
	}
	if _, err := x.Search(Query{Text: "Iran", Lang: "fr", Size: 5, Reader: x.as("RED")}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("lang fr: err = %v", err)
	}
}

func TestUnreadableIndexIsRebuilt(t *testing.T) {
	st, x := seeded(t)
	path := x.path
	x.Close()
	// As after a crash mid-write or a stray edit: the index's own metadata
	// is gone.
	if err := os.Remove(filepath.Join(path, "index_meta.json")); err != nil {
		t.Fatal(err)
	}
	y, err := Open(path, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	res, err := y.Search(Query{Text: "طهران", Types: []string{"State"}, Size: 5, Reader: y.as("RED")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].ID != store.NodeID("State", "IR") {
		t.Fatalf("rebuilt index: %+v, want Iran", res)
	}
}

// A node citing documents in both languages is described from the right
// citation whichever language the match is in: a quote's place in its
// field is its citation's place among the node's citations.
func TestQuotesInMixedLanguagesKeepTheirCitations(t *testing.T) {
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	en, ar := store.NodeID("Document", "en"), store.NodeID("Document", "ar")
	enText, arText := "Officials in Tirana blamed Tehran.", "قطعت ألبانيا علاقاتها مع إيران."
	person := store.NodeID("Person", "p")
	err = st.Update(func(tx *store.Txn) error {
		for _, n := range []*store.Node{
			{ID: en, Type: "Document", Props: store.Props{"language": "en", "text": enText}},
			{ID: ar, Type: "Document", Props: store.Props{"language": "ar", "text": arText}},
			{ID: person, Type: "Person", Citations: []store.Citation{
				{Document: en, Exact: "Officials in Tirana", Start: 0, End: 19},
				{Document: ar, Exact: "علاقاتها مع إيران", Start: 13, End: 30},
				{Document: en, Exact: "blamed Tehran", Start: 20, End: 33},
			}},
		} {
			if _, err := tx.PutNode(n); err != nil {
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
	for _, tc := range []struct{ query, doc, text, want string }{
		{"إيران", ar, arText, "إيران"},
		{"Tehran", en, enText, "Tehran"},
		{"officials", en, enText, "Officials"},
	} {
		res, err := x.Search(Query{Text: tc.query, Types: []string{"Person"}, Size: 5, Reader: x.as("RED")})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 {
			t.Fatalf("%s: hits %+v, want the person", tc.query, res.Hits)
		}
		h := res.Hits[0]
		if h.Field != "quote" || h.Document != tc.doc || runes(tc.text, h.Start, h.End) != tc.want {
			t.Errorf("%s: shown in %s of %s at [%d,%d), want %q in %s", tc.query, h.Field, h.Document, h.Start, h.End, tc.want, tc.doc)
		}
	}
}

// as reads the index's store as a reader cleared up to clearance.
func (x *Index) as(clearance string) *view.Reader {
	return view.New(x.st, view.Scope{Clearance: clearance})
}
