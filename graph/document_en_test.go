package graph_test

import (
	"testing"

	"github.com/attrib/attrib/store"
)

// The seed article carries an English title and summary, each credited
// to its translator and marked non-authoritative, while its citations
// stay in the Arabic text.
func TestSeedArticleHasItsEnglishFace(t *testing.T) {
	h := server(t)
	var got struct {
		Node struct {
			Title    string
			Language string
			TitleEn  *struct {
				Lang, Text, Translator string
				Authoritative          bool
			}
			SummaryEn *struct {
				Lang, Text, Translator string
				Authoritative          bool
			}
			Citations []struct{ Exact string }
		}
	}
	mustRun(t, h, `query($id: ID!) { node(id: $id) { ... on Document { title language
		titleEn { lang text translator authoritative } summaryEn { lang text translator authoritative } citations { exact } } } }`,
		map[string]any{"id": store.NodeID("Document", "000_ee0890f214b0197b")}, &got)
	d := got.Node
	if d.Language != "ar" || d.TitleEn == nil || d.SummaryEn == nil {
		t.Fatalf("document %+v: want an Arabic article with an English title and summary", d)
	}
	for name, r := range map[string]*struct {
		Lang, Text, Translator string
		Authoritative          bool
	}{"titleEn": d.TitleEn, "summaryEn": d.SummaryEn} {
		if r.Lang != "en" || r.Text == "" || r.Translator != "attrib maintainers" || r.Authoritative {
			t.Errorf("%s = %+v: want English text by attrib maintainers, not authoritative", name, r)
		}
	}
	for _, c := range d.Citations {
		if c.Exact == d.TitleEn.Text {
			t.Errorf("the English title is cited as evidence")
		}
	}
}
