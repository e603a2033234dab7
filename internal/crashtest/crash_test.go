package crashtest

import (
	"context"
	"math/rand/v2"
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

// TestCrashDurability: clients write while the server is SIGKILLed at a
// random moment, cycle after cycle. After each kill every acknowledged
// write is present exactly once, nothing unsent appears, and the real
// `attrib check` passes.
func TestCrashDurability(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l := newLedger()
	n := cycles(t)
	var restarts []time.Duration
	for cycle := range n {
		p, took := startServer(t, dir)
		restarts = append(restarts, took)
		ctx, cancel := context.WithCancel(context.Background())
		wg := runWriters(ctx, p.base, writers, cycle, l)
		time.Sleep(time.Duration(100+rand.IntN(600)) * time.Millisecond)
		p.kill()
		cancel()
		wg.Wait()

		summary := attribCheck(t, dir)
		seen := census(t, dir)
		l.mu.Lock()
		for m := range l.acked {
			if seen[m] != 1 {
				t.Errorf("cycle %d: acknowledged write %s is present %d times, want once", cycle, m, seen[m])
			}
		}
		for m, c := range seen {
			if !l.sent[m] || c != 1 {
				t.Errorf("cycle %d: %s present %d times but never sent", cycle, m, c)
			}
		}
		unacked := len(seen) - len(l.acked)
		t.Logf("cycle %d: restart %v; %d writes acknowledged so far, all present; %d unacknowledged also landed; check: %s",
			cycle+1, took.Round(time.Millisecond), len(l.acked), unacked, summary)
		l.mu.Unlock()
		if t.Failed() {
			return
		}
	}
	t.Logf("crash durability: %d kill cycles, %d acknowledged writes, 0 lost; slowest restart %v",
		n, len(l.acked), slices.Max(restarts).Round(time.Millisecond))
}
