package seed

import (
	"errors"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/store"
)

func TestDefaultSeedResolvesAndVerifies(t *testing.T) {
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	for _, n := range b.Nodes {
		if n.Type == "Document" {
			texts[n.ID] = n.Props.String("text")
		}
	}
	check := func(what string, cs []store.Citation) {
		if len(cs) == 0 {
			t.Errorf("%s has no citation", what)
		}
		for _, c := range cs {
			text, ok := texts[c.Document]
			if !ok {
				t.Errorf("%s cites unknown document %s", what, c.Document)
				continue
			}
			if got := string([]rune(text)[c.Start:c.End]); got != c.Exact {
				t.Errorf("%s: text[%d:%d] = %q, want %q", what, c.Start, c.End, got, c.Exact)
			}
			if err := cite.Verify(text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
				t.Errorf("%s: %v", what, err)
			}
		}
	}
	for _, n := range b.Nodes {
		check(n.Type+" "+n.ID, n.Citations)
	}
	for _, e := range b.Edges {
		check(e.Type+" "+e.ID, e.Citations)
	}
	if len(b.Nodes) < 30 || len(b.Edges) < 50 {
		t.Errorf("seed is suspiciously small: %d nodes, %d edges", len(b.Nodes), len(b.Edges))
	}
}

const article = "قطعت ألبانيا علاقاتها مع إيران. وأمرت ألبانيا بمغادرة الدبلوماسيين"

func parseWith(facts string) (*Bundle, error) {
	return Parse([]byte(facts), func(string) ([]byte, error) { return []byte(article), nil })
}

const goodFacts = `
default_document: a
documents:
  - key: a
    file: a.txt
    props: {title: t, language: ar, kind: ARTICLE}
    cite: [{exact: "قطعت"}]
nodes:
  - ref: State:AL
    props: {code: AL, name_en: Albania}
    cite:
      - exact: ألبانيا
        prefix: "قطعت "
        en: Albania
`

func TestLoaderRejectsWrongQuote(t *testing.T) {
	if _, err := parseWith(goodFacts); err != nil {
		t.Fatalf("good facts refused: %v", err)
	}
	bad := strings.Replace(goodFacts, "exact: ألبانيا", "exact: ألمانيا", 1)
	_, err := parseWith(bad)
	if !errors.Is(err, cite.ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	// The error names the fact and the quote.
	if !strings.Contains(err.Error(), "State:AL") || !strings.Contains(err.Error(), "ألمانيا") {
		t.Errorf("error does not name the fact and the quote: %v", err)
	}
}

func TestLoaderRejectsAmbiguousQuote(t *testing.T) {
	bad := strings.Replace(goodFacts, "        prefix: \"قطعت \"\n", "", 1)
	_, err := parseWith(bad)
	if !errors.Is(err, cite.ErrAmbiguous) {
		t.Fatalf("want ErrAmbiguous, got %v", err)
	}
}

func TestSeedingTwiceChangesNothing(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	first, err := Load(s, b)
	if err != nil {
		t.Fatal(err)
	}
	if first.NewNodes != len(b.Nodes) || first.NewEdges != len(b.Edges) {
		t.Fatalf("first load wrote %+v", first)
	}
	before := dump(t, s)
	again, err := Load(s, b)
	if err != nil {
		t.Fatal(err)
	}
	if again.NewNodes != 0 || again.NewEdges != 0 {
		t.Fatalf("second load wrote %d nodes, %d edges", again.NewNodes, again.NewEdges)
	}
	if after := dump(t, s); after != before {
		t.Fatal("store content changed on the second load")
	}
}

// dump returns every key and value of the store, for comparison.
func dump(t *testing.T, s *store.Store) string {
	var sb strings.Builder
	txn := s.DB().NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(badger.DefaultIteratorOptions)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			t.Fatal(err)
		}
		sb.Write(it.Item().Key())
		sb.WriteByte('=')
		sb.Write(v)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// A facts file's quote typed without hamza cites the document's own words.
func TestLoaderForgivesTypedQuotes(t *testing.T) {
	typed := strings.Replace(goodFacts, "exact: ألبانيا", "exact: البانيا", 1)
	b, err := parseWith(typed)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range b.Nodes {
		if n.Type != "State" {
			continue
		}
		if c := n.Citations[0]; c.Exact != "ألبانيا" || c.Start != 5 || c.End != 12 {
			t.Errorf("citation %+v; want the document's ألبانيا at [5:12]", c)
		}
		return
	}
	t.Fatal("no state in the bundle")
}
