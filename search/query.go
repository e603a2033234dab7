package search

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Query is one search.
type Query struct {
	Text  string
	Types []string // node types to keep; empty keeps all
	Lang  string   // "ar" or "en" searches only that language; "" both
	From  int      // hits to skip
	Size  int      // hits to return
	// Reader is the reader the search is for: hits are read through its
	// scope (see package view). A hit on a node its clearance refuses is
	// neither shown nor counted in Total, so neither a page nor the count
	// tells of it; a match inside the text of a document it refuses (a
	// citation's quote) is neither shown nor used for the snippet, and a
	// hit left with no match the reader may see is dropped. The rule is
	// asked once per marking the index holds, not once per match.
	// Retracted nodes are never indexed. A search with no reader finds
	// nothing.
	Reader *view.Reader
}

// scanBatch is how many hits one index request reads when every hit of a
// query must be looked at: the hits that may have a match in a document
// the reader may not see.
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
	// Snippet is the text around the match, as plain text: a client
	// escapes it as its output needs. Highlights place each match in it.
	Snippet    string
	Highlights []Range
	// Document, Start and End place the shown match in a document's text
	// (code points, end exclusive) when it lies in one; Document is "" when
	// the match is in a name or note of the node itself.
	Document   string
	Start, End int
	// Node is the hit's record, as read to describe it: the caller needs
	// not read it again.
	Node *store.Node
}

// ErrInvalidQuery marks a query the caller must correct.
var ErrInvalidQuery = errors.New("invalid search")

// snippetContext is how many code points of text a snippet shows on each
// side of the match.
const snippetContext = 40

