package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

func newLimitedServer(t *testing.T, lim server.Limits) *httptest.Server {
	t.Helper()
	s := seedtest.Store(t)
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: lim}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestExportEndpoint(t *testing.T) {
	srv := newLimitedServer(t, server.DefaultLimits)
	root := url.QueryEscape(incident)
	cases := []struct {
		query  string
		status int
		body   string // substring of the body
	}{
		{"?root=" + root + "&depth=2&format=native", 200, `"format": "attrib/1"`},
		{"?root=" + root + "&format=StIx21", 200, `"type": "bundle"`},
		{"?root=" + root + "&root=" + url.QueryEscape(store.NodeID("State", "GB")) + "&depth=0&format=JGF", 200, `"graph"`},
		{"?root=" + root + "&depth=1&format=cytoscape", 200, `"elements"`},
		{"?root=" + url.QueryEscape(store.NodeID("State", "ZZ")), 404, "not found"},
		{"?root=garbage!", 404, "not found"},
		{"?root=" + root + "&depth=7", 400, "depth must be 0 to 6"},
		{"?root=" + root + "&depth=two", 400, "not a whole number"},
		{"?root=" + root + "&format=graphml", 400, "use one of native, stix21, jgf, cytoscape"},
		{"?root=" + root + "&maxNodes=2", 400, "more than 2 nodes"},
		{"?root=" + root + "&direction=up", 400, "direction"},
		{"?root=" + root + "&edgeType=LIKES", 400, "unknown edge type"},
		{"?root=" + root + "&nodeType=Planet", 400, "nodeType: unknown node type"},
		{"?root=" + root + "&includeRetracted=maybe", 400, `includeRetracted: \"maybe\" is not true or false`},
	}
	// Every refusal is one GraphQL-shaped error with the code GraphQL
	// gives the same refusal.
	codes := map[int]string{400: apierr.Validation, 404: apierr.NotFound}
	for _, c := range cases {
		resp, body := get(t, srv.URL+"/export"+c.query)
		if resp.StatusCode != c.status || !strings.Contains(body, c.body) {
			t.Errorf("GET /export%s: %d %.200q; want %d with %q", c.query, resp.StatusCode, body, c.status, c.body)
			continue
		}
		if c.status != 200 {
			var out struct {
				Errors []struct {
					Message    string
					Extensions struct{ Code string }
				}
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" || json.Unmarshal([]byte(body), &out) != nil ||
				len(out.Errors) != 1 || out.Errors[0].Extensions.Code != codes[c.status] || out.Errors[0].Message == "" {
				t.Errorf("GET /export%s: %s %q; want one JSON error with code %s", c.query, ct, body, codes[c.status])
			}
			if strings.Contains(body, "invalid record") {
				t.Errorf("GET /export%s: %q speaks of a record; it was an argument", c.query, body)
			}
		}
		disp := resp.Header.Get("Content-Disposition")
		if c.status == 200 && !strings.HasPrefix(disp, "attachment; filename=") {
			t.Errorf("GET /export%s: Content-Disposition %q", c.query, disp)
		}
		if c.status != 200 && disp != "" {
			t.Errorf("GET /export%s: an error carries Content-Disposition %q", c.query, disp)
		}
	}
	resp, err := http.Post(srv.URL+"/export", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(b), `"code":"VALIDATION"`) {
		t.Errorf("POST /export: %d %s; only GET exports, and the refusal is JSON", resp.StatusCode, b)
	}
}

// gql posts a query to srv, decodes its data into out and returns its
// errors.
func gql(t *testing.T, srv *httptest.Server, query string, vars map[string]any, out any) []gqltest.Error {
	t.Helper()
	r := gqltest.Post(t, srv.URL+"/graphql", gqltest.Request{Query: query, Variables: vars})
	r.Decode(t, out)
	return r.Errors
}

func TestSubgraphField(t *testing.T) {
	srv := newLimitedServer(t, server.DefaultLimits)
	var res struct {
		Subgraph struct {
			Nodes []struct {
				ID       string `json:"id"`
				Typename string `json:"__typename"`
			} `json:"nodes"`
			Links []struct {
				Type string `json:"type"`
				From struct {
					ID string `json:"id"`
				} `json:"from"`
			} `json:"links"`
			Documents []struct {
				Title string `json:"title"`
			} `json:"documents"`
		} `json:"subgraph"`
	}
	errs := gql(t, srv, `query($root: ID) { subgraph(root: $root, depth: 1) {
		nodes { __typename id } links { type from { id } } documents { title } } }`, map[string]any{"root": incident}, &res)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	types := map[string]int{}
	for _, n := range res.Subgraph.Nodes {
		types[n.Typename]++
	}
	if types["Incident"] != 1 || types["Attribution"] < 3 || types["Response"] < 3 || types["Document"] != 0 {
		t.Errorf("depth 1 around the incident: %v", types)
	}
	if len(res.Subgraph.Links) == 0 || len(res.Subgraph.Documents) == 0 {
		t.Errorf("no links or documents: %d, %d", len(res.Subgraph.Links), len(res.Subgraph.Documents))
	}

	// The export holds exactly the nodes the field selects.
	var exp struct {
		ExportSubgraph string `json:"exportSubgraph"`
	}
	if errs := gql(t, srv, `query($root: ID) { exportSubgraph(root: $root, depth: 1) }`, map[string]any{"root": incident}, &exp); len(errs) > 0 {
		t.Fatal(errs)
	}
	var file struct {
		Nodes []struct{ ID string } `json:"nodes"`
	}
	json.Unmarshal([]byte(exp.ExportSubgraph), &file)
	if len(file.Nodes) != len(res.Subgraph.Nodes) {
		t.Errorf("subgraph has %d nodes, its export %d", len(res.Subgraph.Nodes), len(file.Nodes))
	}

	for _, c := range []struct {
		query string
		code  string
		msg   string
	}{
		{`{ subgraph(root: "` + incident + `", roots: ["` + incident + `"]) { nodes { id } } }`, "VALIDATION", "not both"},
		{`{ subgraph(root: "` + incident + `", depth: 7) { nodes { id } } }`, "VALIDATION", "depth must be 0 to 6"},
		{`{ exportSubgraph(root: "` + store.NodeID("State", "ZZ") + `") }`, "NOT_FOUND", "not found"},
	} {
		errs := gql(t, srv, c.query, nil, nil)
		if len(errs) != 1 || !strings.Contains(errs[0].Message, c.msg) {
			t.Errorf("%s: errors %v, want %q", c.query, errs, c.msg)
			continue
		}
		if code := errs[0].Code(); code != c.code {
			t.Errorf("%s: code %q, want %s", c.query, code, c.code)
		}
	}
}

func TestSubgraphCap(t *testing.T) {
	lim := server.DefaultLimits
	lim.MaxNodes = 5
	srv := newLimitedServer(t, lim)
	errs := gql(t, srv, `{ exportSubgraph }`, nil, nil)
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "more than 5 nodes") {
		t.Fatalf("whole graph past a cap of 5: %v", errs)
	}
	// GET /export has no cap unless asked.
	if resp, _ := get(t, srv.URL+"/export"); resp.StatusCode != 200 {
		t.Fatalf("GET /export of the whole graph: %d", resp.StatusCode)
	}
}

