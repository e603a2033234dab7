package crashtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/store"
)

// The writers' principal, and an admin. The tokens are long and odd so
// that a leak into a log would stand out.
const (
	writerName  = "crashtest"
	writerToken = "tok-crashtest-editor-3b9d71e0c4a2"
	adminToken  = "tok-crashtest-admin-8e25f0a7d61c"
)

// markerPrefix starts the English name (and key) of every Incident the
// writers create; nothing else in the graph is named so.
const markerPrefix = "crash-"

// article is the seeded article, which every marker cites.
var article = store.NodeID("Document", "000_ee0890f214b0197b")

// quote is a passage that occurs once in the seeded article.
const quote = "(فرانس برس، رويترز، الأناضول)"

// tempDirs are the directories the test binary made outside any test's
// TempDir (the binary, the token file); TestMain removes them.
var (
	tempMu   sync.Mutex
	tempDirs []string
)

func tempDir(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", pattern)
	if err == nil {
		tempMu.Lock()
		tempDirs = append(tempDirs, dir)
		tempMu.Unlock()
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range tempDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// tokensFile writes the writers' token file once per test binary run.
var tokensFile = sync.OnceValues(func() (string, error) {
	dir, err := tempDir("attrib-crashtest-tokens")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "tokens")
	return path, os.WriteFile(path, []byte(writerName+":editor:"+writerToken+"\nroot:admin:"+adminToken+"\n"), 0o600)
})

// proc is a running `attrib serve`.
type proc struct {
	cmd  *exec.Cmd
	base string // http://host:port
	log  *syncLog
	done chan struct{} // closed once the log is drained (the process exited)
}

// startServer starts the built `attrib serve` over dir on a free loopback
// port, with the writers' token, and waits until it answers /healthz; it
// returns how long that took (the restart time after a crash). extra
// environment entries are added to the process's.
func startServer(t *testing.T, dir string, env ...string) (*proc, time.Duration) {
	t.Helper()
	bin, err := buildAttrib()
	if err != nil {
		t.Fatal(err)
	}
	return startBinary(t, bin, dir, env...)
}

// startBinary is startServer with the attrib binary bin.
func startBinary(t *testing.T, bin, dir string, env ...string) (*proc, time.Duration) {
	t.Helper()
	toks, err := tokensFile()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd := exec.Command(bin, "serve", "--data", dir, "--addr", "127.0.0.1:0", "--tokens", toks, "--max-objects", "5000")
	cmd.Env = append(os.Environ(), env...)
	// Our own pipe, not StderrPipe: Wait would close that under the reader.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	p := &proc{cmd: cmd, log: &syncLog{}, done: make(chan struct{})}
	t.Cleanup(p.kill)
	addr := make(chan string, 1)
	go func() {
		defer close(p.done)
		defer r.Close()
		listening := regexp.MustCompile(`graphql=(http://[^ ]+)/graphql`)
		lines := bufio.NewScanner(r)
		for lines.Scan() {
			p.log.WriteString(lines.Text() + "\n")
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case p.base = <-addr:
	case <-p.done:
		p.kill()
		t.Fatalf("attrib serve exited before listening:\n%s", p.log)
	case <-time.After(60 * time.Second):
		p.kill()
		t.Fatalf("attrib serve did not listen within 60s:\n%s", p.log)
	}
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, time.Since(start)
			}
		}
		if time.Since(start) > 60*time.Second {
			p.kill()
			t.Fatalf("attrib serve not healthy after 60s: %v\n%s", err, p.log)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// kill SIGKILLs the server: no drain, no close, no flush. Killing a dead
// server does nothing.
func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		p.cmd.Process.Kill()
		p.cmd.Wait()
	}
	<-p.done
}

// gql posts one GraphQL request as the writer (token "" for anonymous)
// and decodes its data into out. Any transport error, non-200 status or
// GraphQL error is an error: only a clean reply acknowledges a write.
func gql(ctx context.Context, c *http.Client, base, token, query string, vars map[string]any, out any) error {
	r, err := gqltest.Send(c, base+"/graphql", gqltest.Request{Query: query, Variables: vars, Token: token, Context: ctx})
	if err != nil {
		return err
	}
	return r.Err(out)
}

const upsertIncident = `mutation($in: IncidentInput!) { upsertIncident(input: $in) { id name } }`

// write performs one acknowledged write of marker through the real
// upsertIncident mutation: nil means the server replied with the written
// incident, which it does only after the commit is synced.
func write(ctx context.Context, c *http.Client, base, marker string) error {
	var out struct {
		UpsertIncident struct{ ID, Name string }
	}
	err := gql(ctx, c, base, writerToken, upsertIncident, map[string]any{"in": map[string]any{
		"key": marker, "nameEn": marker, "kind": "CYBERATTACK", "date": "2022-07-15",
		"cite": []map[string]any{{"document": article, "exact": quote}},
	}}, &out)
	if err != nil {
		return fmt.Errorf("write %s: %w", marker, err)
	}
	if out.UpsertIncident.ID != store.NodeID("Incident", marker) || out.UpsertIncident.Name != marker {
		return fmt.Errorf("write %s: the server answered with %+v", marker, out.UpsertIncident)
	}
	return nil
}

const importGraph = `mutation($data: String!) { importGraph(data: $data) { format written } }`

