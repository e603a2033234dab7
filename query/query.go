// Package query answers the read questions of one reader: lists (filter,
// candidates, load, order, page, in one pipeline every list shares), the
// audit feed, full-text search, timelines, attribution summaries, times to
// response, paths and neighbourhoods. Every read goes through the reader's
// view.Reader, so an answer holds nothing the reader may not see.
//
// It knows nothing of GraphQL: questions take plain Go values and answers
// are store records and IDs, which the GraphQL layer converts. A local
// caller asks the same questions of a store it opened, with
// New(view.New(st, view.Everything())).
package query

import (
	"context"
	"errors"
	"fmt"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Loader loads nodes by ID for the questions, so that a caller that batches
// and caches reads (the GraphQL layer's per-request loaders) serves them
// from the same cache as everything else it reads.
type Loader interface {
	// Nodes returns the nodes of ids in order, leaving out those that do
	// not exist or the reader may not see.
	Nodes(ctx context.Context, ids []string) ([]*store.Node, error)
	// UncitedNodes is Nodes without the nodes' citations (see
	// view.Txn.NodeUncited).
	UncitedNodes(ctx context.Context, ids []string) ([]*store.Node, error)
}

// Q asks questions of one reader.
type Q struct {
	// Reader is the reader's scoped read of the store.
	Reader *view.Reader
	// Loader loads the records of lists; nil reads them through Reader.
	Loader Loader
	// BruteForce makes lists read every record instead of walking the
	// store's date-ordered indexes: the plain answer the index walk is
	// tested against.
	BruteForce bool
	// Uncited says the caller shows none of a list's citations: lists
	// read their records without them, except where a filter reads them
	// (lang). Nothing else changes; every other question reads records
	// whole.
	Uncited bool
}

// New asks questions of rd, reading records through rd.
func New(rd *view.Reader) *Q { return &Q{Reader: rd} }

// nodes loads ids through the Loader, or in one read.
func (q *Q) nodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	if q.Loader != nil {
		return q.Loader.Nodes(ctx, ids)
	}
	return q.read(ids, (*view.Txn).Node)
}

// listed loads the records of list l: without their citations when the
// caller shows none and l's filters read none.
func (q *Q) listed(ctx context.Context, l list, ids []string) ([]*store.Node, error) {
	if !q.Uncited || l.readsCitations {
		return q.nodes(ctx, ids)
	}
	if q.Loader != nil {
		return q.Loader.UncitedNodes(ctx, ids)
	}
	return q.read(ids, (*view.Txn).NodeUncited)
}

// read reads ids in one read with node, leaving out those not found.
func (q *Q) read(ids []string, node func(*view.Txn, string) (*store.Node, error)) ([]*store.Node, error) {
	out := make([]*store.Node, 0, len(ids))
	err := q.Reader.View(func(tx *view.Txn) error {
		for _, id := range ids {
			n, err := node(tx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// view runs fn in one scoped read.
func (q *Q) view(fn func(*view.Txn) error) error { return q.Reader.View(fn) }

// ArgError is a question's argument that cannot be answered: its name and
// what is wrong with it, worded for the person who gave it.
type ArgError struct {
	Arg string
	Msg string
}

func (e *ArgError) Error() string { return e.Arg + ": " + e.Msg }

func invalid(arg, format string, a ...any) error {
	return &ArgError{Arg: arg, Msg: fmt.Sprintf(format, a...)}
}