func TestImportMutation(t *testing.T) {
	e := newEnv(t, false)
	_, native := get(t, e.srv.URL+"/export?root="+url.QueryEscape(incident))
	var res struct {
		ImportGraph struct {
			Format  string `json:"format"`
			Written int    `json:"written"`
			Kept    []struct {
				Type  string `json:"type"`
				Count int    `json:"count"`
			} `json:"kept"`
		} `json:"importGraph"`
	}
	q := `mutation($data: String!) { importGraph(data: $data) { format written kept { type count } } }`
	// An import writes, so like every mutation it needs an editor.
	for _, tok := range []string{"", readerToken} {
		if r := e.gql(tok, q, map[string]any{"data": native}); r.Code() != apierr.Forbidden || !strings.Contains(r.Body, "editor") {
			t.Errorf("import with token %q: %s", tok, r.Body)
		}
	}
	e.must(aliceToken, q, map[string]any{"data": native}, &res)
	if res.ImportGraph.Format != "attrib/1" || res.ImportGraph.Written != 0 || len(res.ImportGraph.Kept) == 0 {
		t.Errorf("re-importing the server's own export: %+v", res.ImportGraph)
	}
	r := e.gql(aliceToken, q, map[string]any{"data": strings.Replace(native, `"exact":"`, `"exact":"x`, 1)})
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, "citation 1") {
		t.Errorf("tampered import: %s", r.Body)
	}
}
