package search

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/attrib/attrib/store"
)

// marked is a store with a document, an incident citing it and a state
// named in its own words, and an index following it.
type marked struct {
	t        *testing.T
	st       *store.Store
	x        *Index
	doc, inc string
	state    string
}

const (
	markedText = "The zebra crossing was closed after the quokka incident."
	zebraAt    = 4 // code points
)

func newMarked(t *testing.T) *marked {
	t.Helper()
	st, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := &marked{t: t, st: st,
		doc:   store.NodeID("Document", "d1"),
		inc:   store.NodeID("Incident", "i1"),
		state: store.NodeID("State", "ZB"),
	}
	m.put(m.docNode(""))
	m.put(m.incNode("", nil))
	m.put(&store.Node{ID: m.state, Type: "State", Props: store.Props{"code": "ZB", "name_en": "Zebra Republic"}})
	x, err := Open(filepath.Join(t.TempDir(), "search.bleve"), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	x.Follow()
	m.x = x
	return m
}

func (m *marked) docNode(marking string) *store.Node {
	return &store.Node{ID: m.doc, Type: "Document", Meta: store.Meta{Marking: marking},
		Props: store.Props{"language": "en", "title": "Report", "text": markedText}}
}

// incNode is an incident whose only words are the quote "zebra crossing"
// from the document.
func (m *marked) incNode(marking string, retraction *store.Retraction) *store.Node {
	return &store.Node{ID: m.inc, Type: "Incident", Meta: store.Meta{Marking: marking, Retraction: retraction},
		Props:     store.Props{"date": "2022-07-15"},
		Citations: []store.Citation{{Document: m.doc, Exact: "zebra crossing", Start: zebraAt, End: zebraAt + 14}}}
}

func (m *marked) put(n *store.Node) {
	m.t.Helper()
	if err := m.st.Update(func(tx *store.Txn) error { _, err := tx.PutNode(n); return err }); err != nil {
		m.t.Fatal(err)
	}
}

var notRed = func(marking string) bool { return marking != "RED" }

// ids searches as a reader not cleared for RED and returns the total and
// the hits' IDs, sorted.
func (m *marked) ids(text string) (int, []string) {
	m.t.Helper()
	res, err := m.x.Search(Query{Text: text, Size: 10, Reader: m.x.as("AMBER+STRICT")})
	if err != nil {
		m.t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	slices.Sort(ids)
	return res.Total, ids
}

func (m *marked) want(text string, ids ...string) {
	m.t.Helper()
	slices.Sort(ids)
	total, got := m.ids(text)
	if total != len(ids) || !slices.Equal(got, ids) {
		m.t.Fatalf("search %q: total %d, hits %v; want %v", text, total, got, ids)
	}
}

// A match whose only place is the quote of a document the reader may not
// see is neither counted nor shown; a node citing that document still
// shows for words the reader may see, with its snippet taken from them.
func TestHiddenQuoteIsNeitherCountedNorShown(t *testing.T) {
	m := newMarked(t)
	m.want("zebra", m.doc, m.inc, m.state)
	m.put(m.docNode("RED"))
	m.want("zebra", m.state)
	m.want("quokka")

	// The incident gains words of its own: it shows again, but never with
	// the hidden quote.
	n := m.incNode("", nil)
	n.Props["summary_en"] = "A zebra was seen."
	m.put(n)
	m.want("zebra", m.inc, m.state)
	res, err := m.x.Search(Query{Text: "zebra", Types: []string{"Incident"}, Size: 10, Reader: m.x.as("AMBER+STRICT")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].Document != "" || res.Hits[0].Field != "note" || slices.Contains(res.Hits[0].Fields, "quote") {
		t.Fatalf("incident citing a RED document: %+v, want its own note matched and no quote", res.Hits)
	}
	// A reader cleared for RED sees everything, the quote first.
	all, err := m.x.Search(Query{Text: "zebra", Types: []string{"Incident"}, Size: 10, Reader: m.x.as("RED")})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 1 || all.Hits[0].Document != m.doc || all.Hits[0].Start != zebraAt {
		t.Fatalf("cleared reader: %+v, want the quote in the document", all.Hits)
	}
}

// The index follows markings: a node's own marking, its retraction, and
// the marking of a document it cites, changed after it was indexed.
func TestIndexFollowsMarkingChanges(t *testing.T) {
	m := newMarked(t)
	m.put(m.incNode("RED", nil))
	m.want("crossing", m.doc)
	m.put(m.incNode("", nil))
	m.want("crossing", m.doc, m.inc)
	m.put(m.incNode("", &store.Retraction{By: "alice", At: "2024-01-01T00:00:00Z", Reason: "wrong"}))
	m.want("crossing", m.doc)
	m.put(m.incNode("", nil))
	m.want("crossing", m.doc, m.inc)

	// Only the document is written: the incident citing it is indexed
	// again, in both directions.
	m.put(m.docNode("RED"))
	m.want("crossing")
	m.put(m.docNode("GREEN"))
	m.want("crossing", m.doc, m.inc)

	// The same holds when the index catches up at start rather than
	// following.
	path := m.x.path
	if err := m.x.Close(); err != nil {
		t.Fatal(err)
	}
	m.put(m.docNode("RED"))
	x, err := Open(path, m.st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	m.x = x
	m.want("crossing")
}

// Filtering by the reader's rule changes neither the scores nor the
// order of the hits it keeps, on either path: a node hidden by its own
// marking, and a node citing a document the reader may not see, merged
// back into the page in the index's order.
func TestFilteredScoresMatchUnfiltered(t *testing.T) {
	st, x := seeded(t)
	amberDoc := store.NodeID("Document", "amber")
	watchers := store.NodeID("Organization", "watchers")
	err := st.Update(func(tx *store.Txn) error {
		for _, n := range []*store.Node{
			{ID: store.NodeID("Organization", "red"), Type: "Organization", Meta: store.Meta{Marking: "RED"},
				Props: store.Props{"name_en": "Nowhere Agency"}},
			{ID: amberDoc, Type: "Document", Meta: store.Meta{Marking: "AMBER"},
				Props: store.Props{"language": "en", "text": "A report on Albania and Iran."}},
			{ID: watchers, Type: "Organization", Props: store.Props{"name_en": "Albania Watchers"},
				Citations: []store.Citation{{Document: amberDoc, Exact: "Albania", Start: 12, End: 19}}},
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
	if err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"Albania", "ألبانيا Albania"} {
		plain, err := x.Search(Query{Text: text, Size: 1000, Reader: x.as("RED")})
		if err != nil {
			t.Fatal(err)
		}
		var want []Hit
		for _, h := range plain.Hits {
			if h.ID != amberDoc {
				want = append(want, h)
			}
		}
		if len(want) != len(plain.Hits)-1 || !slices.ContainsFunc(want, func(h Hit) bool { return h.ID == watchers }) {
			t.Fatalf("%s: unfiltered hits lack the AMBER document or the watchers", text)
		}
		var got []Hit
		for from := 0; ; from += 3 {
			res, err := x.Search(Query{Text: text, From: from, Size: 3, Reader: x.as("GREEN")})
			if err != nil {
				t.Fatal(err)
			}
			if res.Total != len(want) {
				t.Fatalf("%s from %d: total %d, want %d", text, from, res.Total, len(want))
			}
			got = append(got, res.Hits...)
			if len(res.Hits) < 3 {
				break
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: paged through %d hits, want %d", text, len(got), len(want))
		}
		for i := range want {
			if got[i].ID != want[i].ID || got[i].Score != want[i].Score {
				t.Fatalf("%s: hit %d is %s %v filtered, %s %v unfiltered", text, i,
					got[i].ID, got[i].Score, want[i].ID, want[i].Score)
			}
			if got[i].ID == watchers && (got[i].Field != "name" || got[i].Document != "") {
				t.Errorf("%s: watchers shown from %s in %q, want their name", text, got[i].Field, got[i].Document)
			}
		}
	}
}

// An index built by an earlier version, without the markings, is rebuilt
// when opened.
func TestOldIndexIsRebuilt(t *testing.T) {
	m := newMarked(t)
	path := m.x.path
	if err := m.x.current().SetInternal(internalVersion, []byte("2")); err != nil {
		t.Fatal(err)
	}
	// Make the stale index wrong, so that only a rebuild answers right.
	if err := m.x.current().Delete(m.inc); err != nil {
		t.Fatal(err)
	}
	if err := m.x.Close(); err != nil {
		t.Fatal(err)
	}
	x, err := Open(path, m.st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	m.x = x
	if v, err := x.current().GetInternal(internalVersion); err != nil || string(v) != mappingVersion {
		t.Fatalf("version after open = %q, %v; want %s", v, err, mappingVersion)
	}
	m.want("crossing", m.doc, m.inc)
}

// A document cited more often than one request for its citers returns
// still has every citer indexed again when its marking changes.
func TestManyCitersFollowTheirDocument(t *testing.T) {
	m := newMarked(t)
	const n = 1203
	err := m.st.Update(func(tx *store.Txn) error {
		for i := range n {
			c := m.incNode("", nil)
			c.ID = store.NodeID("Incident", fmt.Sprint("many", i))
			if _, err := tx.PutNode(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total, _ := m.ids("crossing"); total != n+2 {
		t.Fatalf("total %d before the marking change, want %d", total, n+2)
	}
	m.put(m.docNode("RED"))
	if total, ids := m.ids("crossing"); total != 0 {
		t.Fatalf("total %d after the document was marked RED (%v), want 0", total, ids)
	}
}
