package graph

import (
	"context"
	"errors"
	"net/http"

	"github.com/attrib/attrib/store"
)

// Loaders batch the store reads of one request: the node and adjacency
// lookups that resolvers ask for while a read is running are served
// together by the next store transaction (see batcher), so a page of 100
// attributions with their attributors costs a few transactions, not 200,
// and no lookup waits on a timer.
type Loaders struct {
	nodes *batcher[string, *store.Node]
	edges *batcher[edgeKey, []store.EdgeRef]
	links *batcher[string, *store.Edge]
}

// edgeKey names one adjacency lookup: the edges of node ID in direction Dir
// of type Type ("" for all).
type edgeKey struct {
	ID   string
	Dir  store.Direction
	Type string
}

// NewLoaders makes the loaders for one request.
func NewLoaders(s *store.Store) *Loaders {
	return &Loaders{
		nodes: newBatcher(func(ctx context.Context, ids []string) ([]*store.Node, []error) {
			out := make([]*store.Node, len(ids))
			errs := make([]error, len(ids))
			err := s.View(func(tx *store.Txn) error {
				for i, id := range ids {
					out[i], errs[i] = tx.Node(id)
				}
				return nil
			})
			return out, fill(errs, err)
		}),
		edges: newBatcher(func(ctx context.Context, keys []edgeKey) ([][]store.EdgeRef, []error) {
			out := make([][]store.EdgeRef, len(keys))
			errs := make([]error, len(keys))
			err := s.View(func(tx *store.Txn) error {
				for i, k := range keys {
					out[i], errs[i] = tx.Edges(k.ID, k.Dir, k.Type)
				}
				return nil
			})
			return out, fill(errs, err)
		}),
		links: newBatcher(func(ctx context.Context, ids []string) ([]*store.Edge, []error) {
			out := make([]*store.Edge, len(ids))
			errs := make([]error, len(ids))
			err := s.View(func(tx *store.Txn) error {
				for i, id := range ids {
					out[i], errs[i] = tx.Edge(id)
				}
				return nil
			})
			return out, fill(errs, err)
		}),
	}
}

// fill sets every error slot to err when the whole batch failed.
func fill(errs []error, err error) []error {
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

type loadersKey struct{}

// WithLoaders is HTTP middleware that gives each request its own loaders.
func WithLoaders(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, NewLoaders(s))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// loaders returns the request's loaders, or fresh ones when the request came
// in without the middleware (tests, in-process calls).
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return NewLoaders(r.Store)
}

// isNotFound reports whether err means the record does not exist.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
