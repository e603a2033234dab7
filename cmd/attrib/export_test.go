package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/schematest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// cq5Root is the 15 July 2022 incident.
var cq5Root = store.NodeID("Incident", "2022-07-15-albania-gov")

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := run(t, args...)
	if err != nil {
		t.Fatalf("attrib %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func seededDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	mustRun(t, "seed", "--data", dir)
	return dir
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRoundTripThroughTheCLI(t *testing.T) {
	src := seededDir(t)
	out := t.TempDir()
	first, second := filepath.Join(out, "first.json"), filepath.Join(out, "second.json")
	mustRun(t, "export", "--data", src, "--depth", "6", "-o", first)
	dst := filepath.Join(t.TempDir(), "empty")
	report := mustRun(t, "import", "--data", dst, first)
	if !strings.Contains(report, "attrib/1: kept") || !strings.Contains(report, "skipped 0") {
		t.Errorf("import report: %q", report)
	}
	mustRun(t, "export", "--data", dst, "--depth", "6", "-o", second)
	a, b := read(t, first), read(t, second)
	if !bytes.Equal(a, b) {
		t.Fatalf("export, import, export changed the file (%d then %d bytes)", len(a), len(b))
	}
	schematest.Native(t, a)
	if again := mustRun(t, "import", "--data", dst, first); !strings.Contains(again, "wrote 0 records") {
		t.Errorf("second import of the same file wrote something: %q", again)
	}
}

// TestCQ5SameBytesEverywhere exports CQ5 from the CLI (from the data
// directory and through --server), GET /export and GraphQL exportSubgraph,
// in every format, and wants the same bytes from each.
func TestCQ5SameBytesEverywhere(t *testing.T) {
	dir := seededDir(t)
	cliOut := map[string][]byte{}
	for _, f := range []string{"native", "stix21", "jgf", "cytoscape"} {
		p := filepath.Join(t.TempDir(), f+".json")
		mustRun(t, "export", "--data", dir, "--root", cq5Root, "--depth", "2", "--format", f, "-o", p)
		cliOut[f] = read(t, p)
	}
	schematest.Native(t, cliOut["native"])
	schematest.STIX(t, cliOut["stix21"])

	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	defer srv.Close()

	for f, want := range cliOut {
		resp, err := http.Get(srv.URL + "/export?root=" + url.QueryEscape(cq5Root) + "&depth=2&format=" + strings.ToUpper(f))
		if err != nil {
			t.Fatal(err)
		}
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("%s: status %d, disposition %q", f, resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		if !bytes.Equal(body.Bytes(), want) {
			t.Errorf("%s: GET /export differs from the CLI (%d vs %d bytes)", f, body.Len(), len(want))
		}

		var res struct {
			ExportSubgraph string `json:"exportSubgraph"`
		}
		gqltest.Post(t, srv.URL+"/graphql", gqltest.Request{
			Query:     `query($root: ID, $format: ExportFormat) { exportSubgraph(root: $root, depth: 2, format: $format) }`,
			Variables: map[string]any{"root": cq5Root, "format": map[string]string{"native": "NATIVE", "stix21": "STIX21", "jgf": "JGF", "cytoscape": "CYTOSCAPE"}[f]},
		}).Must(t, &res)
		if res.ExportSubgraph != string(want) {
			t.Errorf("%s: GraphQL exportSubgraph differs from the CLI (%d vs %d bytes)", f, len(res.ExportSubgraph), len(want))
		}

		// The CLI talking to the running server gives the same bytes too.
		p := filepath.Join(t.TempDir(), "via-server.json")
		mustRun(t, "export", "--server", srv.URL, "--root", cq5Root, "--format", f, "-o", p)
		if got := read(t, p); !bytes.Equal(got, want) {
			t.Errorf("%s: export --server differs (%d vs %d bytes)", f, len(got), len(want))
		}
	}
}

func TestExportViaServerErrorsLeaveNoFile(t *testing.T) {
	s, err := store.Open(seededDir(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	defer srv.Close()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--root", store.NodeID("State", "ZZ")}, "404 Not Found"},
		{[]string{"--root", cq5Root, "--max-nodes", "2"}, "400 Bad Request"},
	} {
		out := t.TempDir()
		args := append([]string{"export", "--server", srv.URL, "-o", filepath.Join(out, "x.json")}, c.args...)
		if _, err := run(t, args...); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%v: got %v, want %q", c.args, err, c.msg)
		}
		if names := entries(t, out); len(names) != 0 {
			t.Errorf("%v: a failed export left %v", c.args, names)
		}
	}
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestExportErrorsLeaveNoFile(t *testing.T) {
	dir := seededDir(t)
	cases := []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown root", []string{"--root", store.NodeID("State", "ZZ")}, "not found"},
		{"bad depth", []string{"--root", cq5Root, "--depth", "9"}, "depth must be 0 to 6"},
		{"unknown format", []string{"--format", "graphml"}, "use one of native, stix21, jgf, cytoscape"},
		{"node cap", []string{"--root", cq5Root, "--max-nodes", "3"}, "more than 3 nodes"},
		{"missing data dir", []string{"--data", filepath.Join(t.TempDir(), "nope")}, "holds no attrib data"},
		{"empty data dir", []string{"--data", t.TempDir()}, "holds no attrib data"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			file := filepath.Join(out, "x.json")
			args := append([]string{"export", "--data", dir, "-o", file}, c.args...)
			_, err := run(t, args...)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want an error saying %q", err, c.msg)
			}
			if names := entries(t, out); len(names) != 0 {
				t.Fatalf("a failed export left %v", names)
			}
		})
	}
}

func TestExportFromLockedDataDir(t *testing.T) {
	dir := seededDir(t)
	s, err := store.Open(dir, store.Options{}) // as a running server would
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := t.TempDir()
	_, err = run(t, "export", "--data", dir, "--root", cq5Root, "-o", filepath.Join(out, "x.json"))
	if err == nil || !strings.Contains(err.Error(), "locked") || !strings.Contains(err.Error(), "--server") {
		t.Fatalf("got %v, want an error saying the directory is locked and how to use --server", err)
	}
	if names := entries(t, out); len(names) != 0 {
		t.Fatalf("a failed export left %v", names)
	}
	_, err = run(t, "import", "--data", dir, filepath.Join(out, "x.json"))
	if err == nil {
		t.Fatal("import of a missing file succeeded")
	}
}

func TestImportErrorsWriteNothing(t *testing.T) {
	good := filepath.Join(t.TempDir(), "good.json")
	mustRun(t, "export", "--data", seededDir(t), "--root", cq5Root, "-o", good)
	var f map[string]any
	json.Unmarshal(read(t, good), &f)
	edge := f["edges"].([]any)[0].(map[string]any)
	c := edge["citations"].([]any)[0].(map[string]any)
	c["exact"] = "tampered " + c["exact"].(string)
	raw, _ := json.Marshal(f)
	tampered := filepath.Join(t.TempDir(), "tampered.json")
	os.WriteFile(tampered, raw, 0o644)
	malformed := filepath.Join(t.TempDir(), "malformed.json")
	os.WriteFile(malformed, []byte(`{"format": "attrib/1", "nodes": [{"id": 3}]`), 0o644)

	for name, c := range map[string]struct{ file, msg string }{
		"tampered quote": {tampered, "edge " + edge["type"].(string) + " " + edge["id"].(string) + ", citation 1"},
		"malformed":      {malformed, "malformed import file"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			_, err := run(t, "import", "--data", dir, c.file)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want an error naming %q", err, c.msg)
			}
			// Nothing was written: an export of the directory is empty.
			out := mustRun(t, "export", "--data", dir)
			if !strings.Contains(out, `"nodes": [],`) || !strings.Contains(out, `"documents": []`) {
				t.Fatalf("refused import left records:\n%.300s", out)
			}
		})
	}
}

// attrib import runs under its own soft memory limit, unless GOMEMLIMIT
// sets one.
func TestImportSetsASoftMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOMEMLIMIT")
	if got := setImportMemoryLimit(); got != importMemoryLimit || debug.SetMemoryLimit(-1) != importMemoryLimit {
		t.Fatalf("limit %d, want %d", got, importMemoryLimit)
	}
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetMemoryLimit(1 << 30)
	if got := setImportMemoryLimit(); got != 1<<30 {
		t.Fatalf("with GOMEMLIMIT set, the limit became %d", got)
	}
}
