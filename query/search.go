package query

import (
	"errors"
	"strings"

	"github.com/attrib/attrib/search"
)

// Search answers page p of a full-text search of idx for text, of the
// node types given (all when none) and in lang ("" for both languages).
// The index pages over what the reader may see, so hidden hits neither
// show nor count, and a match in a document above the reader's clearance
// never reaches a snippet. (Retracted nodes are not indexed, so
// clearance is all the rule left.) A hit keeps its place in the page even
// when it comes without its record; the window's HasNext counts only
// those with one.
func (q *Q) Search(idx *search.Index, text string, types []string, lang string, p Page) (Window[search.Hit], error) {
	from, err := p.Offset()
	if err != nil {
		return Window[search.Hit]{}, err
	}
	res, err := idx.Search(search.Query{Text: text, Types: types, Lang: lang, From: from, Size: p.First, Reader: q.Reader})
	if errors.Is(err, search.ErrInvalidQuery) {
		return Window[search.Hit]{}, invalid("query", "%s", strings.TrimPrefix(err.Error(), search.ErrInvalidQuery.Error()+": "))
	}
	if err != nil {
		return Window[search.Hit]{}, err
	}
	shown := 0
	for _, h := range res.Hits {
		if h.Node != nil {
			shown++
		}
	}
	return Window[search.Hit]{Items: res.Hits, Start: from, Total: res.Total, HasNext: from+shown < res.Total, HasPrev: from > 0}, nil
}
