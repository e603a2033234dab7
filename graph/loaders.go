package graph

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Loaders batch the store reads of one request: the node and adjacency
// lookups that resolvers ask for while a read is running are served
// together by the next store transaction (see batcher), so a page of 100
// attributions with their attributors costs a few transactions, not 200,
// and no lookup waits on a timer. Every read goes through the request's
// scoped reader: a node or link the request may not see is not found.
type Loaders struct {
	// Batches counts the store transactions the loaders opened, so tests
	// can see that reads are batched.
	Batches atomic.Int64

	reader *view.Reader
	nodes  *batcher[string, *store.Node]
	// uncited loads the records of a list whose selection shows no
	// citations, without them (view.Txn.NodeUncited). It has its own
	// cache so that a record read without citations never answers a
	// field that shows them.
	uncited *batcher[string, *store.Node]
	docs    *batcher[string, *store.Node] // documents behind citations
	edges   *batcher[edgeKey, []store.EdgeRef]
	links   *batcher[string, *store.Edge]
}

// edgeKey names one adjacency lookup: the edges of node ID in direction Dir
// of type Type ("" for all).
type edgeKey struct {
	ID   string
	Dir  store.Direction
	Type string
}

// NewLoaders makes the loaders for one request, reading through rd.
func NewLoaders(rd *view.Reader) *Loaders {
	l := &Loaders{reader: rd}
	read := func(fn func(*view.Txn) error) error {
		l.Batches.Add(1)
		return rd.View(fn)
	}
	l.nodes = newLoader(read, (*view.Txn).Node)
	l.uncited = newLoader(read, (*view.Txn).NodeUncited)
	l.docs = newLoader(read, (*view.Txn).CitedDocument)
	l.links = newLoader(read, (*view.Txn).Edge)
	l.edges = newLoader(read, func(tx *view.Txn, k edgeKey) ([]store.EdgeRef, error) {
		return tx.EdgesToLoad(k.ID, k.Dir, k.Type)
	})
	return l
}

// newLoader makes a loader that reads each batch of keys in one scoped
// read with read.
func newLoader[K comparable, V any](scoped func(func(*view.Txn) error) error, read func(*view.Txn, K) (V, error)) *batcher[K, V] {
	return newBatcher(func(ctx context.Context, keys []K) ([]V, []error) {
		out := make([]V, len(keys))
		errs := make([]error, len(keys))
		err := scoped(func(tx *view.Txn) error {
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

// withLoaders gives each operation its own loaders, over a reader opened
// for the operation's scope: the principal's clearance, and whether the
// operation carries @withRetracted, which is known only once the
// operation is parsed.
func withLoaders(s *store.Store) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		sc := scopeOf(ctx)
		if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok && l.reader.Scope() == sc {
			return next(ctx) // given by the caller (a test counting batches), for this very scope
		}
		return next(context.WithValue(ctx, loadersKey{}, NewLoaders(view.New(s, sc))))
	}
}

// loaders returns the operation's loaders, or fresh ones when the call
// came in without them (in-process calls).
func (r *Resolver) loaders(ctx context.Context) *Loaders {
	if l, ok := ctx.Value(loadersKey{}).(*Loaders); ok {
		return l
	}
	return NewLoaders(view.New(r.Store, scopeOf(ctx)))
}

// isNotFound reports whether err means the record does not exist.
func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