// Search runs q and returns the page of hits it asks for, best first.
//
// The reader's rule becomes an index filter, so that bleve counts the
// visible hits itself and only the page's hits are read from the store:
// the node's own marking must be cleared, and a node citing a document the
// reader may not see (rare) is described, every one, to learn whether a
// match it may see is left.
func (x *Index) Search(q Query) (*Result, error) {
	bq, err := bleveQuery(q)
	if err != nil {
		return nil, err
	}
	idx := x.current()
	if idx == nil {
		return nil, errors.New("search index is closed")
	}
	if q.Reader == nil {
		return nil, errors.New("search: no reader to search for")
	}
	scope := q.Reader.Scope()
	rule, err := readRule(idx, scope.Cleared)
	if err != nil {
		return nil, err
	}
	out := &Result{}
	if rule.nothing {
		return out, nil
	}
	run := func(bq query.Query, size, from int) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(bq, size, from, false)
		req.IncludeLocations = true
		req.SortBy([]string{"-_score", "_id"})
		res, err := idx.Search(req)
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		return res, nil
	}
	err = q.Reader.View(func(tx *view.Txn) error {
		// load reads a hit's node from this snapshot; nil when it is gone
		// or hidden since it was indexed (the index follows the store a
		// moment behind). Citations the reader may not see keep their
		// place, blank, so that the index's positions still fit: describe
		// hides matches in them, and Unmask drops them from the hit.
		load := func(h *search.DocumentMatch) (*store.Node, error) {
			x.reads.Add(1)
			n, err := tx.NodeMasked(h.ID)
			if errors.Is(err, store.ErrNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			if n.Retraction != nil {
				return nil, nil
			}
			return n, nil
		}
		var unsure []Hit
		if uq := rule.query(bq, true); uq != nil {
			docOK := docFilter(tx)
			for from := 0; ; from += scanBatch {
				res, err := run(uq, scanBatch, from)
				if err != nil {
					return err
				}
				for _, h := range res.Hits {
					n, err := load(h)
					if err != nil {
						return err
					}
					if n == nil {
						continue
					}
					if hit, ok := describe(n, h, docOK); ok {
						view.Unmask(hit.Node)
						unsure = append(unsure, hit)
					}
				}
				if len(res.Hits) < scanBatch {
					break
				}
			}
		}
		sq := rule.query(bq, false)
		if len(unsure) == 0 {
			res, err := run(sq, q.Size, q.From)
			if err != nil {
				return err
			}
			out.Total = int(res.Total)
			return page(out, res.Hits, load)
		}
		// Merge the visible unsure hits into the others, in the index's
		// order, and cut the page from both.
		res, err := run(sq, q.From+q.Size, 0)
		if err != nil {
			return err
		}
		out.Total = int(res.Total) + len(unsure)
		i, j := 0, 0
		for rank := 0; rank < q.From+q.Size && (i < len(res.Hits) || j < len(unsure)); rank++ {
			if j == len(unsure) || (i < len(res.Hits) && before(res.Hits[i].Score, res.Hits[i].ID, unsure[j].Score, unsure[j].ID)) {
				if rank >= q.From {
					if err := page(out, res.Hits[i:i+1], load); err != nil {
						return err
					}
				}
				i++
				continue
			}
			if rank >= q.From {
				out.Hits = append(out.Hits, unsure[j])
			}
			j++
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: load hits: %w", err)
	}
	return out, nil
}

// page describes hits onto out.
func page(out *Result, hits []*search.DocumentMatch, load func(*search.DocumentMatch) (*store.Node, error)) error {
	for _, h := range hits {
		n, err := load(h)
		if err != nil {
			return err
		}
		if n == nil {
			continue
		}
		hit, _ := describe(n, h, nil)
		view.Unmask(hit.Node)
		out.Hits = append(out.Hits, hit)
	}
	return nil
}

// before reports whether a hit scored s1 with ID id1 comes before one
// scored s2 with ID id2 in the index's order: best first, then by ID.
func before(s1 float64, id1 string, s2 float64, id2 string) bool {
	if s1 != s2 {
		return s1 > s2
	}
	return id1 < id2
}

// rule is a reader's rule on markings, in terms of the index.
type rule struct {
	nothing bool     // no marking in the index is cleared
	own     []string // the node's own marking must be one of these; nil: any
	docs    []string // markings (of fieldCited) of the documents it refuses
}

// readRule asks cleared once for each marking the index holds.
func readRule(idx bleve.Index, cleared func(string) bool) (rule, error) {
	var r rule
	if cleared == nil {
		return r, nil
	}
	own, err := fieldTerms(idx, fieldMarking)
	if err != nil {
		return r, err
	}
	refused := false
	for _, t := range own {
		if cleared(strings.TrimPrefix(t, markingTerm(""))) {
			r.own = append(r.own, t)
		} else {
			refused = true
		}
	}
	if !refused {
		r.own = nil
	} else if len(r.own) == 0 {
		r.nothing = true
	}
	cited, err := fieldTerms(idx, fieldCited)
	if err != nil {
		return r, err
	}
	for _, t := range cited {
		if t == missingDoc || !cleared(strings.TrimPrefix(t, markingTerm(""))) {
			r.docs = append(r.docs, t)
		}
	}
	return r, nil
}

// query filters bq by the rule: to the hits that cite a refused document
// when unsure (nil when there can be none), else to the others. The filter
// does not score, so a hit scores as it does unfiltered.
func (r rule) query(bq query.Query, unsure bool) query.Query {
	if unsure && len(r.docs) == 0 {
		return nil
	}
	if !unsure && r.own == nil && r.docs == nil {
		return bq
	}
	terms := func(field string, ts []string) query.Query {
		var qs []query.Query
		for _, t := range ts {
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			qs = append(qs, tq)
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	var must []query.Query
	if r.own != nil {
		must = append(must, terms(fieldMarking, r.own))
	}
	f := bleve.NewBooleanQuery()
	switch {
	case unsure:
		must = append(must, terms(fieldCited, r.docs))
	case r.docs != nil:
		f.AddMustNot(terms(fieldCited, r.docs))
	}
	f.AddMust(must...)
	b := bleve.NewBooleanQuery()
	b.Must = bq
	b.AddFilter(f)
	return b
}

// fieldTerms lists the terms the index holds for field.
func fieldTerms(idx bleve.Index, field string) ([]string, error) {
	d, err := idx.FieldDict(field)
	if err != nil {
		return nil, fmt.Errorf("search: read %s terms: %w", field, err)
	}
	defer d.Close()
	var out []string
	for {
		e, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("search: read %s terms: %w", field, err)
		}
		if e == nil {
			return out, nil
		}
		if e.Count > 0 {
			out = append(out, e.Term)
		}
	}
}

// bleveQuery is the index query of q: each part of the query (syntax.go)
// looked for in every wanted field, boosted, any part matching; then the
// node-type filter. Filters written in the query narrow those given as
// arguments.
func bleveQuery(q Query) (query.Query, error) {
	text := strings.TrimSpace(q.Text)
	if text == "" {
		return nil, fmt.Errorf("%w: the query is empty; give at least one word", ErrInvalidQuery)
	}
	p, err := parse(text)
	if err != nil {
		return nil, err
	}
	if len(p.clauses) == 0 {
		return nil, fmt.Errorf("%w: the query has filters but no word to look for; give at least one word", ErrInvalidQuery)
	}
	ql := strings.ToLower(q.Lang)
	switch {
	case ql != "" && ql != "ar" && ql != "en":
		return nil, fmt.Errorf("%w: lang %q: use ar, en, or leave it out for both", ErrInvalidQuery, q.Lang)
	case ql != "" && p.lang != "" && ql != p.lang:
		return nil, fmt.Errorf("%w: the argument lang is %s but the query says lang:%s; give one", ErrInvalidQuery, ql, p.lang)
	case ql == "":
		ql = p.lang
	}
	types := q.Types
	if len(p.types) > 0 {
		if len(types) == 0 {
			types = p.types
		} else {
			var both []string
			for _, t := range p.types {
				if slices.Contains(types, t) {
					both = append(both, t)
				}
			}
			if len(both) == 0 {
				return nil, fmt.Errorf("%w: the query's type:%s is not among the types argument %v", ErrInvalidQuery, strings.Join(p.types, ","), types)
			}
			types = both
		}
	}
	var wanted []string
	for _, f := range fieldOrder {
		if ql == "" || strings.HasSuffix(f, "_"+ql) {
			wanted = append(wanted, f)
		}
	}
	var any []query.Query
	for _, c := range p.clauses {
		for _, f := range wanted {
			b, ok := boosts[f]
			if !ok {
				b = 1
			}
			if fq := c.fieldQuery(f, b); fq != nil {
				any = append(any, fq)
			}
		}
	}
	if len(any) == 0 {
		return nil, fmt.Errorf("%w: %q has only words too common to search for; give another word", ErrInvalidQuery, text)
	}
	var bq query.Query = bleve.NewDisjunctionQuery(any...)
	if len(types) > 0 {
		var ts []query.Query
		for _, t := range types {
			tq := bleve.NewTermQuery(t)
			tq.SetField(fieldType)
			ts = append(ts, tq)
		}
		bq = bleve.NewConjunctionQuery(bq, bleve.NewDisjunctionQuery(ts...))
	}
	return bq, nil
}

// docFilter says whether a match inside document id may be shown: the
// read's scope clears the document.
func docFilter(tx *view.Txn) func(id string) bool {
	return func(id string) bool {
		ok, err := tx.DocumentCleared(id)
		return err == nil && ok
	}
}

// describe turns a bleve hit into a Hit: it picks the first field in
// fieldOrder that matched, the earliest match in it, and builds the snippet
// and offsets from the node's own values. docOK, when set, hides matches
// in the text of documents it refuses; ok is false when no match is left.
func describe(n *store.Node, h *search.DocumentMatch, docOK func(string) bool) (hit Hit, ok bool) {
	hit = Hit{ID: n.ID, Type: n.Type, Score: h.Score, Start: -1, End: -1, Node: n}
	vals := fields(n, nil)
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
		hit.Snippet, hit.Highlights = snippet(v.text, same)
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
				if k >= len(vals[f]) || int(l.End) > len(vals[f][k].text) {
					// A citation the reader may not see, blanked by
					// view.NodeMasked: nothing of it is shown.
					continue
				}
				if vals[f][k].doc != "" && !docOK(vals[f][k].doc) {
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

// Range is a span of a snippet, in code points, end exclusive.
type Range struct{ Start, End int }

// snippet shows text around the first match (byte offsets in locs,
// sorted) as plain text, and where in it each match that falls inside the
// window lies, in code points. Matches separated by spaces alone (the
// words of a phrase) are one range.
func snippet(text string, locs []*search.Location) (string, []Range) {
	first := locs[0]
	from := backRunes(text, int(first.Start), snippetContext)
	to := fwdRunes(text, int(first.End), snippetContext)
	var b strings.Builder
	n := 0 // code points written
	write := func(s string) {
		b.WriteString(s)
		n += utf8.RuneCountInString(s)
	}
	if from > 0 {
		write("…")
	}
	var marks []Range
	at := from
	for _, l := range locs {
		s, e := int(l.Start), int(l.End)
		if s < at || e > to {
			continue
		}
		gap := text[at:s]
		write(gap)
		start := n
		write(text[s:e])
		if k := len(marks) - 1; k >= 0 && marks[k].End+utf8.RuneCountInString(gap) == start && strings.TrimSpace(gap) == "" && at > from {
			marks[k].End = n
		} else {
			marks = append(marks, Range{start, n})
		}
		at = e
	}
	write(text[at:to])
	if to < len(text) {
		write("…")
	}
	return b.String(), marks
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
