package graph

import (
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/search"
)

// highlights converts a hit's highlight ranges; never nil, as the field
// is a non-null list.
func highlights(rs []search.Range) []*model.TextRange {
	out := make([]*model.TextRange, len(rs))
	for i, r := range rs {
		out[i] = &model.TextRange{Start: r.Start, End: r.End}
	}
	return out
}
