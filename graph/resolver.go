// Package graph is the GraphQL layer: gqlgen's wiring and thin resolvers
// over package query (reads) and package edit (writes), with per-request
// loaders that batch store reads.
package graph

import (
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/store"
)

// Resolver is the root resolver: the dependencies every resolver shares.
type Resolver struct {
	Store  *store.Store
	Editor *edit.Editor
	// Index serves full-text search; nil when the server runs without one.
	Index *search.Index
	// MaxNodes caps the nodes of subgraph and exportSubgraph
	// (subgraph.Request.MaxNodes); 0 means subgraph.DefaultMaxNodes.
	MaxNodes int
	// noDateIndex makes lists read every record instead of walking the
	// date-ordered indexes: the brute force the index path is tested
	// against.
	noDateIndex bool
}
