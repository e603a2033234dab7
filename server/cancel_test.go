package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/synthetic"
)

// cancelQueries are the wide list queries whose items gqlgen resolves
// concurrently: a request cancelled while they run fails many sibling
// fields at once, which is where state shared between fields shows.
var cancelQueries = []string{
	`{ attributions(first: 100) { totalCount edges { node { id date { date } attributor { name } blamed { ... on State { name } } certaintyText citations { exact start end } } } } }`,
	`{ attributions(first: 100, minConfidence: 0, sort: CONFIDENCE_DESC) { totalCount edges { node { id confidence incident { name targets { ... on State { name } } } responses { id } } } } }`,
	`{ incidents(first: 100, sort: DATE_DESC) { edges { node { id name date { date } kind targets { ... on State { code } } attributions { id band attributor { code } } } } } }`,
	`{ states(first: 100) { edges { node { code attributionsMade { id incident { id name } } attributionsReceived { id } } } } }`,
}

// TestClientHangUpsUnderConcurrency hangs up on list queries at random
// points, hundreds of times from several clients at once, and then checks
// that the server still answers exactly as before and that no goroutine of
// a cancelled request is left behind. A shared error written by two
// failing fields at once ends the process with "concurrent map writes",
// which fails this test (and -race reports it sooner).
func TestClientHangUpsUnderConcurrency(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 300})
	// Everything started so far (Badger's own workers) is not the
	// requests' to clean up.
	leaks := goleak.IgnoreCurrent()

	// Time is not what this test checks: under the race detector on a busy
	// machine a wide page can take seconds, and must still answer.
	lim := DefaultLimits
	lim.Timeout = 2 * time.Minute
	// Every request runs at once, none waits for a slot: the hang-ups
	// must land while many fields resolve.
	lim.Admission.Slots = 0
	ts := httptest.NewServer(Handler(Config{Store: s, Limits: lim}))
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	ask := func(ctx context.Context, q string) (int, []byte, error) {
		body, _ := json.Marshal(map[string]string{"query": q})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}

	want := make([][]byte, len(cancelQueries))
	for i, q := range cancelQueries {
		code, b, err := ask(context.Background(), q)
		if err != nil || code != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
			t.Fatalf("query %d before the hang-ups: %d %v %.300s", i, code, err, b)
		}
		want[i] = b
	}

	const clients, rounds = 8, 100 // 800 hang-ups
	var wg sync.WaitGroup
	var mu sync.Mutex
	cancelled := 0
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for range rounds {
				wait := time.Duration(rng.IntN(20_001)) * time.Microsecond
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				_, _, err := ask(ctx, cancelQueries[rng.IntN(len(cancelQueries))])
				cancel()
				if err != nil {
					mu.Lock()
					cancelled++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if cancelled < clients*rounds/10 {
		t.Fatalf("only %d of %d requests were cut short; the test no longer hangs up mid-request", cancelled, clients*rounds)
	}
	t.Logf("%d of %d requests hung up mid-flight", cancelled, clients*rounds)

	for i, q := range cancelQueries {
		code, b, err := ask(context.Background(), q)
		if err != nil || code != http.StatusOK || !bytes.Equal(b, want[i]) {
			t.Fatalf("query %d after the hang-ups answers differently: %d %v %.300s", i, code, err, b)
		}
	}

	client.CloseIdleConnections()
	ts.Close()
	if err := goleak.Find(leaks); err != nil {
		t.Fatalf("goroutines left behind by hung-up requests: %v", err)
	}
}
