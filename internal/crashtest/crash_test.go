package crashtest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// cycles is how many kills TestCrashDurability survives: 5 in CI; set
// ATTRIB_CRASH_CYCLES for a longer run by hand.
func cycles(t *testing.T) int {
	if v := os.Getenv("ATTRIB_CRASH_CYCLES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("ATTRIB_CRASH_CYCLES=%q is not a positive number", v)
		}
		return n
	}
	return 5
}

const writers = 4

// TestCrashDurability: clients write through the real mutations
// (upsertIncident, and importGraph for every third write) while the real
// `attrib serve` is SIGKILLed at a random moment, cycle after cycle. After
// each kill the real `attrib check` passes, and the restarted server lists
// every acknowledged write exactly once and nothing that was never sent.
func TestCrashDurability(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l := newLedger()
	n := cycles(t)
	var restarts []time.Duration
	var im *importer
	for cycle := 0; ; cycle++ {
		p, took := startServer(t, dir)
		if cycle > 0 {
			restarts = append(restarts, took)
			seen := queried(t, p.base)
			l.mu.Lock()
			for m := range l.acked {
				if seen[m] != 1 {
					t.Errorf("after kill %d: acknowledged write %s is listed %d times, want once", cycle, m, seen[m])
				}
			}
			for m, c := range seen {
				if !l.sent[m] || c != 1 {
					t.Errorf("after kill %d: %s listed %d times but sent %v", cycle, m, c, l.sent[m])
				}
			}
			t.Logf("after kill %d: restart %v; %d writes acknowledged so far, all listed once; %d unacknowledged also landed",
				cycle, took.Round(time.Millisecond), len(l.acked), len(seen)-len(l.acked))
			l.mu.Unlock()
		}
		if t.Failed() || cycle == n {
			p.kill()
			break
		}
		if im == nil { // the import template: one marker, written first
			const first = markerPrefix + "template"
			if err := write(context.Background(), http.DefaultClient, p.base, first); err != nil {
				t.Fatal(err)
			}
			l.sent[first], l.acked[first] = true, true
			im = newImporter(t, p.base, first)
		}
		ctx, cancel := context.WithCancel(context.Background())
		wg := runWriters(ctx, p.base, writers, cycle, l, im)
		time.Sleep(time.Duration(300+rand.IntN(2000)) * time.Millisecond)
		p.kill()
		cancel()
		wg.Wait()
		t.Logf("kill %d: %s", cycle+1, attribCheck(t, dir))
	}
	if t.Failed() {
		return
	}
	t.Logf("crash durability: %d kill cycles, %d acknowledged writes (%d of them imports), 0 lost; slowest restart %v",
		n, len(l.acked), l.imports, slices.Max(restarts).Round(time.Millisecond))
}
