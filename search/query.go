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
	// Visible, when set, keeps only hits on nodes whose meta it accepts
	// (marking, retraction): the caller's read rule. Hidden hits are not
	// counted in Total, so neither a page nor the count tells of them.
	Visible func(store.Meta) bool
	// Cleared, when set, says whether the caller may read a document
	// marked so. A match inside the text of a document it refuses (a
	// citation's quote) is neither shown nor used for the snippet, and a
	// hit left with no match the caller may see is dropped.
	Cleared func(marking string) bool
}

// filtered reports whether the caller's visibility applies.
func (q Query) filtered() bool { return q.Visible != nil || q.Cleared != nil }

// scanBatch is how many hits a filtered search reads from the index at a
// time: every match is checked, so that Total counts only visible ones.
const scanBatch = 500

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
	bq, err := bleveQuery(q)
	if err != nil {
		return nil, err
	}
	idx := x.current()
	if idx == nil {
		return nil, errors.New("search index is closed")
	}
	// search runs bq; locations (where each match lies, for snippets and
	// offsets) are asked for only where a hit will be described.
	search := func(bq query.Query, size, from int, locations bool) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(bq, size, from, false)
		req.IncludeLocations = locations
		req.SortBy([]string{"-_score", "_id"})
		res, err := idx.Search(req)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		return res, nil
	}
	run := func(size, from int, locations bool) (*bleve.SearchResult, error) {
		return search(bq, size, from, locations)
	}
	if !q.filtered() {
		res, err := run(q.Size, q.From, true)
		if err != nil {
			return nil, err
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
				hit, _ := describe(n, h, langs.of, nil)
				out.Hits = append(out.Hits, hit)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("search: load hits: %w", err)
		}
		return out, nil
	}
	// Filtered: the index knows nothing of markings, so every match is
	// read and checked in one snapshot, and the page is cut from the
	// visible ones.
	out := &Result{}
	err = x.st.View(func(tx *store.Txn) error {
		langs := newLangCache(tx)
		docOK := docFilter(tx, q.Cleared)
		// Each bleve request collects its from+size best matches again, so
		// after a first batch the rest comes in one request, not many.
		size, total := scanBatch, 0
		for from := 0; ; from += size {
			// Once the page is full the rest is only counted, which
			// needs no locations; the rare match that must be described
			// to be counted fetches its own.
			located := len(out.Hits) < q.Size
			if from > 0 && !located {
				size = max(size, total-from)
			}
			res, err := run(size, from, located)
			if err != nil {
				return err
			}
			for _, h := range res.Hits {
				onPage := out.Total >= q.From && len(out.Hits) < q.Size
				if !onPage {
					// Off the page a match is only counted: its outline
					// (meta and cited documents) decides, without decoding
					// the record or describing the match.
					counted, sure, err := count(tx, h.ID, q.Visible, docOK)
					if err != nil {
						return err
					}
					if sure {
						if counted {
							out.Total++
						}
						continue
					}
				}
				if !located {
					one, err := search(query.NewConjunctionQuery([]query.Query{bq, query.NewDocIDQuery([]string{h.ID})}), 1, 0, true)
					if err != nil {
						return err
					}
					if len(one.Hits) == 0 {
						continue
					}
					h = one.Hits[0]
				}
				n, err := tx.Node(h.ID)
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				if q.Visible != nil && !q.Visible(n.Meta) {
					continue
				}
				hit, ok := describe(n, h, langs.of, docOK)
				if !ok {
					continue
				}
				if out.Total >= q.From && len(out.Hits) < q.Size {
					out.Hits = append(out.Hits, hit)
				}
				out.Total++
			}
			total = int(res.Total)
			if len(res.Hits) < size || from+len(res.Hits) >= total {
				return nil
			}
		}
	})
	if err != nil {
		return nil, fmt.Errorf("search: load hits: %w", err)
	}
	return out, nil
}

// bleveQuery is the index query of q: a match on every wanted field,
// boosted, and the node-type filter.
func bleveQuery(q Query) (query.Query, error) {
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
	return bq, nil
}

// docFilter says whether a match inside document id may be shown, reading
// each document's marking once; nil when every document may.
func docFilter(tx *store.Txn, cleared func(string) bool) func(id string) bool {
	if cleared == nil {
		return nil
	}
	seen := map[string]bool{}
	return func(id string) bool {
		ok, done := seen[id]
		if done {
			return ok
		}
		d, err := tx.Outline(id)
		ok = err == nil && cleared(d.Marking)
		seen[id] = ok
		return ok
	}
}

// count decides from node id's outline whether a match on it counts: sure is
// false when some of its matches may lie in a document the reader may not
// see, and only describing the match can tell.
func count(tx *store.Txn, id string, visible func(store.Meta) bool, docOK func(string) bool) (counted, sure bool, err error) {
	o, err := tx.Outline(id)
	if errors.Is(err, store.ErrNotFound) {
		return false, true, nil
	}
	if err != nil {
		return false, false, err
	}
	if visible != nil && !visible(o.Meta) {
		return false, true, nil
	}
	if docOK == nil {
		return true, true, nil
	}
	if o.Type == "Document" && !docOK(id) {
		return false, false, nil
	}
	for _, d := range o.CitedDocs {
		if !docOK(d) {
			return false, false, nil
		}
	}
	return true, true, nil
}

// describe turns a bleve hit into a Hit: it picks the first field in
// fieldOrder that matched, the earliest match in it, and builds the snippet
// and offsets from the node's own values. docOK, when set, hides matches
// in the text of documents it refuses; ok is false when no match is left.
func describe(n *store.Node, h *search.DocumentMatch, langOf func(string) string, docOK func(string) bool) (hit Hit, ok bool) {
	hit = Hit{ID: n.ID, Type: n.Type, Score: h.Score, Start: -1, End: -1}
	vals := fields(n, langOf)
	if docOK != nil {
		h = shown(h, vals, docOK)
	}
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
		return hit, true
	}
	return hit, len(hit.Fields) > 0
}

// shown returns h without the matches that lie in the text of a document
// docOK refuses.
func shown(h *search.DocumentMatch, vals map[string][]value, docOK func(string) bool) *search.DocumentMatch {
	c := *h
	c.Locations = search.FieldTermLocationMap{}
	for f, terms := range h.Locations {
		for term, locs := range terms {
			var keep search.Locations
			for _, l := range locs {
				k := arrayPos(l)
				if k < len(vals[f]) && vals[f][k].doc != "" && !docOK(vals[f][k].doc) {
					continue
				}
				keep = append(keep, l)
			}
			if len(keep) > 0 {
				if c.Locations[f] == nil {
					c.Locations[f] = search.TermLocationMap{}
				}
				c.Locations[f][term] = keep
			}
		}
	}
	return &c
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
