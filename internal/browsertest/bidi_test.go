package browsertest

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// jsBidiStrings measures, for every string value the result pane shows
// that starts with Arabic, where its quotation marks are drawn among the
// value's own characters on the same row: read right to left, the opening
// mark is the rightmost of its row and the closing mark the leftmost of
// its. CodeMirror draws only the lines in view, so every line is drawn
// first.
const jsBidiStrings = `(() => {
	const cm = document.querySelector('.graphiql-response .CodeMirror').CodeMirror;
	cm.setOption('viewportMargin', Infinity);
	cm.refresh();
	const rtl = /[\u0590-\u08FF]/, ltr = /[A-Za-z]/;
	const box = (ch) => { const r = document.createRange(); r.setStart(ch.n, ch.i); r.setEnd(ch.n, ch.i + 1);
		const b = r.getBoundingClientRect(); return {x: b.left + b.width / 2, y: b.top + b.height / 2}; };
	// Glyphs of one row differ in height (Arabic marks, fallback fonts):
	// two characters share a row when their middles are closer than half a
	// line.
	const half = cm.defaultTextHeight() / 2;
	const out = [];
	for (const line of document.querySelectorAll('.graphiql-response .CodeMirror-code pre.CodeMirror-line')) {
		const text = line.textContent;
		const m = text.match(/^\s*"[^"]+": (".*")[,]?$/);
		if (!m) continue;
		const strong = m[1].match(/[A-Za-z\u0590-\u08FF]/);
		if (!strong || !rtl.test(strong[0])) continue;
		const chars = [];
		const walk = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			for (let i = 0; i < n.data.length; i++) chars.push({n, i, space: /\s/.test(n.data[i])});
		}
		const start = text.lastIndexOf(m[1]);
		// A space where the row wraps hangs at the row's end whatever the
		// direction: only visible characters are compared.
		const v = chars.slice(start, start + m[1].length).filter(ch => !ch.space).map(box);
		const open = v[0], close = v[v.length - 1];
		const sameRow = (p) => v.filter(q => Math.abs(q.y - p.y) < half).map(q => q.x);
		out.push({value: m[1], rows: new Set(v.map(q => Math.round(q.y / (2 * half)))).size,
			openRightmost: open.x >= Math.max(...sameRow(open)) - 0.5,
			closeLeftmost: close.x <= Math.min(...sameRow(close)) + 0.5});
	}
	return JSON.stringify(out);
})()`

// jsShowEscaped scrolls the result pane to the first string with escaped
// quotes, for the screenshot.
const jsShowEscaped = `(() => {
	const cm = document.querySelector('.graphiql-response .CodeMirror').CodeMirror;
	for (let i = 0; i < cm.lineCount(); i++) {
		if (cm.getLine(i).includes('\\"')) { cm.scrollIntoView({line: Math.max(0, i - 6), ch: 0}, 0); cm.scrollTo(null, cm.heightAtLine(Math.max(0, i - 6), 'local')); return true; }
	}
	return false;
})()`

type bidiString struct {
	Value                        string
	Rows                         int
	OpenRightmost, CloseLeftmost bool
}

// TestCQ2ResultReadsRightToLeft runs the playground's opening query (CQ2,
// who blamed whom) against the seed and checks that each Arabic string of
// the result is laid out right to left as a whole, its quotation marks
// included, even when it holds escaped quotes: the opening mark at its
// right, the first word right of the last. With
// ATTRIB_GRAPHIQL_SCREENSHOT=FILE.png it saves the page for a person to
// read.
func TestCQ2ResultReadsRightToLeft(t *testing.T) {
	RequireChromium(t)
	requireAssets(t)
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	defer srv.Close()

	var got []bidiString
	look := func(ctx context.Context) error {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](jsBidiStrings))
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			return err
		}
		_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](jsShowEscaped))
		return err
	}
	result := RunGraphiQL(t, srv.URL+"/?query="+url.QueryEscape(server.ExampleQuery), look)
	if !strings.Contains(result, "دبّرتها ورعتها") {
		t.Fatalf("result pane does not hold the CQ2 answer: %.200s", result)
	}
	escaped := 0
	for _, b := range got {
		if strings.Contains(b.Value, `\"`) {
			escaped++
		}
		if !b.OpenRightmost || !b.CloseLeftmost {
			t.Errorf("does not read right to left (%d rows): opening mark rightmost %v, closing mark leftmost %v: %s", b.Rows, b.OpenRightmost, b.CloseLeftmost, b.Value)
		}
	}
	if len(got) < 5 || escaped == 0 {
		t.Fatalf("measured %d Arabic strings, %d with escaped quotes; want the CQ2 quotes, one with escaped quotes", len(got), escaped)
	}
	t.Logf("measured %d Arabic strings, %d of them with escaped quotes", len(got), escaped)
}
