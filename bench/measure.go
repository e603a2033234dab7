package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Stats summarises the timed calls of one measurement.
type Stats struct {
	N        int
	P50, P99 time.Duration
	PerSec   float64 // completed calls per second of wall time
	// CPU is the process's CPU time (user and system, all threads) per
	// call. Unlike wall time it barely moves when other work shares the
	// machine, so ratios of CPU are the steadier comparison there.
	CPU time.Duration
}

// Measure calls op from conns goroutines, after warm untimed calls, until
// count calls are timed or d has passed, whichever comes first.
func Measure(conns, count, warm int, d time.Duration, op func() error) (Stats, error) {
	// Warm up from every goroutine, so that connections are open and
	// caches hot before the clock starts.
	var (
		warmMu  sync.Mutex
		warmErr error
		ww      sync.WaitGroup
	)
	for range conns {
		ww.Add(1)
		go func() {
			defer ww.Done()
			for range max(1, warm/conns) {
				if err := op(); err != nil {
					warmMu.Lock()
					warmErr = cmpErr(warmErr, err)
					warmMu.Unlock()
					return
				}
			}
		}()
	}
	ww.Wait()
	if warmErr != nil {
		return Stats{}, warmErr
	}
	var (
		next     atomic.Int64
		mu       sync.Mutex
		samples  []time.Duration
		firstErr error
		wg       sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	cpu0 := cpuTime()
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]time.Duration, 0, count/conns+1)
			for next.Add(1) <= int64(count) && time.Now().Before(deadline) {
				t := time.Now()
				err := op()
				own = append(own, time.Since(t))
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					break
				}
			}
			mu.Lock()
			samples = append(samples, own...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	if firstErr != nil {
		return Stats{}, firstErr
	}
	if len(samples) == 0 {
		return Stats{}, fmt.Errorf("measure: no call completed in %s", d)
	}
	slices.Sort(samples)
	return Stats{
		N:      len(samples),
		P50:    samples[len(samples)/2],
		P99:    samples[min(len(samples)-1, len(samples)*99/100)],
		PerSec: float64(len(samples)) / wall.Seconds(),
		CPU:    cpu / time.Duration(len(samples)),
	}, nil
}

// cpuTime returns the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cmpErr(old, err error) error {
	if old != nil {
		return old
	}
	return err
}

// body is the JSON POST body of a GraphQL request.
func body(query string, vars map[string]any) ([]byte, error) {
	return json.Marshal(map[string]any{"query": query, "variables": vars})
}

// Do runs one request through h in process and returns the answer; it
// fails on a non-200 status or a GraphQL error.
func Do(h http.Handler, query string, vars map[string]any) ([]byte, error) {
	b, err := body(query, vars)
	if err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", rec.Code, rec.Body)
	}
	var ans struct {
		Errors []any `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		return nil, fmt.Errorf("answer is not JSON: %w", err)
	}
	if len(ans.Errors) > 0 {
		return nil, fmt.Errorf("answer has errors: %s", rec.Body)
	}
	return rec.Body.Bytes(), nil
}

// InProcess returns an op that runs the request through h with no network:
// the answer is written to a counting writer and dropped.
func InProcess(h http.Handler, query string, vars map[string]any) (func() error, error) {
	b, err := body(query, vars)
	if err != nil {
		return nil, err
	}
	return func() error {
		req, err := http.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		w := &discard{header: http.Header{}}
		h.ServeHTTP(w, req)
		if w.code != 0 && w.code != http.StatusOK {
			return fmt.Errorf("status %d", w.code)
		}
		if w.n == 0 {
			return fmt.Errorf("empty answer")
		}
		return nil
	}, nil
}

type discard struct {
	header http.Header
	code   int
	n      int
}

func (d *discard) Header() http.Header { return d.header }
func (d *discard) WriteHeader(c int)   { d.code = c }
func (d *discard) Write(p []byte) (int, error) {
	d.n += len(p)
	return len(p), nil
}

// OverHTTP returns an op that POSTs the request to url with client and
// reads the whole answer.
func OverHTTP(client *http.Client, url, query string, vars map[string]any) (func() error, error) {
	b, err := body(query, vars)
	if err != nil {
		return nil, err
	}
	return func() error {
		resp, err := client.Post(url, "application/json", bytes.NewReader(b))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || n == 0 {
			return fmt.Errorf("status %d, %d bytes", resp.StatusCode, n)
		}
		return nil
	}, nil
}

// Fields counts the output fields of a GraphQL answer: every object key
// under "data", at every depth and in every list element.
func Fields(answer []byte) (int, error) {
	var a struct {
		Data any `json:"data"`
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		return 0, fmt.Errorf("count fields: %w", err)
	}
	return countKeys(a.Data), nil
}

func countKeys(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += 1 + countKeys(e)
		}
	case []any:
		for _, e := range x {
			n += countKeys(e)
		}
	}
	return n
}
