package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/attrib/attrib/apierr"
	"github.com/vektah/gqlparser/v2/ast"
)

// operation returns a context carrying a query operation of complexity c,
// as gqlgen hands it to operation middleware, and the request's busy flag.
func operation(ctx context.Context, c int) (context.Context, *atomic.Bool) {
	oc := &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}
	oc.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: c, ComplexityLimit: 1 << 20})
	busy := &atomic.Bool{}
	ctx = context.WithValue(ctx, busyKey{}, busy)
	return graphql.WithOperationContext(ctx, oc), busy
}

// answered is an operation that answers with empty data.
func answered(context.Context) graphql.ResponseHandler {
	return graphql.OneShot(&graphql.Response{Data: []byte(`{}`)})
}

func isBusy(r *graphql.Response) bool {
	return r != nil && len(r.Errors) == 1 && r.Errors[0].Extensions["code"] == apierr.Busy
}

func TestHeavyQueriesWaitForASlotAndAreRefusedPastTheQueue(t *testing.T) {
	g := newGate(Admission{Slots: 1, Queue: 1, Wait: 2 * time.Second, Heavy: 500})

	// The first heavy query takes the one slot and holds it until its
	// response is built.
	first, _ := operation(context.Background(), 1000)
	holding := g.middleware(first, answered)

	// A light query never waits.
	light, _ := operation(context.Background(), 100)
	if r := g.middleware(light, answered)(light); isBusy(r) {
		t.Fatal("a light query was refused while a heavy one ran")
	}

	// The second heavy query waits in the queue ...
	second, _ := operation(context.Background(), 1000)
	got := make(chan *graphql.Response)
	go func() {
		h := g.middleware(second, answered)
		got <- h(second)
	}()
	for g.waiting.Load() != 1 {
		time.Sleep(time.Millisecond)
	}
	// ... so a third finds the queue full and is refused at once, and its
	// request is marked for a 503.
	third, busy := operation(context.Background(), 1000)
	if r := g.middleware(third, answered)(third); !isBusy(r) || !busy.Load() {
		t.Fatalf("third heavy query past a full queue: %+v, busy flag %v", r, busy.Load())
	}
	select {
	case r := <-got:
		t.Fatalf("the queued query ran while the slot was held: %+v", r)
	case <-time.After(20 * time.Millisecond):
	}
	// When the first is answered, the queued one runs.
	holding(first)
	if r := <-got; isBusy(r) {
		t.Fatalf("the queued query was refused once the slot was free: %+v", r)
	}
}

func TestAHungUpHeavyQueryGivesBackItsSlot(t *testing.T) {
	g := newGate(Admission{Slots: 1, Queue: 1, Wait: 50 * time.Millisecond, Heavy: 500})
	ctx, cancel := context.WithCancel(context.Background())
	first, _ := operation(ctx, 1000)
	g.middleware(first, answered) // its response is never built
	cancel()                      // the client hangs up
	next, _ := operation(context.Background(), 1000)
	if r := g.middleware(next, answered)(next); isBusy(r) {
		t.Fatal("the slot of a hung-up query was never given back")
	}
}

func TestABusyAnswerIsA503WithRetryAfter(t *testing.T) {
	h := withBusyStatus(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Context().Value(busyKey{}).(*atomic.Bool).Store(true)
		w.Write([]byte(`{"errors":[]}`))
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/graphql", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("busy answer: %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
}
