package server_test

// The documentation's examples are real: every GraphQL block of the pages
// below that is followed by a JSON block is run against a freshly seeded
// server, through the handler attrib serve uses, and its answer must be
// the JSON shown. The pages show no other output, so none can go stale.
//
// After a change that alters an answer, regenerate the pages rather than
// editing them by hand:
//
//	go test ./server -run TestDocExamples -update

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/exampletest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

var update = flag.Bool("update", false, "rewrite the JSON output blocks of the documentation from the real answers (TestDocExamples)")

// docPages are the pages whose examples are checked, relative to this
// package. Every fenced block on them is a command (sh), a picture
// (mermaid), a GraphQL query, or the JSON answer of the query before it.
var docPages = []string{"../README.md", "../docs/examples.md"}

// docFixturePrefix marks an HTML comment, invisible on the rendered page,
// that loads a file into the store before the next query runs:
//
//	<!-- docs-test: import testdata/attack-ics/ics-attack.json -->
//
// The path is relative to the repository root. The example corpus
// (examples/albania-2022) is ingested, as attrib ingest DIR does.
const docFixturePrefix = "<!-- docs-test: import "

type docBlock struct {
	lang       string
	body       string
	heading    string // the section it stands in
	line       int    // 1-based line of the opening fence
	start, end int    // 0-based lines of the body: [start, end)
	fixture    string // file to import before the query, "" for the seed alone
}

func (b docBlock) where(page string) string {
	return fmt.Sprintf("%s:%d (section %q)", filepath.Base(page), b.line, b.heading)
}

// parseDocBlocks returns the fenced blocks of a Markdown page, each with
// the heading it stands under and the fixture comment before it.
func parseDocBlocks(lines []string) ([]docBlock, error) {
	var (
		blocks  []docBlock
		heading string
		fixture string
		open    *docBlock
	)
	for i, l := range lines {
		if open != nil {
			if strings.TrimSpace(l) == "```" {
				open.end = i
				open.body = strings.Join(lines[open.start:i], "\n")
				blocks = append(blocks, *open)
				open = nil
			}
			continue
		}
		// A fence may be indented (in a list item) and still show output.
		switch fence := strings.TrimLeft(l, " \t"); {
		case strings.HasPrefix(fence, "```"):
			open = &docBlock{lang: strings.TrimSpace(strings.TrimPrefix(fence, "```")), heading: heading, line: i + 1, start: i + 1}
			if open.lang == "graphql" {
				open.fixture, fixture = fixture, ""
			}
		case strings.HasPrefix(l, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(l, "#"))
		case strings.HasPrefix(l, docFixturePrefix):
			f, ok := strings.CutSuffix(strings.TrimPrefix(l, docFixturePrefix), " -->")
			if !ok {
				return nil, fmt.Errorf("line %d: a fixture comment is %q", i+1, docFixturePrefix+"FILE -->")
			}
			fixture = strings.TrimSpace(f)
		}
	}
	if open != nil {
		return nil, fmt.Errorf("line %d: a fenced block is never closed", open.line)
	}
	if fixture != "" {
		return nil, fmt.Errorf("a fixture comment (%s) is followed by no GraphQL query", fixture)
	}
	return blocks, nil
}

// docExample is a query and the answer a page shows for it.
type docExample struct {
	query, answer docBlock
}

// docExamples pairs each JSON block with the GraphQL block just before it,
// and refuses any block that could show output no test checks.
func docExamples(blocks []docBlock) ([]docExample, error) {
	var out []docExample
	for i, b := range blocks {
		switch b.lang {
		case "sh", "mermaid", "graphql":
		case "json":
			if i == 0 || blocks[i-1].lang != "graphql" {
				return nil, fmt.Errorf("line %d (section %q): a JSON block must follow the GraphQL query it answers, or no test checks it", b.line, b.heading)
			}
			out = append(out, docExample{query: blocks[i-1], answer: b})
		default:
			return nil, fmt.Errorf("line %d (section %q): a %q block: these pages show only commands (sh), pictures (mermaid), GraphQL queries and their JSON answers, so that every output shown is checked", b.line, b.heading, b.lang)
		}
	}
	return out, nil
}

