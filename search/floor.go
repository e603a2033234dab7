package search

import (
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// IndexOnly runs only the index part of q: the same bleve query, the top
// q.Size hits from q.From with their match locations, no record read and
// no visibility check. It returns the hit IDs. The benchmarks use it as
// the floor of a search: what bleve itself costs for the same question.
func (x *Index) IndexOnly(q Query) ([]string, error) {
	bq, err := bleveQuery(q)
	if err != nil {
		return nil, err
	}
	idx := x.current()
	if idx == nil {
		return nil, errors.New("search index is closed")
	}
	req := bleve.NewSearchRequestOptions(bq, q.Size, q.From, false)
	req.IncludeLocations = true
	req.SortBy([]string{"-_score", "_id"})
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids, nil
}
