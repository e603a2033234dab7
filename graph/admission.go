package graph

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/attrib/attrib/apierr"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Admission bounds how many heavy queries run at once, and so the memory
// a burst of them can hold: each heavy query may read thousands of
// records, and 32 of them at once on a small server is an out-of-memory
// kill. A query is heavy when its complexity (see weighComplexity) is at
// least Heavy: a page of a list with nested fields is, `{ __typename }`
// or one node is not, so cheap queries never wait behind heavy ones.
// Heavy queries beyond Slots wait in a queue of at most Queue for up to
// Wait; past either bound they are answered at once with HTTP 503, a
// Retry-After header and the error code BUSY.
type Admission struct {
	Slots int           // heavy queries running at once; 0: no limit
	Queue int           // heavy queries waiting for a slot
	Wait  time.Duration // longest wait for a slot
	Heavy int           // complexity from which a query is heavy
}

// DefaultAdmission suits the machine: as many heavy queries at once as
// there are processors to run them (more only add memory, not speed).
func DefaultAdmission(procs int) Admission {
	return Admission{Slots: max(procs, 2), Queue: 256, Wait: 5 * time.Second, Heavy: 500}
}

// retryAfter is what a busy answer tells the client to wait, in seconds.
const retryAfter = 1

// gate admits heavy operations to a fixed number of slots.
type gate struct {
	a       Admission
	slots   chan struct{}
	waiting atomic.Int64
}

func newGate(a Admission) *gate {
	return &gate{a: a, slots: make(chan struct{}, a.Slots)}
}

// busyKey marks, in a request's context, where the operation says the
// server was too busy to run it; the HTTP layer turns that into a 503.
type busyKey struct{}

// middleware is the gqlgen operation middleware of g.
func (g *gate) middleware(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if g.a.Slots <= 0 || !g.heavy(ctx) {
		return next(ctx)
	}
	if !g.acquire(ctx) {
		if b, ok := ctx.Value(busyKey{}).(*atomic.Bool); ok {
			b.Store(true)
		}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
			Message:    fmt.Sprintf("the server is busy with other large queries; retry in %d s, or ask for smaller pages", retryAfter),
			Extensions: map[string]any{"code": apierr.Busy, "retryAfter": retryAfter},
		}}})
	}
	var once sync.Once
	release := func() { once.Do(func() { <-g.slots }) }
	// The slot is held until the response is built, or until the request
	// ends whatever happened to it.
	stop := context.AfterFunc(ctx, release)
	h := next(ctx)
	return func(rctx context.Context) *graphql.Response {
		resp := h(rctx)
		stop()
		release()
		return resp
	}
}

// heavy reports whether the operation is a query whose complexity makes
// it heavy. Mutations are bounded by the writer's own lock.
func (g *gate) heavy(ctx context.Context) bool {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return false
	}
	st := extension.GetComplexityStats(ctx)
	return st != nil && st.Complexity >= g.a.Heavy
}

// acquire takes a slot, waiting in the queue when none is free; false when
// the queue is full, the wait ran out or the client went away.
func (g *gate) acquire(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	if g.waiting.Add(1) > int64(g.a.Queue) {
		g.waiting.Add(-1)
		return false
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.a.Wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// withBusyStatus gives each request a flag the gate sets when it refuses
// the operation, and answers such a request with 503 and Retry-After
// instead of 200.
func withBusyStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		busy := &atomic.Bool{}
		next.ServeHTTP(&busyWriter{ResponseWriter: w, busy: busy}, r.WithContext(context.WithValue(r.Context(), busyKey{}, busy)))
	})
}

type busyWriter struct {
	http.ResponseWriter
	busy    *atomic.Bool
	written bool
}

func (w *busyWriter) WriteHeader(code int) {
	if !w.written {
		w.written = true
		if w.busy.Load() && code == http.StatusOK {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
			code = http.StatusServiceUnavailable
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *busyWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush passes on to the underlying writer when it can flush.
func (w *busyWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
