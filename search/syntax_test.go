package search

import (
	"errors"
	"strings"
	"testing"

	"github.com/attrib/attrib/store"
)

// A phrase is one query part: it finds fewer hits than its words, and
// every hit has the words together, in order.
func TestPhraseFindsFewerHitsThanItsWords(t *testing.T) {
	_, x := seeded(t)
	words, err := x.Search(Query{Reader: x.as("RED"), Text: "hold Iran accountable", Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	iran, err := x.Search(Query{Reader: x.as("RED"), Text: "Iran", Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	ph, err := x.Search(Query{Reader: x.as("RED"), Text: `"hold Iran accountable"`, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	if ph.Total == 0 || ph.Total >= words.Total || ph.Total >= iran.Total {
		t.Fatalf("phrase: %d hits; words: %d; Iran alone: %d; want 0 < phrase < both", ph.Total, words.Total, iran.Total)
	}
	for _, h := range ph.Hits {
		if len(h.Highlights) != 1 {
			t.Errorf("%s: highlights %v in %q, want the phrase as one", h.ID, h.Highlights, h.Snippet)
			continue
		}
		if got := runes(h.Snippet, h.Highlights[0].Start, h.Highlights[0].End); !strings.EqualFold(got, "hold Iran accountable") {
			t.Errorf("%s: highlighted %q in %q", h.ID, got, h.Snippet)
		}
	}
	if r, _ := x.Search(Query{Reader: x.as("RED"), Text: `"Iran accountable hold"`, Size: 5}); r.Total != 0 {
		t.Errorf("words out of order: %d hits, want none", r.Total)
	}
	// Arabic, with guillemets and without hamza: still a phrase.
	ar, err := x.Search(Query{Reader: x.as("RED"), Text: "«محاسبة ايران»", Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	arWords, _ := x.Search(Query{Reader: x.as("RED"), Text: "محاسبة ايران", Size: 50})
	if ar.Total == 0 || ar.Total >= arWords.Total {
		t.Errorf("Arabic phrase: %d hits, its words %d", ar.Total, arWords.Total)
	}
}

// A misspelt longer word finds the entity; a short one does not drift.
func TestFuzzyFindsTeheran(t *testing.T) {
	_, x := seeded(t)
	iran := store.NodeID("State", "IR")
	res, err := x.Search(Query{Reader: x.as("RED"), Text: "Teheran", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != iran {
		t.Fatalf("Teheran: hits %+v, want Iran first", res.Hits)
	}
	if w := runes(res.Hits[0].Snippet, res.Hits[0].Highlights[0].Start, res.Hits[0].Highlights[0].End); w != "Tehran" {
		t.Errorf("highlighted %q, want Tehran", w)
	}
	if r, _ := x.Search(Query{Reader: x.as("RED"), Text: "Iraq", Types: []string{"State"}, Size: 5}); r.Total != 0 {
		t.Errorf("Iraq (short, no ~): %d states, want none", r.Total)
	}
	r, err := x.Search(Query{Reader: x.as("RED"), Text: "Iraq~", Types: []string{"State"}, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) == 0 || r.Hits[0].ID != iran {
		t.Errorf("Iraq~: hits %+v, want Iran", r.Hits)
	}
	// The exact word ranks above its neighbours one edit away.
	e, _ := x.Search(Query{Reader: x.as("RED"), Text: "Tehran", Types: []string{"State"}, Size: 1})
	if len(e.Hits) == 0 || e.Hits[0].Score <= res.Hits[0].Score {
		t.Errorf("exact Tehran scores %v, fuzzy Teheran %v: want the exact higher", e.Hits, res.Hits[0].Score)
	}
}

func TestPrefix(t *testing.T) {
	_, x := seeded(t)
	for _, c := range []struct{ q, id, word string }{
		{"Clever*", store.NodeID("Person", "james-cleverly"), "Cleverly"},
		{"تيران*", store.NodeID("State", "AL"), "تيرانا"},
	} {
		res, err := x.Search(Query{Reader: x.as("RED"), Text: c.q, Size: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) == 0 || res.Hits[0].ID != c.id {
			t.Fatalf("%s: hits %+v, want %s first", c.q, res.Hits, c.id)
		}
		h := res.Hits[0]
		if w := runes(h.Snippet, h.Highlights[0].Start, h.Highlights[0].End); w != c.word {
			t.Errorf("%s: highlighted %q, want %q", c.q, w, c.word)
		}
	}
	if r, _ := x.Search(Query{Reader: x.as("RED"), Text: "Clever", Size: 5}); r.Total != 0 {
		t.Errorf("Clever without *: %d hits; the prefix test proves nothing", r.Total)
	}
}

// Snippets are plain text: a quotation mark is a quotation mark, and the
// highlight offsets count code points of the snippet.
func TestSnippetIsPlainText(t *testing.T) {
	_, x := seeded(t)
	res, err := x.Search(Query{Reader: x.as("RED"), Text: `"تدابير إضافية"`, Types: []string{"Document"}, Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits %+v", res.Hits)
	}
	h := res.Hits[0]
	if strings.Contains(h.Snippet, "&#") || strings.Contains(h.Snippet, "&quot;") || strings.Contains(h.Snippet, "<mark>") {
		t.Errorf("snippet %q is escaped or marked up", h.Snippet)
	}
	if !strings.Contains(h.Snippet, `"تدابير إضافية`) {
		t.Errorf("snippet %q lost the quotation mark", h.Snippet)
	}
	if w := runes(h.Snippet, h.Highlights[0].Start, h.Highlights[0].End); w != "تدابير إضافية" {
		t.Errorf("highlight %v is %q", h.Highlights[0], w)
	}
}

func TestFiltersInTheQuery(t *testing.T) {
	_, x := seeded(t)
	res, err := x.Search(Query{Reader: x.as("RED"), Text: "type:person lang:EN Cleverly", Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Type != "Person" {
		t.Errorf("type:person: %d hits %+v, want James Cleverly alone", res.Total, res.Hits)
	}
	all, _ := x.Search(Query{Reader: x.as("RED"), Text: "Cleverly", Size: 20})
	if all.Total <= 1 {
		t.Fatalf("Cleverly alone: %d hits; the filter test proves nothing", all.Total)
	}
	ar, err := x.Search(Query{Reader: x.as("RED"), Text: "lang:ar Cleverly", Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	if ar.Total != 0 {
		t.Errorf("lang:ar Cleverly: %d hits, want none (his Arabic name is كليفرلي)", ar.Total)
	}
	for _, q := range []Query{
		{Text: "type:Planet Iran"},
		{Text: "lang:fr Iran"},
		{Text: "type:State"},
		{Text: "lang:ar Iran", Lang: "en"},
		{Text: "type:Person Iran", Types: []string{"State"}},
	} {
		if _, err := x.Search(q); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%+v: %v, want ErrInvalidQuery", q, err)
		}
	}
}

func TestParse(t *testing.T) {
	p, err := parse(`Iran "hold Iran" «محاسبة إيران» Teh* Iraq~2 type:State,person lang:AR`)
	if err != nil {
		t.Fatal(err)
	}
	want := []clause{{kind: word, text: "Iran"}, {kind: phrase, text: "hold Iran"}, {kind: phrase, text: "محاسبة إيران"},
		{kind: prefix, text: "Teh"}, {kind: fuzzy, text: "Iraq", fuzziness: 2}}
	if len(p.clauses) != len(want) {
		t.Fatalf("clauses %+v, want %+v", p.clauses, want)
	}
	for i := range want {
		if p.clauses[i] != want[i] {
			t.Errorf("clause %d: %+v, want %+v", i, p.clauses[i], want[i])
		}
	}
	if strings.Join(p.types, ",") != "State,Person" || p.lang != "ar" {
		t.Errorf("types %v lang %q", p.types, p.lang)
	}
}

// An Arabic word is not matched fuzzily unless asked: Albania is not
// Germany.
func TestArabicIsNotFuzzyByDefault(t *testing.T) {
	_, x := seeded(t)
	albania := "ألبانيا"
	res, err := x.Search(Query{Reader: x.as("RED"), Text: "ألمانيا", Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Snippet, albania) && len(h.Highlights) > 0 && runes(h.Snippet, h.Highlights[0].Start, h.Highlights[0].End) == albania {
			t.Errorf("ألمانيا (Germany) found Albania: %q", h.Snippet)
		}
	}
	fz, err := x.Search(Query{Reader: x.as("RED"), Text: "ألمانيا~", Types: []string{"State"}, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(fz.Hits) == 0 || fz.Hits[0].ID != store.NodeID("State", "AL") {
		t.Errorf("ألمانيا~: hits %+v, want Albania one edit away", fz.Hits)
	}
}
