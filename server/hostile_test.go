package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attrib/attrib/internal/seedtest"
)

type hostile struct {
	name   string
	req    func(base string) *http.Request
	status int    // expected HTTP status
	code   string // expected extensions.code of the first error
}

func post(ctype, body string) func(string) *http.Request {
	return func(base string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		return r
	}
}

func postQuery(q string) func(string) *http.Request {
	b, _ := json.Marshal(map[string]string{"query": q})
	return post("application/json", string(b))
}

func get(q string) func(string) *http.Request {
	return func(base string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, base+"/graphql?query="+url.QueryEscape(q), nil)
		return r
	}
}

// cycle nests n levels along incident → attributions → incident …, with
// two incidents at the top: 2 × (attributions per incident)^n objects.
func cycle(n int) string {
	var b strings.Builder
	b.WriteString("{ incidents(first: 2) { edges { node { ")
	for range n {
		b.WriteString("attributions { incident { ")
	}
	b.WriteString("id ")
	b.WriteString(strings.Repeat("} } ", n))
	b.WriteString("} } } }")
	return b.String()
}

func hostileCases() []hostile {
	rep := strings.Repeat
	var fan strings.Builder
	fan.WriteString("{ ...F0 }\n")
	for i := range 22 {
		fmt.Fprintf(&fan, "fragment F%d on Query { ...F%d ...F%d }\n", i, i+1, i+1)
	}
	fan.WriteString("fragment F22 on Query { __typename }")
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 20000 {
		fmt.Fprintf(&aliases, " a%d: __typename", i)
	}
	aliases.WriteString(" }")
	mp := "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{\"query\":\"{ __typename }\"}\r\n--x--\r\n"
	return []hostile{
		{"duplicate fields", postQuery("{ documents { " + rep("totalCount ", 8000) + "} }"), 400, "LIMIT"},
		{"fragment fan-out", postQuery(fan.String()), 400, "LIMIT"},
		{"20,000 aliases", postQuery(aliases.String()), 400, "LIMIT"},
		{"100,000 directives", postQuery("{ __typename " + rep("@a ", 100000) + "}"), 400, "LIMIT"},
		{"deep nesting", postQuery(rep("{ a ", 1000) + rep("}", 1000)), 400, "LIMIT"},
		{"cycle, 50 levels", postQuery(cycle(50)), 400, "LIMIT"},
		{"cycle, 5 levels", postQuery(cycle(5)), 200, "LIMIT"}, // passes the budget, refused by complexity
		{"huge body", postQuery("{ __typename }" + rep(" ", 2<<20)), 413, "LIMIT"},
		{"huge chunked body", func(base string) *http.Request {
			// No Content-Length: the cap must hold while reading.
			body := io.MultiReader(strings.NewReader(`{"query":"{ __typename }`), strings.NewReader(rep(" ", 2<<20)+`"}`))
			r, _ := http.NewRequest(http.MethodPost, base+"/graphql", body)
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 413, "LIMIT"},
		{"case-folded duplicate key", func(base string) *http.Request {
			// encoding/json matches keys case-insensitively and keeps the
			// last: the guard must judge the query gqlgen will run.
			huge, _ := json.Marshal(aliases.String())
			return post("application/json", `{"query":"{ __typename }","QUERY":`+string(huge)+`}`)(base)
		}, 400, "LIMIT"},
		{"JSON array batch", post("application/json", `[{"query":"{ __typename }"},{"query":"{ __typename }"}]`), 400, "VALIDATION"},
		{"first: 1000000000", postQuery("{ documents(first: 1000000000) { edges { node { id } } } }"), 200, "LIMIT"},
		{"form post", post("application/x-www-form-urlencoded", "query=%7B__typename%7D"), 415, "VALIDATION"},
		{"multipart post", post("multipart/form-data; boundary=x", mp), 415, "VALIDATION"},
		{"text/plain post", post("text/plain", `{"query":"{ __typename }"}`), 415, "VALIDATION"},
		{"mutation over GET", get("mutation { createIncident(name: \"x\") { id } }"), 405, "VALIDATION"},
		{"malformed GET variables", func(base string) *http.Request {
			r, _ := http.NewRequest(http.MethodGet, base+"/graphql?query=%7B__typename%7D&variables=%7Bnope", nil)
			return r
		}, 400, "VALIDATION"},
		{"malformed JSON body", post("application/json", `{"query": "{ __typename }"`), 400, "VALIDATION"},
		{"query not a string", post("application/json", `{"query": 42}`), 400, "VALIDATION"},
	}
}

// heapSampler records the peak live heap while running.
type heapSampler struct {
	stop chan struct{}
	done sync.WaitGroup
	peak atomic.Uint64
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() uint64 { close(h.stop); h.done.Wait(); return h.peak.Load() }

func heapNow() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestHostileQueries sends each hostile request to the whole HTTP surface
// and checks it is refused with a clear code while the server keeps
// answering. It reports, per case, the time the server spent and the peak
// heap growth; the bounds asserted are sanity bounds, far above the norm.
func TestHostileQueries(t *testing.T) {
	var served atomic.Int64 // nanoseconds the last request spent in the handler
	h := Handler(Config{Store: seedtest.Store(t), Limits: DefaultLimits})
	timed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		served.Store(int64(time.Since(start)))
	})
	ts := httptest.NewServer(timed)
	defer ts.Close()

	var slowest time.Duration
	var slowestName string
	var peakGrowth uint64
	var peakName string
	for _, c := range hostileCases() {
		t.Run(c.name, func(t *testing.T) {
			req := c.req(ts.URL)
			runtime.GC()
			base := heapNow()
			hs := sampleHeap()
			resp, err := ts.Client().Do(req)
			if err != nil {
				hs.Stop()
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			peak := hs.Stop()
			took := time.Duration(served.Load())
			growth := uint64(0)
			if peak > base {
				growth = peak - base
			}
			t.Logf("%-20s status %d  server %8.3f ms  peak heap growth %6d KiB  request %d KiB",
				c.name, resp.StatusCode, float64(took)/1e6, growth>>10, req.ContentLength>>10)
			if took > slowest {
				slowest, slowestName = took, c.name
			}
			if growth > peakGrowth {
				peakGrowth, peakName = growth, c.name
			}
			if resp.StatusCode != c.status {
				t.Errorf("status %d, want %d; body %.300s", resp.StatusCode, c.status, body)
			}
			var out struct {
				Data   json.RawMessage `json:"data"`
				Errors []struct {
					Message    string         `json:"message"`
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(body, &out); err != nil {
				t.Fatalf("response is not JSON: %v: %.300s", err, body)
			}
			if len(out.Errors) == 0 || out.Errors[0].Extensions["code"] != c.code {
				t.Fatalf("want an error with code %s, got %.500s", c.code, body)
			}
			if len(out.Data) > 0 && string(out.Data) != "null" {
				t.Errorf("a refused request returned data: %.200s", out.Data)
			}
			t.Logf("%-20s → %s", c.name, out.Errors[0].Message)
			if out.Errors[0].Message == "" || strings.Contains(out.Errors[0].Message, "internal error") {
				t.Errorf("refusal does not say what is wrong: %q", out.Errors[0].Message)
			}
			// Sanity bounds only: refusals normally take well under 50 ms
			// and a few MB; see the logged figures.
			if took > 5*time.Second {
				t.Errorf("refusal took %s", took)
			}
			if growth > 256<<20 {
				t.Errorf("refusal grew the heap by %d MiB", growth>>20)
			}
			stillServing(t, ts)
		})
	}
	t.Logf("slowest rejection: %s (%.3f ms); peak heap growth: %s (%d KiB)",
		slowestName, float64(slowest)/1e6, peakName, peakGrowth>>10)
}

// stillServing checks /healthz and a small query answer.
func stillServing(t *testing.T, ts *httptest.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/healthz", nil)
	resp, err := ts.Client().Do(r)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after the case: %v %v", resp, err)
	}
	resp.Body.Close()
	r, _ = http.NewRequestWithContext(ctx, http.MethodPost, ts.URL+"/graphql", bytes.NewReader([]byte(`{"query":"{ documents(first: 1) { totalCount } }"}`)))
	r.Header.Set("Content-Type", "application/json")
	resp, err = ts.Client().Do(r)
	if err != nil {
		t.Fatalf("small query after the case: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"totalCount":`)) {
		t.Fatalf("small query after the case: %d %s", resp.StatusCode, b)
	}
}
