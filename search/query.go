package search

import (
	"errors"
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/attrib/attrib/store"
)

// Query is one search.
type Query struct {
	Text  string
	Types []string // node types to keep; empty keeps all
	Lang  string   // "ar" or "en" searches only that language; "" both
	From  int      // hits to skip
	Size  int      // hits to return
}

// Result is one page of hits and how many there are in all.
type Result struct {
	Total int
	Hits  []Hit
}

// Hit is one matching node, with the best of its matches shown.
type Hit struct {
	ID    string
	Type  string
	Score float64
	// Field names where the shown match lies: text, quote, name, alias,
	// role or note.
	Field string
	// Fields lists every kind of field that matched, in fieldOrder: "alias"
	// among them shows that a metonym or other alias resolved to the node.
	Fields []string
	// Snippet is an HTML fragment: the text around the match, escaped, with
	// each matched word in <mark>…</mark>.
	Snippet string
	// Document, Start and End place the shown match in a document's text
	// (code points, end exclusive) when it lies in one; Document is "" when
	// the match is in a name or note of the node itself.
	Document   string
	Start, End int
}

// ErrInvalidQuery marks a query the caller must correct.
var ErrInvalidQuery = errors.New("invalid search")

// snippetContext is how many code points of text a snippet shows on each
// side of the match.
const snippetContext = 40

// Search runs q and returns the page of hits it asks for, best first.
func (x *Index) Search(q Query) (*Result, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return nil, fmt.Errorf("%w: the query is empty; give at least one word", ErrInvalidQuery)
	}
	var wanted []string
	switch q.Lang {
	case "":
		wanted = fieldOrder
	case "ar", "en":
		for _, f := range fieldOrder {
			if strings.HasSuffix(f, "_"+q.Lang) {
				wanted = append(wanted, f)
			}
		}
	default:
		return nil, fmt.Errorf("%w: lang %q: use ar, en, or leave it out for both", ErrInvalidQuery, q.Lang)
	}
	var any []query.Query
	for _, f := range wanted {
		m := bleve.NewMatchQuery(text)
		m.SetField(f)
		if b, ok := boosts[f]; ok {
			m.SetBoost(b)
		}
		any = append(any, m)
	}
	var bq query.Query = bleve.NewDisjunctionQuery(any...)
	if len(q.Types) > 0 {
		var ts []query.Query
		for _, t := range q.Types {
			tq := bleve.NewTermQuery(t)
			tq.SetField(fieldType)
			ts = append(ts, tq)
		}
		bq = bleve.NewConjunctionQuery(bq, bleve.NewDisjunctionQuery(ts...))
	}
	req := bleve.NewSearchRequestOptions(bq, q.Size, q.From, false)
	req.IncludeLocations = true
	req.SortBy([]string{"-_score", "_id"})
	idx := x.current()
	if idx == nil {
		return nil, errors.New("search index is closed")
	}
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: int(res.Total)}
	if len(res.Hits) == 0 {
		return out, nil
	}
	err = x.st.View(func(tx *store.Txn) error {
		langs := newLangCache(tx)
		for _, h := range res.Hits {
			n, err := tx.Node(h.ID)
			if errors.Is(err, store.ErrNotFound) {
				continue // written since; the next catch-up drops it
			}
			if err != nil {
				return err
			}
			out.Hits = append(out.Hits, describe(n, h, langs.of))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: load hits: %w", err)
	}
	return out, nil
}

// describe turns a bleve hit into a Hit: it picks the first field in
// fieldOrder that matched, the earliest match in it, and builds the snippet
// and offsets from the node's own values.
func describe(n *store.Node, h *search.DocumentMatch, langOf func(string) string) Hit {
	hit := Hit{ID: n.ID, Type: n.Type, Score: h.Score, Start: -1, End: -1}
	vals := fields(n, langOf)
	for _, f := range fieldOrder {
		if len(h.Locations[f]) > 0 {
			kind := f[:strings.LastIndexByte(f, '_')]
			if !slices.Contains(hit.Fields, kind) {
				hit.Fields = append(hit.Fields, kind)
			}
		}
	}
	for _, f := range fieldOrder {
		terms := h.Locations[f]
		if len(terms) == 0 {
			continue
		}
		var locs []*search.Location
		for _, ls := range terms {
			locs = append(locs, ls...)
		}
		sort.Slice(locs, func(i, j int) bool {
			ai, aj := arrayPos(locs[i]), arrayPos(locs[j])
			if ai != aj {
				return ai < aj
			}
			return locs[i].Start < locs[j].Start
		})
		first := locs[0]
		k := arrayPos(first)
		if k >= len(vals[f]) {
			continue
		}
		v := vals[f][k]
		var same []*search.Location
		for _, l := range locs {
			if arrayPos(l) == k {
				same = append(same, l)
			}
		}
		hit.Field = f[:strings.LastIndexByte(f, '_')]
		hit.Snippet = snippet(v.text, same)
		if v.hasSpan {
			s := utf8.RuneCountInString(v.text[:first.Start])
			e := s + utf8.RuneCountInString(v.text[first.Start:first.End])
			hit.Document, hit.Start, hit.End = v.doc, v.base+s, v.base+e
		}
		return hit
	}
	return hit
}

func arrayPos(l *search.Location) int {
	if len(l.ArrayPositions) == 0 {
		return 0
	}
	return int(l.ArrayPositions[0])
}

// snippet shows text around the first match (byte offsets in locs, sorted),
// HTML-escaped, marking every match that falls inside the window.
func snippet(text string, locs []*search.Location) string {
	first := locs[0]
	from := backRunes(text, int(first.Start), snippetContext)
	to := fwdRunes(text, int(first.End), snippetContext)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	at := from
	for _, l := range locs {
		s, e := int(l.Start), int(l.End)
		if s < at || e > to {
			continue
		}
		b.WriteString(html.EscapeString(text[at:s]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[s:e]))
		b.WriteString("</mark>")
		at = e
	}
	b.WriteString(html.EscapeString(text[at:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// backRunes returns the byte offset n code points before i.
func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// fwdRunes returns the byte offset n code points after i.
func fwdRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