// docServers starts one seeded server per fixture, on first use.
type docServers struct {
	t       *testing.T
	servers map[string]*httptest.Server
}

func (d *docServers) get(fixture string) *httptest.Server {
	if ts, ok := d.servers[fixture]; ok {
		return ts
	}
	t := d.t
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	switch fixture {
	case "":
	case exampletest.Corpus:
		exampletest.Ingest(t, s)
	default:
		data, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(fixture)))
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
		if _, err := importer.Import(s, data); err != nil {
			t.Fatalf("import %s: %v", fixture, err)
		}
	}
	x, err := search.Open(filepath.Join(t.TempDir(), "search.bleve"), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	ts := httptest.NewServer(server.Handler(server.Config{Store: s, Index: x, Limits: server.DefaultLimits}))
	t.Cleanup(ts.Close)
	d.servers[fixture] = ts
	return ts
}

// answer POSTs a query as an anonymous reader and returns the body.
func (d *docServers) answer(fixture, query string) []byte {
	d.t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(d.get(fixture).URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		d.t.Fatal(err)
	}
	return raw
}

// TestDocExamples runs every query the README and docs/examples.md show
// and compares the answer with the JSON shown below it.
func TestDocExamples(t *testing.T) {
	srv := &docServers{t: t, servers: map[string]*httptest.Server{}}
	checked := 0
	for _, page := range docPages {
		raw, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		blocks, err := parseDocBlocks(lines)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		examples, err := docExamples(blocks)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		if len(examples) == 0 {
			t.Errorf("%s shows no query with its answer", page)
		}
		rewrites := make([]string, len(examples))
		for i, ex := range examples {
			got := srv.answer(ex.query.fixture, ex.query.body)
			checked++
			gotCanon, err := canonicalJSON([]byte(got))
			if err != nil {
				t.Errorf("%s: the server answered something that is not JSON: %v\n%s", ex.query.where(page), err, got)
				continue
			}
			if *update {
				pretty, err := docJSON(got)
				if err != nil {
					t.Fatal(err)
				}
				rewrites[i] = pretty
				continue
			}
			wantCanon, err := canonicalJSON([]byte(ex.answer.body))
			if err != nil {
				t.Errorf("%s: the answer shown is not JSON: %v", ex.answer.where(page), err)
				continue
			}
			if gotCanon != wantCanon {
				t.Errorf("%s: the answer shown (-) is not the server's (+); run go test ./server -run TestDocExamples -update to regenerate it:\n%s",
					ex.answer.where(page), lineDiff(indentJSON(wantCanon), indentJSON(gotCanon)))
			}
		}
		if *update {
			// From the last block up, so earlier line numbers hold.
			for i := len(examples) - 1; i >= 0; i-- {
				b := examples[i].answer
				lines = append(lines[:b.start], append(strings.Split(rewrites[i], "\n"), lines[b.end:]...)...)
			}
			if err := os.WriteFile(page, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("%d examples checked", checked)
}

// canonicalJSON is v with object keys sorted and no insignificant space,
// numbers as written.
func canonicalJSON(b []byte) (string, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	if _, err := d.Token(); err != io.EOF {
		return "", fmt.Errorf("more than one JSON value")
	}
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func indentJSON(canon string) []string {
	var buf bytes.Buffer
	_ = json.Indent(&buf, []byte(canon), "", "  ")
	return strings.Split(buf.String(), "\n")
}

// lineDiff shows the lines of want and got that differ (- shown, + real),
// with two lines of context, from their longest common subsequence.
func lineDiff(want, got []string) string {
	n, m := len(want), len(got)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == got[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		mark byte
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == got[j]:
			ops = append(ops, op{' ', want[i]})
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, op{'+', got[j]})
			j++
		default:
			ops = append(ops, op{'-', want[i]})
			i++
		}
	}
	var b strings.Builder
	last := -1
	for k, o := range ops {
		near := false
		for d := max(0, k-2); d <= min(len(ops)-1, k+2); d++ {
			near = near || ops[d].mark != ' '
		}
		if !near {
			continue
		}
		if last >= 0 && k > last+1 {
			b.WriteString("  …\n")
		}
		fmt.Fprintf(&b, "%c %s\n", o.mark, o.text)
		last = k
	}
	return b.String()
}

// docJSON lays out a JSON answer for a page: the envelope and the
// operation's field one key a line, and below them any object or list
// that fits in 100 columns on one line.
func docJSON(b []byte) (string, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	v, err := readOrdered(d)
	if err != nil {
		return "", err
	}
	var out strings.Builder
	v.write(&out, 0, 0, 0)
	return out.String(), nil
}

// ordered is a JSON value that keeps its keys in the order the server
// wrote them, which is the order of the query's fields.
type ordered struct {
	scalar string // encoded, when not an object or a list
	object bool
	list   bool
	keys   []string
	vals   []*ordered
}

func readOrdered(d *json.Decoder) (*ordered, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'), json.Delim('['):
		v := &ordered{object: tok == json.Delim('{'), list: tok == json.Delim('[')}
		for d.More() {
			if v.object {
				k, err := d.Token()
				if err != nil {
					return nil, err
				}
				v.keys = append(v.keys, k.(string))
			}
			e, err := readOrdered(d)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, e)
		}
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		return v, nil
	}
	return &ordered{scalar: encodeScalar(tok)}, nil
}

func encodeScalar(v any) string {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	_ = e.Encode(v)
	return strings.TrimSuffix(buf.String(), "\n")
}

// inline is v on one line.
func (v *ordered) inline() string {
	if !v.object && !v.list {
		return v.scalar
	}
	parts := make([]string, len(v.vals))
	for i, e := range v.vals {
		parts[i] = e.inline()
		if v.object {
			parts[i] = encodeScalar(v.keys[i]) + ": " + parts[i]
		}
	}
	if v.object {
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// write writes v at the given depth and indent; used is how many columns
// of the line are already taken (the key before it), tail those after it
// (a comma).
func (v *ordered) write(b *strings.Builder, depth, used, tail int) {
	in := v.inline()
	if !v.object && !v.list || len(v.vals) == 0 || depth >= 2 && used+utf8.RuneCountInString(in)+tail <= 100 {
		b.WriteString(in)
		return
	}
	pad := strings.Repeat("  ", depth+1)
	open, closing := "[", "]"
	if v.object {
		open, closing = "{", "}"
	}
	b.WriteString(open + "\n")
	for i, e := range v.vals {
		b.WriteString(pad)
		key := ""
		if v.object {
			key = encodeScalar(v.keys[i]) + ": "
			b.WriteString(key)
		}
		comma := 0
		if i < len(v.vals)-1 {
			comma = 1
		}
		e.write(b, depth+1, len(pad)+utf8.RuneCountInString(key), comma)
		if comma == 1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(strings.Repeat("  ", depth) + closing)
}

// A page cannot show output that no test checks: a console transcript, a
// JSON block with no query above it, or a block of no language.
func TestDocExamplesRefuseUncheckedOutput(t *testing.T) {
	for name, page := range map[string]string{
		"console":        "# A\n\n```console\n$ attrib check\nok\n```\n",
		"plain":          "# A\n\n```\nreindexed: 48 nodes\n```\n",
		"orphan JSON":    "# A\n\n```sh\nattrib export\n```\n\n```json\n{}\n```\n",
		"indented":       "# A\n\n- a list item:\n\n  ```text\n  output\n  ```\n",
		"unclosed":       "# A\n\n```graphql\n{ x }\n",
		"unused fixture": "# A\n\n<!-- docs-test: import testdata/x.json -->\n",
	} {
		blocks, err := parseDocBlocks(strings.Split(page, "\n"))
		if err == nil {
			_, err = docExamples(blocks)
		}
		if err == nil {
			t.Errorf("%s: accepted %q", name, page)
		}
	}
	blocks, err := parseDocBlocks(strings.Split("# Q\n\n<!-- docs-test: import f.json -->\n```graphql\n{ x }\n```\n\ntext\n\n```json\n{\"data\": 1}\n```\n", "\n"))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := docExamples(blocks)
	if err != nil || len(ex) != 1 || ex[0].query.fixture != "f.json" || ex[0].answer.heading != "Q" || ex[0].answer.body != `{"data": 1}` {
		t.Errorf("a query and its answer: %+v, %v", ex, err)
	}
}
