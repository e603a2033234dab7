package graph

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// batcher is a per-request loader that batches without waiting. A key
// asked for while no fetch is running is fetched at once; keys asked for
// while one runs are queued and fetched together, in one store transaction,
// as soon as it ends. Sibling resolvers (gqlgen runs the elements of a list
// concurrently) therefore still share batches, but nobody sleeps for them:
// a timed wait (dataloadgen's) costs at least one timer tick, over 1 ms on a
// loaded small machine, at every level of a query. Results are cached for
// the request, as dataloadgen's are.
type batcher[K comparable, V any] struct {
	fetch func(ctx context.Context, keys []K) ([]V, []error)

	mu      sync.Mutex
	cache   map[K]*result[V]
	queue   []K
	waiting []*result[V]
	running bool
}

type result[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newBatcher[K comparable, V any](fetch func(ctx context.Context, keys []K) ([]V, []error)) *batcher[K, V] {
	return &batcher[K, V]{fetch: fetch, cache: map[K]*result[V]{}}
}

// Load returns the value of one key.
func (b *batcher[K, V]) Load(ctx context.Context, key K) (V, error) {
	rs := b.enqueue(ctx, []K{key})
	<-rs[0].done
	return rs[0].v, rs[0].err
}

// keyErrors is LoadAll's error: one slot per key, nil where the key
// loaded.
type keyErrors []error

func (e keyErrors) Error() string {
	if err := errors.Join(e...); err != nil {
		return err.Error()
	}
	return "no error"
}

// Unwrap lets errors.Is and errors.As see the keys' errors.
func (e keyErrors) Unwrap() []error { return e }

// LoadAll returns the values of keys, in order. Its error is an
// keyErrors when any key failed.
func (b *batcher[K, V]) LoadAll(ctx context.Context, keys []K) ([]V, error) {
	rs := b.enqueue(ctx, keys)
	out := make([]V, len(keys))
	var errs keyErrors
	for i, r := range rs {
		<-r.done
		out[i] = r.v
		if r.err != nil {
			if errs == nil {
				errs = make(keyErrors, len(keys))
			}
			errs[i] = r.err
		}
	}
	if errs != nil {
		return out, errs
	}
	return out, nil
}

// enqueue registers keys not yet asked for and, when no fetch is running,
// runs the queue in the caller's goroutine.
func (b *batcher[K, V]) enqueue(ctx context.Context, keys []K) []*result[V] {
	rs := make([]*result[V], len(keys))
	b.mu.Lock()
	for i, k := range keys {
		r, ok := b.cache[k]
		if !ok {
			r = &result[V]{done: make(chan struct{})}
			b.cache[k] = r
			b.queue = append(b.queue, k)
			b.waiting = append(b.waiting, r)
		}
		rs[i] = r
	}
	run := !b.running && len(b.queue) > 0
	if run {
		b.running = true
	}
	b.mu.Unlock()
	if run {
		// Let the sibling resolvers that are runnable (gqlgen starts one
		// goroutine per list element) queue their keys first, yielding
		// while the queue still grows: a yield costs well under a
		// microsecond, not a timer tick, and a lone lookup yields twice.
		b.settle()
		b.drain(ctx)
	}
	return rs
}

// maxYields bounds how long a fetch lets runnable siblings go first.
const maxYields = 16

// settle yields to other goroutines until a yield adds no key to the queue.
func (b *batcher[K, V]) settle() {
	queued := func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return len(b.queue)
	}
	n := queued()
	for i := 0; i < maxYields; i++ {
		runtime.Gosched()
		m := queued()
		if m == n && i > 0 {
			return
		}
		n = m
	}
}

// drain fetches the queue until it is empty. Keys queued during a fetch are
// handed to a new goroutine, so the caller gets back to its own work as soon
// as its own keys are in.
func (b *batcher[K, V]) drain(ctx context.Context) {
	b.mu.Lock()
	keys, rs := b.queue, b.waiting
	b.queue, b.waiting = nil, nil
	b.mu.Unlock()

	vs, errs := b.safeFetch(ctx, keys)
	for i, r := range rs {
		switch {
		case len(errs) == 1 && len(keys) > 1:
			r.err = errs[0]
		case i < len(errs):
			r.err = errs[i]
		}
		if i < len(vs) {
			r.v = vs[i]
		}
		close(r.done)
	}

	b.mu.Lock()
	more := len(b.queue) > 0
	if !more {
		b.running = false
	}
	b.mu.Unlock()
	if more {
		go b.drain(ctx)
	}
}

func (b *batcher[K, V]) safeFetch(ctx context.Context, keys []K) (vs []V, errs []error) {
	defer func() {
		if p := recover(); p != nil {
			errs = []error{panicError{p}}
		}
	}()
	return b.fetch(ctx, keys)
}

type panicError struct{ p any }

func (e panicError) Error() string { return "panic during fetch" }
