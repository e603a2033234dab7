package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Tab is a headless Chromium tab for a page test. Like RunGraphiQL, it
// records every request the page makes; Close fails the test for any that
// left the loopback. Downloads go to a folder of the test's own.
type Tab struct {
	Ctx context.Context

	t         testing.TB
	rec       *recorder
	out       *syncBuffer
	cancels   []context.CancelFunc
	downloads string

	mu   sync.Mutex
	done map[string]string // download GUID -> file name, once complete
}

// allocatorOptions are the Chromium flags of every test browser: headless,
// no sandbox (tests run as root), and no name resolution but localhost.
func allocatorOptions(userDataDir string, out *syncBuffer, width, height int) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]"),
		chromedp.Flag("lang", "en-GB"),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
		chromedp.CombinedOutput(out),
	)
}

// NewTab starts Chromium with a window of width × height and opens a tab,
// bounded by timeout. It skips the test without Chromium (fails under CI).
func NewTab(t testing.TB, width, height int, timeout time.Duration) *Tab {
	t.Helper()
	RequireChromium(t)
	userDataDir := t.TempDir()
	tb := &Tab{t: t, out: &syncBuffer{}, downloads: t.TempDir(), done: map[string]string{},
		rec: &recorder{inflight: map[network.RequestID]string{}, urls: map[network.RequestID]string{}}}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, allocatorOptions(userDataDir, tb.out, width, height)...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithListener(tb.listen))
	tb.Ctx = tabCtx
	tb.cancels = []context.CancelFunc{cancelTab, cancelAlloc, cancel}
	events := true
	_, err := chromedp.CallBrowser(tabCtx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: tb.downloads, EventsEnabled: &events})
	if err == nil {
		err = chromedp.ListenBrowser(tabCtx, tb.listenBrowser)
	}
	if err != nil {
		tb.Close()
		t.Fatalf("start Chromium: %v\n%s", err, tail(tb.out.String(), 4000))
	}
	return tb
}

func (tb *Tab) listen(ev any) { tb.rec.listen(ev) }

func (tb *Tab) listenBrowser(ev any) {
	if p, ok := ev.(*browser.EventDownloadProgress); ok && p.State == browser.DownloadProgressStateCompleted {
		tb.mu.Lock()
		tb.done[p.GUID] = filepath.Join(tb.downloads, p.GUID)
		tb.mu.Unlock()
	}
}

// Run runs chromedp actions, failing the test with a screenshot and what
// the page did when one fails.
func (tb *Tab) Run(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.Ctx, actions...); err != nil {
		tb.Fail(step, err)
	}
}

// Eval evaluates a JavaScript expression in the page (awaiting a promise)
// and decodes its value.
func Eval[T any](tb *Tab, step, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.Ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fail(step, err)
	}
	return v
}

// Poll waits up to timeout for a JavaScript expression to be truthy and
// returns its value.
func Poll[T any](tb *Tab, step, expr string, timeout time.Duration) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.Ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		tb.Fail(step, err)
	}
	return v
}

// Fail fails the test at step, with a screenshot, the page's requests,
// console errors and Chromium's output.
func (tb *Tab) Fail(step string, err error) {
	tb.t.Helper()
	tb.rec.checkHosts(tb.t)
	shot := screenshot(tb.Ctx, tb.t)
	tb.t.Fatalf("%s: %v\n%s%s\nChromium output:\n%s", step, err, tb.rec.report(), shot, tail(tb.out.String(), 4000))
}

// Download returns the bytes of the next download to complete after
// start runs.
func (tb *Tab) Download(step string, start chromedp.Action[chromedp.Void]) []byte {
	tb.t.Helper()
	tb.mu.Lock()
	before := len(tb.done)
	seen := map[string]bool{}
	for k := range tb.done {
		seen[k] = true
	}
	tb.mu.Unlock()
	tb.Run(step, start)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		tb.mu.Lock()
		if len(tb.done) > before {
			for guid, path := range tb.done {
				if !seen[guid] {
					tb.mu.Unlock()
					b, err := os.ReadFile(path)
					if err != nil {
						tb.Fail(step, err)
					}
					return b
				}
			}
		}
		tb.mu.Unlock()
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fail(step, fmt.Errorf("no download completed within 30 s"))
	return nil
}

// Screenshot saves a PNG of the whole window at path.
func (tb *Tab) Screenshot(path string) {
	tb.t.Helper()
	png, err := chromedp.Run(tb.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.Fail("screenshot", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
}

// Close checks that every request stayed on the loopback, logs how many
// there were, and stops the browser.
func (tb *Tab) Close() {
	tb.t.Helper()
	n := tb.rec.checkHosts(tb.t)
	if tb.t.Failed() {
		tb.t.Logf("%s", tb.rec.report())
	} else {
		tb.t.Logf("the pages made %d requests, all to the loopback", n)
	}
	for _, c := range tb.cancels {
		c()
	}
}
