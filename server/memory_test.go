package server

import (
	"math"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryLimitFlag(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	t.Setenv("GOMEMLIMIT", "")
	if n, err := MemoryLimit("512MiB"); err != nil || n != 512<<20 || debug.SetMemoryLimit(-1) != 512<<20 {
		t.Fatalf("512MiB: %d %v, runtime limit %d", n, err, debug.SetMemoryLimit(-1))
	}
	if n, err := MemoryLimit("0"); err != nil || n != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Fatalf("0: %d %v, runtime limit %d", n, err, debug.SetMemoryLimit(-1))
	}
	if _, err := MemoryLimit("lots"); err == nil || !strings.Contains(err.Error(), "2GiB") {
		t.Fatalf("a bad size is refused with an example: %v", err)
	}
	n, err := MemoryLimit("")
	if err != nil || n <= 0 || uint64(n) > availableMemory() {
		t.Fatalf("default: %d %v, available %d", n, err, availableMemory())
	}
}

func TestMemoryIsReturnedOnceTheServerIsIdle(t *testing.T) {
	var calls atomic.Int32
	h := returnMemoryWhenIdle(30*time.Millisecond, func() { calls.Add(1) }, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for range 5 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}
	deadline := time.Now().Add(5 * time.Second)
	for calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if calls.Load() != 1 {
		t.Fatalf("memory returned %d times after a burst, want once", calls.Load())
	}
	// Idle with no new request: nothing more to return.
	time.Sleep(100 * time.Millisecond)
	if calls.Load() != 1 {
		t.Fatalf("memory returned %d times while nothing ran", calls.Load())
	}
}
