// Package browsertest drives attrib's pages (the GraphiQL playground with
// RunGraphiQL, any page with a Tab) in a real headless Chromium (Debian's
// /usr/bin/chromium) for end-to-end tests.
//
// The browser runs with no network access beyond the test's own loopback
// server: every request the page makes is recorded, and a request to any host
// other than 127.0.0.1, localhost or ::1 fails the test, which proves the
// playground needs no CDN.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian's chromium package installs the browser.
const ChromiumPath = "/usr/bin/chromium"

// Timeout bounds one RunGraphiQL call, browser start-up included.
const Timeout = 90 * time.Second

// RequireChromium skips the test when Chromium is not installed, or fails it
// when the environment variable CI is set (CI must run the browser tests).
func RequireChromium(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("headless browser test needs %s, which is missing: install it with "+
			"`make browser-deps` (apt-get update && apt-get install -y chromium); .ci/run does this", ChromiumPath)
	}
	t.Skipf("%s not found; run `make browser-deps` to install Chromium for the browser tests", ChromiumPath)
}

// JavaScript snippets that read GraphiQL 4's DOM. CodeMirror 5 keeps its
// editor instance on the wrapper element as .CodeMirror.
const (
	jsEditor = `(sel) => { const el = document.querySelector(sel + ' .CodeMirror'); return el && el.CodeMirror ? el.CodeMirror : null; }`

	// Truthy once the query editor shows a non-empty query.
	jsQueryLoaded = `(() => { const cm = (` + jsEditor + `)('.graphiql-query-editor'); return !!cm && cm.getValue().trim() !== ''; })()`

	// Empties the response pane so a stale value is not taken for the result.
	jsClearResponse = `(() => { const cm = (` + jsEditor + `)('.graphiql-response'); if (!cm) return false; cm.setValue(''); return true; })()`

	// The response text once it is non-empty JSON, else false.
	jsResponseJSON = `(() => {
		const cm = (` + jsEditor + `)('.graphiql-response');
		if (!cm) return false;
		const v = cm.getValue().trim();
		if (v === '') return false;
		try { JSON.parse(v); return v; } catch (e) { return false; }
	})()`
)

// RunGraphiQL opens pageURL (a playground URL such as
// http://127.0.0.1:PORT/?query=...) in headless Chromium, waits for GraphiQL
// to render with the query loaded, clicks the execute button and returns the
// text of the result pane once it holds JSON.
//
// Every request the page makes is recorded; the test fails if one goes to a
// host other than 127.0.0.1, localhost or ::1. Without Chromium the test is
// skipped, or failed under CI (see RequireChromium).
//
// Each of then, if any, runs on the page once the result is shown (before
// the screenshot), to look at how the result is displayed.
func RunGraphiQL(t testing.TB, pageURL string, then ...func(ctx context.Context) error) (resultText string) {
	t.Helper()
	RequireChromium(t)

	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()

	userDataDir, err := os.MkdirTemp("", "attrib-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// The browser may still be writing there for a moment after it exits.
	defer func() { _ = os.RemoveAll(userDataDir) }()

	var browserOut syncBuffer
	opts := allocatorOptions(userDataDir, &browserOut, 1280, 900)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc() // also waits for the browser to exit

	rec := &recorder{inflight: map[network.RequestID]string{}, urls: map[network.RequestID]string{}}
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(rec.listen))
	defer cancelTab()

	fail := func(step string, err error) {
		t.Helper()
		rec.checkHosts(t)
		shot := screenshot(tabCtx, t)
		t.Fatalf("GraphiQL in headless Chromium: %s: %v\n%s%s\nChromium output:\n%s",
			step, err, rec.report(), shot, tail(browserOut.String(), 4000))
	}

	if err := chromedp.Do(tabCtx, chromedp.Navigate(pageURL)); err != nil {
		fail("navigate to "+pageURL, err)
	}
	if err := chromedp.Do(tabCtx, chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button"))); err != nil {
		fail("wait for GraphiQL to render", err)
	}
	if _, err := chromedp.Run(tabCtx, chromedp.Poll[bool](jsQueryLoaded, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		fail("wait for the query editor to hold the query", err)
	}
	// Let the schema introspection (and any other start-up request) finish,
	// so nothing it writes to the result pane is taken for the result.
	if err := rec.waitQuiet(tabCtx, 300*time.Millisecond); err != nil {
		fail("wait for start-up requests to finish", err)
	}
	if ok, err := chromedp.Run(tabCtx, chromedp.Evaluate[bool](jsClearResponse)); err != nil || !ok {
		fail("clear the result pane", errors.Join(err, errors.New("result pane not found")))
	}
	if err := chromedp.Do(tabCtx, chromedp.Click(chromedp.CSS(".graphiql-execute-button"), chromedp.NodeVisible)); err != nil {
		fail("click the execute button", err)
	}
	resultText, err = chromedp.Run(tabCtx, chromedp.Poll[string](jsResponseJSON, chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		fail("wait for JSON in the result pane", err)
	}

	for _, f := range then {
		if err := f(tabCtx); err != nil {
			fail("look at the result", err)
		}
	}

	if path := os.Getenv(ScreenshotEnv); path != "" {
		if png, err := chromedp.Run(tabCtx, chromedp.CaptureScreenshot()); err != nil {
			t.Logf("screenshot: %v", err)
		} else if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Logf("screenshot: %v", err)
		} else {
			t.Logf("screenshot of the playground after the run: %s", path)
		}
	}

	n := rec.checkHosts(t)
	if t.Failed() {
		t.Logf("%s", rec.report())
	} else {
		t.Logf("the page made %d requests, all to the loopback", n)
	}
	return resultText
}

// ScreenshotEnv names an environment variable: when set to a file path,
// RunGraphiQL saves a PNG of the page there after the run.
const ScreenshotEnv = "ATTRIB_GRAPHIQL_SCREENSHOT"

// recorder collects what the page does. Its listen method runs in chromedp's
// event loop, so it only records.
type recorder struct {
	mu       sync.Mutex
	requests []string                     // every request URL, in order
	urls     map[network.RequestID]string // request ID -> URL
	inflight map[network.RequestID]string // network requests not yet finished
	failures []string                     // failed loads
	console  []string                     // console errors and exceptions
}

func (r *recorder) listen(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if ev.Request.URLFragment != "" {
			u += ev.Request.URLFragment
		}
		r.requests = append(r.requests, u)
		r.urls[ev.RequestID] = u
		if isNetworkURL(u) {
			r.inflight[ev.RequestID] = u
		}
	case *network.EventLoadingFinished:
		delete(r.inflight, ev.RequestID)
	case *network.EventLoadingFailed:
		delete(r.inflight, ev.RequestID)
		msg := fmt.Sprintf("%s: %s", short(r.urls[ev.RequestID]), ev.ErrorText)
		if ev.BlockedReason != "" {
			msg += fmt.Sprintf(" (blocked: %s)", ev.BlockedReason)
		}
		r.failures = append(r.failures, msg)
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		r.console = append(r.console, "exception: "+msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			r.console = append(r.console, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " ")))
		}
	}
}

