package seed

import (
	"io/fs"
	"testing"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/store"
)

// FuzzParse feeds arbitrary facts files to Parse. It must never panic, and
// whatever it accepts must be sound: every citation verifies against its
// document's text.
func FuzzParse(f *testing.F) {
	article, err := fs.ReadFile(Files(), "000_ee0890f214b0197b.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(small))
	readDoc := func(string) ([]byte, error) { return article, nil }
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := Parse(raw, readDoc)
		if err != nil {
			return
		}
		texts := map[string]string{}
		for _, n := range b.Nodes {
			if n.Type == "Document" {
				texts[n.ID] = n.Props.String("text")
			}
		}
		check := func(what string, cs []store.Citation) {
			for _, c := range cs {
				text, ok := texts[c.Document]
				if !ok {
					t.Fatalf("%s cites a document the bundle lacks: %s", what, c.Document)
				}
				if err := cite.Verify(text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
					t.Fatalf("%s: accepted citation does not verify: %v", what, err)
				}
			}
		}
		for _, n := range b.Nodes {
			check(n.ID, n.Citations)
		}
		for _, e := range b.Edges {
			check(e.ID, e.Citations)
		}
	})
}

// small is a minimal valid facts file over the article.
const small = `default_document: article
documents:
  - key: article
    file: article.txt
    props:
      title: "t"
      published: "2022-09-07"
      language: ar
      publisher: null
      sources: [AFP]
      media_type: text/plain
      kind: ARTICLE
    cite:
      - exact: "07 سبتمبر 2022"
        en: "07 September 2022"
nodes:
  - ref: Organization:afp
    props:
      name_en: "Agence France-Presse"
      name_ar: "فرانس برس"
      kind: NEWS_AGENCY
    cite:
      - exact: "فرانس برس"
edges:
  - type: REPORTED_BY
    from: Document:article
    to: Organization:afp
    cite:
      - exact: "فرانس برس"
`

// The fuzz seed must be a valid file, or the fuzzer starts from nothing.
func TestSmallFactsFileParses(t *testing.T) {
	article, _ := fs.ReadFile(Files(), "000_ee0890f214b0197b.txt")
	b, err := Parse([]byte(small), func(string) ([]byte, error) { return article, nil })
	if err != nil || len(b.Nodes) != 2 || len(b.Edges) != 1 {
		t.Fatalf("small facts file: %v", err)
	}
}
