package server

import (
	"bufio"
	"fmt"
	"math"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dustin/go-humanize"
)

// MemoryLimit sets the Go runtime's soft memory limit from a flag value:
// a size such as "1GiB" or "512MB", "0" or "off" for none, or "" for the
// default, which is $GOMEMLIMIT when set and otherwise three quarters of
// the memory this process may use (its cgroup's limit, else the
// machine's). Near the limit the collector runs more often and returns
// memory to the system sooner, instead of letting the heap grow to twice
// its live size. It returns the limit set, in bytes (0: none).
func MemoryLimit(flag string) (int64, error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "":
		if os.Getenv("GOMEMLIMIT") != "" {
			return debug.SetMemoryLimit(-1), nil // the runtime read it at start
		}
		total := availableMemory()
		if total == 0 {
			return 0, nil
		}
		limit := int64(total / 4 * 3)
		debug.SetMemoryLimit(limit)
		return limit, nil
	case "0", "off", "none":
		debug.SetMemoryLimit(math.MaxInt64)
		return 0, nil
	}
	n, err := humanize.ParseBytes(flag)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return 0, fmt.Errorf("--memory-limit %q: give a size such as 2GiB or 512MB, or 0 for none", flag)
	}
	debug.SetMemoryLimit(int64(n))
	return int64(n), nil
}

// availableMemory is the memory this process may use: its cgroup v2 limit
// when one is set, else the machine's total; 0 when neither can be read.
func availableMemory() uint64 {
	total := meminfoTotal()
	if b, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && (total == 0 || n < total) {
			return n
		}
	}
	return total
}

func meminfoTotal() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// returnMemoryWhenIdle hands the memory a burst of requests left behind
// back to the system once no request has run for idle. The collector
// frees the heap of finished requests, but the runtime keeps the pages for
// a while; on a small server shared with other processes an analyst's
// burst of heavy queries should not keep its peak for minutes.
// It calls free (debug.FreeOSMemory) to do so.
func returnMemoryWhenIdle(idle time.Duration, free func(), next http.Handler) http.Handler {
	if idle <= 0 {
		return next
	}
	var (
		mu       sync.Mutex
		inFlight int
		busy     bool // a request ran since the last return
		timer    *time.Timer
	)
	trim := func() {
		mu.Lock()
		run := inFlight == 0 && busy
		if run {
			busy = false
		}
		mu.Unlock()
		if run {
			free()
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		busy = true
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight--
			if inFlight == 0 {
				if timer == nil {
					timer = time.AfterFunc(idle, trim)
				} else {
					timer.Reset(idle)
				}
			}
			mu.Unlock()
		}()
		next.ServeHTTP(w, r)
	})
}