// importer writes markers through the importGraph mutation, as `attrib
// import` would send a file: a native export of one marker incident (the
// template, with the seeded article it cites), renamed per write.
type importer struct {
	template map[string]any
}

// newImporter fetches the template: the native export of marker, which
// must have been written already.
func newImporter(t *testing.T, base, marker string) *importer {
	t.Helper()
	resp, err := http.Get(base + "/export?depth=0&format=native&root=" + url.QueryEscape(store.NodeID("Incident", marker)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tmpl map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&tmpl); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export of %s: %d %v", marker, resp.StatusCode, err)
	}
	if nodes, _ := tmpl["nodes"].([]any); len(nodes) != 1 {
		t.Fatalf("export of %s holds %d nodes, want the one incident", marker, len(nodes))
	}
	return &importer{template: tmpl}
}

// write imports marker as one file: nil means the server acknowledged the
// import and that it wrote the incident.
func (im *importer) write(ctx context.Context, c *http.Client, base, marker string) error {
	nd := map[string]any{}
	for k, v := range im.template["nodes"].([]any)[0].(map[string]any) {
		nd[k] = v
	}
	props := map[string]any{}
	for k, v := range nd["properties"].(map[string]any) {
		props[k] = v
	}
	props["name_en"] = marker
	nd["properties"] = props
	nd["id"] = store.NodeID("Incident", marker)
	file := map[string]any{}
	for k, v := range im.template {
		file[k] = v
	}
	file["nodes"] = []any{nd}
	data, err := json.Marshal(file)
	if err != nil {
		return err
	}
	var out struct {
		ImportGraph struct {
			Format  string
			Written int
		}
	}
	if err := gql(ctx, c, base, writerToken, importGraph, map[string]any{"data": string(data)}, &out); err != nil {
		return fmt.Errorf("import %s: %w", marker, err)
	}
	if out.ImportGraph.Written != 1 {
		return fmt.Errorf("import %s: the server wrote %d records, want the one incident", marker, out.ImportGraph.Written)
	}
	return nil
}

// ledger is what clients know was acknowledged, and what they sent.
type ledger struct {
	mu    sync.Mutex
	acked map[string]bool
	sent  map[string]bool
	// imports counts the acknowledged writes that were imports.
	imports int
}

func newLedger() *ledger { return &ledger{acked: map[string]bool{}, sent: map[string]bool{}} }

// runWriters runs n clients writing unique markers until the server dies
// or ctx ends; each marker is logged as acknowledged only after its write
// returned success. With im, every third write of a client is an import.
func runWriters(ctx context.Context, base string, n int, cycle int, l *ledger, im *importer) *sync.WaitGroup {
	var wg sync.WaitGroup
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				m := fmt.Sprintf("%sc%d-k%d-w%d", markerPrefix, cycle, c, i)
				l.mu.Lock()
				l.sent[m] = true
				l.mu.Unlock()
				var err error
				imported := im != nil && i%3 == 2
				if imported {
					err = im.write(ctx, client, base, m)
				} else {
					err = write(ctx, client, base, m)
				}
				if err != nil {
					return // the server is gone (or going)
				}
				l.mu.Lock()
				l.acked[m] = true
				if imported {
					l.imports++
				}
				l.mu.Unlock()
			}
		}()
	}
	return &wg
}

// queried counts the marker incidents a running server lists over
// GraphQL, by name, paging through every incident.
func queried(t *testing.T, base string) map[string]int {
	t.Helper()
	const q = `query($after: String) { incidents(first: 100, after: $after) {
  edges { node { id name } } pageInfo { hasNextPage endCursor } } }`
	seen := map[string]int{}
	var after any
	for {
		var out struct {
			Incidents struct {
				Edges []struct {
					Node struct{ ID, Name string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		if err := gql(context.Background(), http.DefaultClient, base, "", q, map[string]any{"after": after}, &out); err != nil {
			t.Fatalf("list incidents: %v", err)
		}
		for _, e := range out.Incidents.Edges {
			if strings.HasPrefix(e.Node.Name, markerPrefix) {
				if e.Node.ID != store.NodeID("Incident", e.Node.Name) {
					t.Errorf("marker %s listed under ID %s", e.Node.Name, e.Node.ID)
				}
				seen[e.Node.Name]++
			}
		}
		if !out.Incidents.PageInfo.HasNextPage {
			return seen
		}
		after = out.Incidents.PageInfo.EndCursor
	}
}

// census counts, in the store at dir (no server running), the marker
// incidents by name.
func census(t *testing.T, dir string) map[string]int {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatalf("store does not open after the crash: %v", err)
	}
	defer s.Close()
	seen := map[string]int{}
	err = s.View(func(tx *store.Txn) error {
		return tx.ScanNodes(func(_ string, n *store.Node) error {
			if name := n.Props.String("name_en"); n.Type == "Incident" && strings.HasPrefix(name, markerPrefix) {
				seen[name]++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

// buildAttrib builds cmd/attrib once per test binary run.
var buildAttrib = sync.OnceValues(func() (string, error) {
	dir, err := tempDir("attrib-crashtest-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "attrib")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/attrib/attrib/cmd/attrib").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build attrib: %v: %s", err, out)
	}
	return bin, nil
})

// attribCheck runs the real `attrib check` on dir.
func attribCheck(t *testing.T, dir string) string {
	t.Helper()
	bin, err := buildAttrib()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "check", "--data", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("attrib check fails: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}
