package graph

import (
	"runtime"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/synthetic"
)

// A request's memory is the request's: once its answer is built nothing of
// it stays reachable, also when the caller's context lives on (an
// in-process client, as here, where gqltest.Serve's requests carry a
// context that is never cancelled). A page of 100 incidents reads about
// 0.2 MB of records and loader state; kept until the operation's deadline,
// 200 pages would hold about 40 MB.
func TestAnsweredRequestsKeepNoMemory(t *testing.T) {
	h := NewHandler(seedtest.Synthetic(t, synthetic.Options{Seed: 3, Incidents: 200}), DefaultLimits, nil)
	const page = `{ incidents(first: 100) { edges { node { id name kind date { date } targets { ... on State { code } } } } } }`
	ask := func() {
		out := do(t, h, page)
		if len(out.Errors) != 0 {
			t.Fatalf("the page fails: %s", out.Body)
		}
	}
	heap := func() int64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	ask()
	before := heap()
	const requests = 200
	for range requests {
		ask()
	}
	if grew := heap() - before; grew > 8<<20 {
		t.Fatalf("after %d answered pages the heap grew by %.1f MB and stayed", requests, float64(grew)/(1<<20))
	}
}
