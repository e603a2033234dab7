package graph

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"

	"github.com/attrib/attrib/store"
)

// Loaders batch the store reads of one request: the node and adjacency
// lookups that resolvers ask for while a read is running are served
// together by the next store transaction (see batcher), so a page of 100
// attributions with their attributors costs a few transactions, not 200,
// and no lookup waits on a timer.
type Loaders struct {
	// Batches counts the store transactions the loaders opened, so tests
	// can see that reads are batched.
	Batches atomic.Int64

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
	l := &Loaders{}
	view := func(fn func(*store.Txn) error) error {
		l.Batches.Add(1)
		return s.View(fn)
	}
	l.nodes = newLoader(view, (*store.Txn).Node)
	l.links = newLoader(view, (*store.Txn).Edge)
	l.edges = newLoader(view, func(tx *store.Txn, k edgeKey) ([]store.EdgeRef, error) {
		return tx.Edges(k.ID, k.Dir, k.Type)
	})
	return l
}

// newLoader makes a loader that reads each batch of keys in one store
// transaction with read.
func newLoader[K comparable, V any](view func(func(*store.Txn) error) error, read func(*store.Txn, K) (V, error)) *batcher[K, V] {
	return newBatcher(func(ctx context.Context, keys []K) ([]V, []error) {
		out := make([]V, len(keys))
		errs := make([]error, len(keys))
		err := view(func(tx *store.Txn) error {
			for i, k := range keys {
				out[i], errs[i] = read(tx, k)
			}
			return nil
		})
		return out, fill(errs, err)
	})
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
