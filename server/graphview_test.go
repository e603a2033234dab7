package server_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/internal/browsertest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/synthetic"
	"github.com/attrib/attrib/view"
	"github.com/attrib/attrib/web"
)

// ScreenshotsEnv names an environment variable: when it holds a folder,
// the graph view and source view tests save the documentation's screenshots
// there (`make screenshots` sets it to docs/img).
const ScreenshotsEnv = "ATTRIB_SCREENSHOTS"

var seedIncident = store.NodeID("Incident", "2022-07-15-albania-gov")

// requirePageAssets skips without the graph view's assets, or fails under
// CI, where `make test` builds them.
func requirePageAssets(t *testing.T) {
	t.Helper()
	browsertest.RequireChromium(t)
	if web.PageAssetsBuilt() && web.AssetsBuilt() {
		return
	}
	if testingCI() {
		t.Fatal("graph view assets are not built: run `make assets` (make test does)")
	}
	t.Skip("graph view assets are not built; run `make assets`")
}

// seededServer serves a seeded store, which the test may read too, with
// its search index.
func seededServer(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	x, err := search.Open(filepath.Join(t.TempDir(), "search.bleve"), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	ts := httptest.NewServer(server.Handler(server.Config{Store: s, Index: x, Limits: server.DefaultLimits}))
	t.Cleanup(ts.Close)
	return ts, s
}

// drawnNodes is how many nodes the graph view must draw for a walk: every
// selected node, and the documents a selected link touches (documents are
// otherwise the sources of quotes, not drawn). The walk is the one behind
// GraphQL's subgraph, with an anonymous reader's clearance.
func drawnNodes(t *testing.T, s *store.Store, r subgraph.Request) int {
	t.Helper()
	n := 0
	err := view.New(s, view.Scope{Clearance: auth.Anonymous.Clearance()}).View(func(tx *view.Txn) error {
		sel, err := subgraph.Walk(tx, r)
		if err != nil {
			return err
		}
		n = len(sel.Nodes)
		linked := map[string]bool{}
		for _, id := range sel.Edges {
			e, err := tx.Edge(id)
			if err != nil {
				return err
			}
			linked[e.From], linked[e.To] = true, true
		}
		for _, d := range sel.Documents {
			if linked[d] {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// jsReady is truthy once a page has loaded its data: "true", or "error"
// when it could not (see waitReady).
const jsReady = `document.body.dataset.ready`

// waitReady waits for the page to load its data, failing with the page's
// own message if it could not.
func waitReady(tab *browsertest.Tab, step string) {
	if browsertest.Poll[string](tab, step, jsReady, 60*time.Second) != "true" {
		tab.Fail(step, errors.New(browsertest.Eval[string](tab, "read the status", `document.getElementById("status").textContent`)))
	}
}

// jsLabels lists "id|label" of every drawn node, sorted.
const jsLabels = `attribGraph.cy.nodes().map(n => n.id() + "|" + n.data("label")).sort()`

func openGraph(tab *browsertest.Tab, u string) {
	tab.Run("open "+u, chromedp.Navigate(u))
	waitReady(tab, "wait for the graph to load")
}

// An analyst opens the seed incident's neighbourhood, with no internet:
// the graph draws every node with a readable label, the United Kingdom's
// claim opens its Arabic quote with «بصورة شبه مؤكدة» highlighted beside
// its translation, the day before the claims shows none, and the view
// exports as a PNG.
func TestGraphViewSeedIncident(t *testing.T) {
	requirePageAssets(t)
	ts, s := seededServer(t)
	want := drawnNodes(t, s, subgraph.Request{Roots: []string{seedIncident}, Depth: 2})

	tab := browsertest.NewTab(t, 1500, 950, 3*time.Minute)
	defer tab.Close()
	openGraph(tab, ts.URL+"/graph?root="+url.QueryEscape(seedIncident)+"&depth=2")

	if got := browsertest.Eval[int](tab, "count nodes", `attribGraph.cy.nodes().length`); got != want {
		t.Errorf("the graph draws %d nodes, want %d", got, want)
	}
	t.Logf("fCoSE layout of %d nodes: %.0f ms", want, browsertest.Eval[float64](tab, "read the layout time", `attribGraph.state.lastLayoutMs`))
	for _, l := range browsertest.Eval[[]string](tab, "read labels", jsLabels) {
		id, label, _ := strings.Cut(l, "|")
		if label == "" || strings.Contains(label, id) || len([]rune(label)) > 64 {
			t.Errorf("node %s is labelled %q: want a name, not an ID or a sentence", id, label)
		}
	}
	for _, l := range browsertest.Eval[[]string](tab, "read link labels", `attribGraph.cy.edges().map(e => e.data("label"))`) {
		if l == "" || strings.ToUpper(l) == l {
			t.Errorf("a link is labelled %q, want its type in words", l)
		}
	}
	claims := browsertest.Eval[[]string](tab, "read claims", `attribGraph.cy.nodes("[type = 'Attribution']").map(n => n.data("label")).sort()`)
	if !slices.Equal(claims, []string{"Albania → Iran · almost certain", "United Kingdom → Iran · almost certain", "United States → Iran · certainty unstated"}) {
		t.Errorf("claims drawn as %q: want three separate claims, each with claimant, blamed party and band", claims)
	}

	// Click the United Kingdom's claim where it is drawn.
	xy := browsertest.Eval[[]float64](tab, "find the UK claim", `(() => {
		const n = attribGraph.cy.nodes().filter(n => n.data("label").startsWith("United Kingdom →"))[0];
		const p = n.renderedPosition(), r = document.getElementById("cy").getBoundingClientRect();
		return [r.left + p.x, r.top + p.y];
	})()`)
	tab.Run("click the UK claim", chromedp.MouseClickXY(xy[0], xy[1]))
	certainty := browsertest.Poll[string](tab, "wait for the highlighted words of certainty",
		`(() => { const m = document.querySelector("#panel mark.certainty"); return m ? m.textContent : ""; })()`, 10*time.Second)
	if certainty != "بصورة شبه مؤكدة" {
		t.Errorf("the side panel highlights %q, want «بصورة شبه مؤكدة»", certainty)
	}
	panel := browsertest.Eval[string](tab, "read the panel", `document.getElementById("panel").innerText`)
	for _, want := range []string{"United Kingdom → Iran · almost certain", "almost certainly", "Non-authoritative translation by attrib maintainers", "Open in the source at 1918–2007"} {
		if !strings.Contains(panel, want) {
			t.Errorf("the side panel lacks %q:\n%s", want, panel)
		}
	}
	if dir := browsertest.Eval[string](tab, "quote direction", `getComputedStyle(document.querySelector("#panel blockquote.source")).direction`); dir != "rtl" {
		t.Errorf("the Arabic quote is set %s, want rtl", dir)
	}
	if f := browsertest.Eval[string](tab, "quote font", `getComputedStyle(document.querySelector("#panel blockquote.source")).fontFamily`); !strings.Contains(f, "Noto Naskh Arabic") {
		t.Errorf("the Arabic quote's font is %q, want the embedded Noto Naskh Arabic", f)
	}
	if !browsertest.Poll[bool](tab, "wait for the Arabic font", `document.fonts.check('16px "Noto Naskh Arabic"', "بصورة")`, 10*time.Second) {
		t.Error("the embedded Arabic font did not load")
	}
	if got := browsertest.Eval[bool](tab, "focus", `document.activeElement === document.getElementById("panel")`); !got {
		t.Error("selecting the claim does not move keyboard focus to the side panel")
	}
	pg := browsertest.Eval[string](tab, "read the playground link", `document.getElementById("playground-link").getAttribute("href")`)
	if q, err := url.Parse(pg); err != nil || q.Path != "/" || !strings.Contains(q.Query().Get("query"), store.NodeID("Attribution", "gb-blames-ir")) {
		t.Errorf("the playground link %q does not query the selected claim", pg)
	}
	timeline := browsertest.Eval[string](tab, "read the timeline", `document.getElementById("timeline").textContent`)
	for _, want := range []string{"Cyberattack on Albanian government institutions", "United Kingdom → Iran · almost certain · 54 days", "Albania: diplomatic severance", "2022-07-15", "2022-09-07"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the timeline lacks %q:\n%s", want, timeline)
		}
	}
	if dir := os.Getenv(ScreenshotsEnv); dir != "" {
		tab.Screenshot(filepath.Join(dir, "graph-view.png"))
	}

	// Keyboard: Tab reaches the search box and the filters.
	reached := map[string]bool{}
	tab.Run("focus the page's start", chromedp.Evaluate[chromedp.Void](`document.activeElement.blur(); window.focus()`))
	for range 40 {
		tab.Run("press Tab", chromedp.KeyEvent(kb.Tab))
		reached[browsertest.Eval[string](tab, "read focus", `(e => e.id || e.dataset.filter || e.tagName)(document.activeElement)`)] = true
	}
	for _, want := range []string{"search-box", "type", "band", "asof"} {
		if !reached[want] {
			t.Errorf("Tab never reaches %q; it reaches %v", want, reached)
		}
	}

	// Filter by band: without "almost certain", one claim is left.
	tab.Run("untick almost certain", chromedp.Click(`#band-filter input[value="ALMOST_CERTAIN"]`))
	if n := browsertest.Eval[[]string](tab, "count claims", `attribGraph.cy.nodes("[type = 'Attribution']").filter(n => !n.hasClass("hidden")).map(n => n.data("label"))`); !slices.Equal(n, []string{"United States → Iran · certainty unstated"}) {
		t.Errorf("with almost-certain claims filtered out, the view shows %q", n)
	}
	tab.Run("tick almost certain", chromedp.Click(`#band-filter input[value="ALMOST_CERTAIN"]`))
	tab.Run("untick Statement", chromedp.Click(`#type-filter input[value="Statement"]`))
	if n := browsertest.Eval[int](tab, "count statements", `attribGraph.cy.nodes("[type = 'Statement']").filter(n => !n.hasClass("hidden")).length`); n != 0 {
		t.Errorf("with statements filtered out, %d are shown", n)
	}
	tab.Run("tick Statement", chromedp.Click(`#type-filter input[value="Statement"]`))

	// The day before the claims: the incident, and no attribution.
	tab.Run("move the as-of slider one day back", chromedp.Focus("#asof"), chromedp.KeyEvent(kb.ArrowLeft))
	browsertest.Poll[bool](tab, "wait for the as-of view", `document.body.dataset.asof === "2022-09-06"`, 10*time.Second)
	shown := browsertest.Eval[map[string]int](tab, "count what is shown", `(() => {
		const c = {};
		attribGraph.cy.nodes().filter(n => !n.hasClass("hidden")).forEach(n => { c[n.data("type")] = (c[n.data("type")] || 0) + 1; });
		c.timelineClaims = document.querySelectorAll("#timeline .tl-item.attribution").length;
		return c;
	})()`)
	if shown["Attribution"] != 0 || shown["timelineClaims"] != 0 || shown["Incident"] != 1 {
		t.Errorf("as of 2022-09-06 the view shows %v: want the incident and no attribution", shown)
	}
	tab.Run("move the as-of slider back to the last day", chromedp.KeyEvent(kb.ArrowRight))
	if n := browsertest.Poll[int](tab, "wait for the claims to return", `attribGraph.cy.nodes("[type = 'Attribution']").filter(n => !n.hasClass("hidden")).length`, 10*time.Second); n != 3 {
		t.Errorf("after the last day, %d claims are shown, want 3", n)
	}

	// Export a PNG as a user does: the button downloads it.
	b := tab.Download("export a PNG", chromedp.Click("#export-png"))
	checkPNG(t, b)
	svg := tab.Download("export an SVG", chromedp.Click("#export-svg"))
	if !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("<text")) || !bytes.Contains(svg, []byte("United Kingdom →")) {
		t.Errorf("the SVG export is not an SVG of the view with its labels (%d bytes)", len(svg))
	}
	if dir := os.Getenv(ScreenshotsEnv); dir != "" {
		// Kept beside the screenshots for a look, not for the README.
		if err := os.WriteFile(filepath.Join(os.TempDir(), "attrib-graph-export.svg"), svg, 0o644); err == nil {
			t.Logf("SVG export: %s", filepath.Join(os.TempDir(), "attrib-graph-export.svg"))
		}
	}
}

// checkPNG fails unless b is a PNG of some size that is not blank.
func checkPNG(t *testing.T, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the exported PNG does not decode: %v (%d bytes)", err, len(b))
	}
	bounds := img.Bounds()
	if bounds.Dx() < 200 || bounds.Dy() < 200 {
		t.Errorf("the exported PNG is %v", bounds)
	}
	colours := map[[3]uint32]bool{}
	dark := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if r>>8 < 200 || g>>8 < 200 || bl>>8 < 200 {
				dark++
			}
		}
	}
	if len(colours) < 20 || dark < 500 {
		t.Errorf("the exported PNG looks blank: %d colours, %d drawn pixels sampled", len(colours), dark)
	}
	t.Logf("exported PNG: %dx%d, %d colours", bounds.Dx(), bounds.Dy(), len(colours))
}

// A JGF file exported by attrib, dropped on the page, draws the same nodes
// with the same labels as the live view of the same subgraph.
func TestGraphViewOpensDroppedJGF(t *testing.T) {
	requirePageAssets(t)
	ts, _ := seededServer(t)
	tab := browsertest.NewTab(t, 1400, 900, 3*time.Minute)
	defer tab.Close()

	openGraph(tab, ts.URL+"/graph?root="+url.QueryEscape(seedIncident)+"&depth=2")
	live := browsertest.Eval[[]string](tab, "read the live view", jsLabels)

	// Without a root the page opens on a search box.
	openGraph(tab, ts.URL+"/graph")
	if id := browsertest.Eval[string](tab, "read focus", `document.activeElement.id`); id != "search-box" {
		t.Errorf("without a root, focus is on %q, want the search box", id)
	}
	tab.Run("search for طهران", chromedp.SendKeys("#search-box", "طهران"), chromedp.Click(`#search button[type="submit"]`))
	hits := browsertest.Poll[[]string](tab, "wait for search results", `(() => { const a = [...document.querySelectorAll("#search-results a")].map(a => a.textContent); return a.length ? a : null; })()`, 20*time.Second)
	if !slices.Contains(hits, "Iran") {
		t.Errorf("searching for the metonym طهران lists %q, without Iran", hits)
	}

	exportURL := "/export?root=" + url.QueryEscape(seedIncident) + "&depth=2&format=jgf"
	// Drop the file as a browser delivers a dropped file: a drop event
	// whose DataTransfer holds it.
	tab.Run("drop the JGF file", chromedp.Evaluate[chromedp.Void](`(async () => {
		const text = await (await fetch(`+jsString(exportURL)+`)).text();
		const dt = new DataTransfer();
		dt.items.add(new File([text], "seed.jgf.json", { type: "application/json" }));
		document.getElementById("cy").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
	})()`, chromedp.EvalAwaitPromise))
	browsertest.Poll[bool](tab, "wait for the file to draw", `/from seed\.jgf\.json/.test(document.getElementById("status").textContent)`, 30*time.Second)
	dropped := browsertest.Eval[[]string](tab, "read the dropped view", jsLabels)
	if !slices.Equal(dropped, live) {
		t.Errorf("the dropped JGF draws\n%s\nthe live view\n%s", strings.Join(dropped, "\n"), strings.Join(live, "\n"))
	}
	if len(live) < 10 {
		t.Errorf("the live view has only %d nodes", len(live))
	}
	// Its side panel opens quotes from the file alone.
	tab.Run("select the UK claim", chromedp.Evaluate[chromedp.Void](`attribGraph.select(attribGraph.cy.nodes().filter(n => n.data("label").startsWith("United Kingdom →"))[0].id())`))
	if got := browsertest.Eval[string](tab, "read the panel", `(document.querySelector("#panel mark.certainty") || {}).textContent || ""`); got != "بصورة شبه مؤكدة" {
		t.Errorf("the dropped file's claim highlights %q", got)
	}

	// Double-clicking a node adds its neighbours.
	openGraph(tab, ts.URL+"/graph?root="+url.QueryEscape(store.NodeID("State", "GB"))+"&depth=1")
	before := browsertest.Eval[int](tab, "count nodes", `attribGraph.cy.nodes().length`)
	xy := browsertest.Eval[[]float64](tab, "find the UK claim", `(() => {
		const n = attribGraph.cy.nodes().filter(n => n.data("label").startsWith("United Kingdom →"))[0];
		const p = n.renderedPosition(), r = document.getElementById("cy").getBoundingClientRect();
		return [r.left + p.x, r.top + p.y];
	})()`)
	tab.Run("double-click the UK claim", chromedp.MouseClickXY(xy[0], xy[1]), chromedp.MouseClickXY(xy[0], xy[1], chromedp.ClickCount(2)))
	after := browsertest.Poll[int](tab, "wait for the expansion", fmt.Sprintf(`(n => n > %d && n)(attribGraph.cy.nodes().length)`, before), 20*time.Second)
	if browsertest.Eval[int](tab, "find the incident", `attribGraph.cy.nodes("[type = 'Incident']").length`) != 1 {
		t.Errorf("expanding the UK claim (%d to %d nodes) did not add the incident it concerns", before, after)
	}

	// ?file= opens an export from this server.
	openGraph(tab, ts.URL+"/graph?file="+url.QueryEscape(strings.Replace(exportURL, "jgf", "cytoscape", 1)))
	if got := browsertest.Eval[[]string](tab, "read the Cytoscape file's view", jsLabels); !slices.Equal(got, live) {
		t.Errorf("?file= with a Cytoscape export draws %d nodes, want the live view's %d", len(got), len(live))
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// The source view marks every citation of the seed article, each mark's
// text exactly the article's code points [start:end], and lists the facts
// that cite a clicked passage.
func TestSourceViewMarksEveryCitation(t *testing.T) {
	requirePageAssets(t)
	ts, s := seededServer(t)

	var docID string
	var text []rune
	cited := map[[2]int]bool{}
	err := s.View(func(tx *store.Txn) error {
		docs, err := tx.NodeIDsByType(ontology.Document)
		if err != nil {
			return err
		}
		for _, id := range docs {
			d, err := tx.Node(id)
			if err != nil {
				return err
			}
			if d.Props.String("kind") == "ARTICLE" {
				docID, text = id, []rune(d.Props.String("text"))
			}
		}
		add := func(cs []store.Citation) {
			for _, c := range cs {
				if c.Document == docID {
					cited[[2]int{c.Start, c.End}] = true
				}
			}
		}
		if err := tx.ScanNodes(func(_ string, n *store.Node) error { add(n.Citations); return nil }); err != nil {
			return err
		}
		return tx.ScanEdges(func(_ string, e *store.Edge) error { add(e.Citations); return nil })
	})
	if err != nil || docID == "" || len(cited) == 0 {
		t.Fatalf("seed article %q with %d citations: %v", docID, len(cited), err)
	}

	tab := browsertest.NewTab(t, 1400, 950, 3*time.Minute)
	defer tab.Close()
	tab.Run("open the source view", chromedp.Navigate(ts.URL+"/documents/"+url.PathEscape(docID)))
	waitReady(tab, "wait for the document")

	type mark struct {
		Start, End int
		Text       string
	}
	marks := browsertest.Eval[[]mark](tab, "read the marks", `[...document.querySelectorAll("#document mark")].map(m => ({Start: +m.dataset.start, End: +m.dataset.end, Text: m.textContent}))`)
	shown := map[[2]int]bool{}
	for _, m := range marks {
		if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
			t.Errorf("mark [%d:%d] is outside the article's %d code points", m.Start, m.End, len(text))
			continue
		}
		if want := string(text[m.Start:m.End]); m.Text != want {
			t.Errorf("mark [%d:%d] reads %q, the article %q", m.Start, m.End, m.Text, want)
		}
		shown[[2]int{m.Start, m.End}] = true
	}
	for span := range cited {
		if !shown[span] {
			t.Errorf("citation [%d:%d] %q is not marked", span[0], span[1], string(text[span[0]:span[1]]))
		}
	}
	nested := browsertest.Eval[int](tab, "count nested marks", `document.querySelectorAll("#document mark mark").length`)
	layered := browsertest.Eval[int](tab, "count layered marks", `document.querySelectorAll("#document .layer mark").length`)
	t.Logf("%d marks for %d cited spans; %d nested, %d on overlay layers", len(marks), len(cited), nested, layered)
	if nested == 0 || layered == 0 {
		t.Errorf("the seed's spans nest and cross, but %d marks are nested and %d layered", nested, layered)
	}
	if dir := browsertest.Eval[string](tab, "text direction", `getComputedStyle(document.querySelector("#document .text")).direction`); dir != "rtl" {
		t.Errorf("the Arabic article is set %s, want rtl", dir)
	}

	// Click the UK claim's words: the facts citing them link to the graph.
	uk := store.NodeID("Attribution", "gb-blames-ir")
	tab.Run("click the UK claim's quote", chromedp.Evaluate[chromedp.Void](`document.querySelector('#document mark[data-start="1918"][data-end="2007"]').scrollIntoView({block: "center"})`))
	xy := browsertest.Eval[[]float64](tab, "locate the quote", `(() => { const r = document.querySelector('#document mark[data-start="1918"][data-end="2007"]').getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	tab.Run("click the quote", chromedp.MouseClickXY(xy[0], xy[1]))
	links := browsertest.Poll[[]string](tab, "wait for the facts", `(() => { const a = [...document.querySelectorAll("#panel a")].map(a => a.getAttribute("href")); return a.length ? a : null; })()`, 10*time.Second)
	found := false
	for _, l := range links {
		if strings.HasPrefix(l, "/graph?root=") && strings.Contains(l, url.QueryEscape(uk)) {
			found = true
		}
	}
	if !found {
		t.Errorf("the facts citing the UK's quote do not link to its claim in the graph view: %q", links)
	}
	if dir := os.Getenv(ScreenshotsEnv); dir != "" {
		tab.Screenshot(filepath.Join(dir, "source-view.png"))
	}
}

// A 500-node subgraph of a generated corpus still lays out and pans. The
// layout time is logged for docs/performance.md, not asserted: it depends
// on the machine.
func TestGraphViewLaysOutFiveHundredNodes(t *testing.T) {
	requirePageAssets(t)
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// 310 generated incidents: the state most often blamed has about 500
	// nodes within one hop (its claims, responses and their parties).
	if _, err := synthetic.Load(s, synthetic.Options{Incidents: 310}); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	t.Cleanup(ts.Close)
	root := synthetic.StateID("CN")
	want := drawnNodes(t, s, subgraph.Request{Roots: []string{root}, Depth: 1})
	if want < 450 || want > 700 {
		t.Fatalf("the generated subgraph has %d nodes; pick a corpus size that gives about 500", want)
	}

	tab := browsertest.NewTab(t, 1500, 950, 4*time.Minute)
	defer tab.Close()
	openGraph(tab, ts.URL+"/graph?root="+url.QueryEscape(root)+"&depth=1")
	got := browsertest.Eval[map[string]float64](tab, "read the layout", `({
		nodes: attribGraph.cy.nodes().length,
		links: attribGraph.cy.edges().length,
		layoutMs: attribGraph.state.lastLayoutMs,
	})`)
	if int(got["nodes"]) != want {
		t.Errorf("the graph draws %v nodes, want %d", got["nodes"], want)
	}
	t.Logf("fCoSE layout of %v nodes and %v links in headless Chromium: %.0f ms", got["nodes"], got["links"], got["layoutMs"])

	// Pan with the mouse: drag the background from the top-left corner,
	// where the fitted drawing leaves room.
	before := browsertest.Eval[map[string]float64](tab, "read the pan", `attribGraph.cy.pan()`)
	box := browsertest.Eval[[]float64](tab, "locate the drawing", `(() => { const r = document.getElementById("cy").getBoundingClientRect(); return [r.left, r.top]; })()`)
	x, y := box[0]+4, box[1]+4
	tab.Run("drag the background", chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+60, y+40, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+120, y+80, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x+120, y+80, chromedp.ButtonLeft))
	after := browsertest.Eval[map[string]float64](tab, "read the pan", `attribGraph.cy.pan()`)
	if after["x"] == before["x"] && after["y"] == before["y"] {
		t.Errorf("dragging the background did not pan the view (pan %v)", after)
	}
}

// On a server that needs a token for reads, the page says so, and works
// once the reader gives one (the Token button keeps it for the tab).
func TestGraphViewSendsTheReadersToken(t *testing.T) {
	requirePageAssets(t)
	const token = "tok-graph-reader-5d1c9e7a"
	tokens, err := auth.Parse(strings.NewReader("rita:reader:" + token))
	if err != nil {
		t.Fatal(err)
	}
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	ts := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits, Tokens: tokens, ReadsNeedToken: true}))
	t.Cleanup(ts.Close)

	tab := browsertest.NewTab(t, 1400, 900, 2*time.Minute)
	defer tab.Close()
	tab.Run("open the graph without a token", chromedp.Navigate(ts.URL+"/graph?root="+url.QueryEscape(seedIncident)))
	if got := browsertest.Poll[string](tab, "wait for the refusal", jsReady, 30*time.Second); got != "error" {
		t.Fatalf("without a token the page loaded (%q)", got)
	}
	msg := browsertest.Eval[string](tab, "read the status", `document.getElementById("status").textContent`)
	if !strings.Contains(strings.ToLower(msg), "token") {
		t.Errorf("the refusal does not say a token is needed: %q", msg)
	}
	// What the Token button stores, then the page again.
	tab.Run("give the token", chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem("attrib-token", `+jsString(token)+`)`))
	openGraph(tab, ts.URL+"/graph?root="+url.QueryEscape(seedIncident))
	if n := browsertest.Eval[int](tab, "count nodes", `attribGraph.cy.nodes().length`); n < 10 {
		t.Errorf("with the token the graph draws %d nodes", n)
	}
}