// waitQuiet waits until no network request has been in flight for quiet.
func (r *recorder) waitQuiet(ctx context.Context, quiet time.Duration) error {
	var since time.Time
	for {
		r.mu.Lock()
		n := len(r.inflight)
		r.mu.Unlock()
		switch {
		case n > 0:
			since = time.Time{}
		case since.IsZero():
			since = time.Now()
		case time.Since(since) >= quiet:
			return nil
		}
		select {
		case <-ctx.Done():
			r.mu.Lock()
			defer r.mu.Unlock()
			return fmt.Errorf("%w; still in flight: %v", ctx.Err(), mapValues(r.inflight))
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// checkHosts fails t for every request to a host other than the loopback,
// and returns the number of requests.
func (r *recorder) checkHosts(t testing.TB) int {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range r.requests {
		if ok, host := isLocal(u); !ok {
			t.Errorf("the page requested %s (host %q): a page must load nothing from outside 127.0.0.1/localhost", short(u), host)
		}
	}
	return len(r.requests)
}

func (r *recorder) report() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "requests (%d):\n", len(r.requests))
	for _, u := range r.requests {
		fmt.Fprintf(&b, "  %s\n", short(u))
	}
	if len(r.failures) > 0 {
		fmt.Fprintf(&b, "failed loads:\n  %s\n", strings.Join(r.failures, "\n  "))
	}
	if len(r.console) > 0 {
		fmt.Fprintf(&b, "console:\n  %s\n", strings.Join(r.console, "\n  "))
	}
	return b.String()
}

// isNetworkURL reports whether u goes over the network (not data:, blob:...).
func isNetworkURL(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return true
	}
	switch p.Scheme {
	case "http", "https", "ws", "wss":
		return true
	}
	return false
}

// isLocal reports whether u stays on this machine, and the host it names.
func isLocal(u string) (bool, string) {
	p, err := url.Parse(u)
	if err != nil {
		return false, "(unparsable URL)"
	}
	switch p.Scheme {
	case "data", "blob", "about":
		return true, ""
	case "http", "https", "ws", "wss":
		switch h := p.Hostname(); h {
		case "127.0.0.1", "localhost", "::1":
			return true, h
		default:
			return false, h
		}
	default:
		return false, p.Scheme + ":"
	}
}

// short trims data: URLs, which can be very long, for logs.
func short(u string) string {
	if strings.HasPrefix(u, "data:") && len(u) > 60 {
		return u[:60] + "…"
	}
	return u
}

func mapValues(m map[network.RequestID]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, short(v))
	}
	return out
}

// screenshot saves a PNG of the tab for a failure message, if it can.
func screenshot(ctx context.Context, t testing.TB) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil || len(png) == 0 {
		return ""
	}
	name := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(t.Name(), "_")
	path := filepath.Join(os.TempDir(), "attrib-graphiql-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return ""
	}
	return "screenshot: " + path + "\n"
}

// tail returns the end of Chromium's output, without its D-Bus complaints
// (there is no D-Bus here, and they say nothing about the page).
func tail(s string, n int) string {
	var keep []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.Contains(line, "dbus") {
			keep = append(keep, line)
		}
	}
	s = strings.Join(keep, "\n")
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
