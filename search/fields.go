package search

import (
	"slices"
	"unicode"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Field names. Each searchable text goes into the field of its language, so
// that it is analysed as Arabic or English; fieldOrder is also the order in
// which a hit's snippet is chosen: fields that lie in a document (and so have
// offsets) first, then the names an entity goes by.
const (
	fieldType = "type"
	// fieldMarking is the node's own marking, as markingTerm.
	fieldMarking = "marking"
	// fieldCited holds the markings of the documents the node's citations
	// point into (markingTerm, or missingDoc), so that a reader's rule
	// tells from the index alone which nodes may have a match in text it
	// may not see.
	fieldCited = "cited"
	// fieldCites holds the IDs of the documents the node cites: when a
	// document's marking or language changes, the nodes citing it are
	// found here and indexed again.
	fieldCites = "cites"
)

// markingTerm is how a marking is indexed: prefixed, so that the empty
// marking (CLEAR) is a term like any other.
func markingTerm(marking string) string { return "m:" + marking }

// missingDoc stands in fieldCited for a cited document the store does not
// hold: no reader is cleared for it.
const missingDoc = "missing"

var fieldOrder = []string{
	"text_ar", "text_en", // a Document's own text
	"quote_ar", "quote_en", // citation quotes, in the cited document's language
	"name_ar", "name_en", "alias_ar", "alias_en", "role_ar", "role_en",
	"note_ar", "note_en", // summaries, words of certainty, bases, translations
}

// boosts rank a node matched by what it is called above one that merely
// mentions the word.
// A long document mentions a capital many times; the state it stands for
// must still come first, so names and aliases weigh far more than running
// text.
var boosts = map[string]float64{
	"name_ar": 50, "name_en": 50, "alias_ar": 40, "alias_en": 40,
	"role_ar": 10, "role_en": 10,
	"text_ar": 0.5, "text_en": 0.5,
}

// value is one searchable string and, when it is a span of a document, where
// that span starts (in code points).
type value struct {
	text    string
	doc     string // document ID; "" when the text lies in no document
	base    int    // code-point offset of text in doc
	hasSpan bool
}

// fields lists the searchable values of a node, by field. langOf gives a
// document's language ("ar" or otherwise English). The same function builds
// the indexed document and, at query time (langOf nil), maps a hit's array
// position back to its text and offsets, so the two cannot drift apart.
func fields(n *store.Node, langOf func(doc string) string) map[string][]value {
	f := map[string][]value{}
	add := func(field, text string) {
		if text != "" {
			f[field] = append(f[field], value{text: text})
		}
	}
	p := n.Props
	add("name_en", p.String("name_en"))
	add("name_ar", p.String("name_ar"))
	add("role_en", p.String("role_en"))
	add("role_ar", p.String("role_ar"))
	if list, ok := p["aliases"].([]any); ok {
		for _, a := range list {
			m, _ := a.(map[string]any)
			ap := store.Props(m)
			add("alias_"+lang(ap.String("lang")), ap.String("text"))
		}
	}
	if n.Type == "Document" {
		l := lang(p.String("language"))
		add("note_"+l, p.String("title"))
		// The English title and summary of a document in another
		// language let English find it; they are notes, with no place in
		// the text, so a match in them is never shown as evidence.
		for _, k := range []string{"title_en", "summary_en"} {
			if m, ok := p[k].(map[string]any); ok {
				add("note_en", store.Props(m).String("text"))
			}
		}
		if t := p.String("text"); t != "" {
			f["text_"+l] = append(f["text_"+l], value{text: t, doc: n.ID, hasSpan: true})
		}
	}
	for _, k := range []string{"summary_en", "certainty_en", "basis_en", "description", "objective"} {
		add("note_en", p.String(k))
	}
	// A catalogue ID (ATT&CK's T0831) is another name for a technique.
	if list, ok := p["external_ids"].([]any); ok {
		for _, x := range list {
			m, _ := x.(map[string]any)
			add("alias_en", store.Props(m).String("external_id"))
		}
	}
	for _, k := range []string{"text_ar", "certainty_text", "basis_text"} {
		add("note_ar", p.String(k))
	}
	if n.Type == ontology.Stance {
		// A stance's words are in the language they were written in.
		add("note_"+scriptLang(p.String("text")), p.String("text"))
		add("note_en", p.String("text_en"))
	}
	if list, ok := p["effects"].([]any); ok {
		for _, e := range list {
			m, _ := e.(map[string]any)
			ep := store.Props(m)
			add("note_en", ep.String("text_en"))
			add("note_ar", ep.String("text_ar"))
		}
	}
	// A quote is indexed in the field of its document's language. Each
	// quote field lists every citation in order, "" where the document is
	// in the other language, so that a match's array position is its
	// citation's index: describing a hit needs no document's language, and
	// langOf is nil then.
	for _, c := range n.Citations {
		in := ""
		if langOf != nil {
			in = lang(langOf(c.Document))
		}
		for _, l := range []string{"ar", "en"} {
			v := value{text: c.Exact, doc: c.Document, base: c.Start, hasSpan: true}
			if in != "" && in != l {
				v = value{}
			}
			f["quote_"+l] = append(f["quote_"+l], v)
		}
		if t := c.Translation; t != nil {
			add("note_"+lang(t.Lang), t.Text)
		}
	}
	return f
}

// scriptLang is "ar" for a text in Arabic script, else "en".
func scriptLang(s string) string {
	for _, r := range s {
		if unicode.Is(unicode.Arabic, r) {
			return "ar"
		}
	}
	return "en"
}

// lang maps a language tag onto the two analysed languages: Arabic, and
// English for everything else.
func lang(tag string) string {
	if tag == "ar" || (len(tag) > 3 && tag[:3] == "ar-") {
		return "ar"
	}
	return "en"
}

// docInfo is what indexing a node needs to know of a document it cites.
type docInfo struct {
	found    bool
	marking  string
	language string
}

// doc is what bleve indexes for a node; info describes a cited document.
func doc(n *store.Node, info func(string) docInfo) map[string]any {
	d := map[string]any{fieldType: n.Type, fieldMarking: markingTerm(n.Marking)}
	var cites, cited []string
	for _, c := range n.Citations {
		if slices.Contains(cites, c.Document) {
			continue
		}
		cites = append(cites, c.Document)
		di := info(c.Document)
		m := missingDoc
		if di.found {
			m = markingTerm(di.marking)
		}
		if !slices.Contains(cited, m) {
			cited = append(cited, m)
		}
	}
	if len(cites) > 0 {
		d[fieldCites], d[fieldCited] = cites, cited
	}
	langOf := func(id string) string { return info(id).language }
	for name, vs := range fields(n, langOf) {
		for len(vs) > 0 && vs[len(vs)-1].text == "" {
			vs = vs[:len(vs)-1] // a trailing placeholder shifts nothing
		}
		if len(vs) == 0 {
			continue
		}
		texts := make([]string, len(vs))
		for i, v := range vs {
			texts[i] = v.text
		}
		d[name] = texts
	}
	return d
}
