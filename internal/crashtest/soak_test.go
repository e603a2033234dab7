package crashtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// soakReads are the reads of the soak: wide lists, search, walks and
// single nodes, each of which fans out into concurrently resolved fields.
var soakReads = []string{
	`{ attributions(first: 100) { totalCount edges { node { id date { date } attributor { name } blamed { ... on State { name } } certaintyText citations { exact start end } } } } }`,
	`{ incidents(first: 100, sort: DATE_DESC) { totalCount edges { node { id name date { date } attributions { id band } } } } }`,
	`{ timeline { events { kind date { date } node { __typename } } } }`,
	`{ neighbourhood(id: "SW5jaWRlbnQ6MjAyMi0wNy0xNS1hbGJhbmlhLWdvdg", depth: 2) { nodes { distance } links { id type } } }`,
	`{ states(first: 100) { edges { node { code attributionsMade { id } } } } }`,
	`{ changes(first: 50) { totalCount edges { node { seq op } } } }`,
}

// buildRaceAttrib builds cmd/attrib with the race detector, once.
var buildRaceAttrib = sync.OnceValues(func() (string, error) {
	dir, err := tempDir("attrib-crashtest-race")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "attrib")
	out, err := exec.Command("go", "build", "-race", "-o", bin, "github.com/attrib/attrib/cmd/attrib").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build attrib -race: %v: %s", err, out)
	}
	return bin, nil
})

// TestConcurrentSoak runs a race-detecting `attrib serve` under mixed
// reads, acknowledged writes and requests cut short at random, from
// several clients at once, for a bounded count and time on loopback.
// The server must keep answering, lose no acknowledged write, report no
// data race, and exit cleanly when asked to stop.
func TestConcurrentSoak(t *testing.T) {
	bin, err := buildRaceAttrib()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "data")
	// A race ends the server at once, with the report in its log.
	p, _ := startBinary(t, bin, dir, "GORACE=halt_on_error=1 exitcode=66")

	const workers, perWorker, budget = 8, 60, 20 * time.Second
	ctx, stop := context.WithTimeout(context.Background(), budget)
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	var (
		mu                  sync.Mutex
		acked               []string
		reads, cut, refused atomic.Int64
		wg                  sync.WaitGroup
		failures            = make(chan error, workers)
	)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for i := range perWorker {
				if ctx.Err() != nil {
					return
				}
				switch n := rng.IntN(10); {
				case n < 2: // an acknowledged write
					marker := fmt.Sprintf("%ssoak-%d-%d", markerPrefix, w, i)
					if err := write(ctx, client, p.base, marker); err != nil {
						if ctx.Err() == nil {
							failures <- err
							return
						}
						return
					}
					mu.Lock()
					acked = append(acked, marker)
					mu.Unlock()
				case n < 6: // a read cut short at a random point
					cctx, cancel := context.WithTimeout(ctx, time.Duration(rng.IntN(20_001))*time.Microsecond)
					err := gql(cctx, client, p.base, "", soakReads[rng.IntN(len(soakReads))], nil, nil)
					cancel()
					if err != nil {
						cut.Add(1)
					}
				default: // a read to the end
					err := gql(ctx, client, p.base, "", soakReads[rng.IntN(len(soakReads))], nil, nil)
					switch {
					case err == nil:
						reads.Add(1)
					case strings.Contains(err.Error(), "reply 503"):
						refused.Add(1) // admission control: busy, try later
					case ctx.Err() == nil:
						failures <- fmt.Errorf("read: %w", err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Errorf("during the soak: %v", err)
	}
	select {
	case <-p.done:
		t.Fatalf("attrib serve died during the soak:\n%s", p.log)
	default:
	}
	t.Logf("soak: %d reads answered, %d refused as busy, %d cut short, %d writes acknowledged", reads.Load(), refused.Load(), cut.Load(), len(acked))
	if reads.Load() == 0 || len(acked) == 0 || cut.Load() == 0 {
		t.Fatalf("the soak did not mix reads, writes and hang-ups")
	}

	// Every acknowledged write is there, once.
	seen := queried(t, p.base)
	for _, m := range acked {
		if seen[m] != 1 {
			t.Errorf("acknowledged write %s listed %d times", m, seen[m])
		}
	}

	// A clean stop: a race seen by the detector makes the exit code 66.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("attrib serve did not stop within 30s of SIGTERM:\n%s", p.log)
	}
	err = p.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) || strings.Contains(p.log.String(), "DATA RACE") {
		t.Fatalf("attrib serve exited with %v after the soak:\n%s", err, p.log)
	}
}
