package browsertest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/attrib/attrib/web"
)

// introspection is the answer to GraphiQL's schema query for the schema
// `type Query { hello: String }`.
const introspection = `{"data":{"__schema":{
  "description":null,
  "queryType":{"name":"Query"},"mutationType":null,"subscriptionType":null,
  "types":[
    {"kind":"OBJECT","name":"Query","description":null,"specifiedByURL":null,
     "fields":[{"name":"hello","description":null,"args":[],
       "type":{"kind":"SCALAR","name":"String","ofType":null},
       "isDeprecated":false,"deprecationReason":null}],
     "inputFields":null,"interfaces":[],"enumValues":null,"possibleTypes":null},
    {"kind":"SCALAR","name":"String","description":null,"specifiedByURL":null,
     "fields":null,"inputFields":null,"interfaces":null,"enumValues":null,"possibleTypes":null},
    {"kind":"SCALAR","name":"Boolean","description":null,"specifiedByURL":null,
     "fields":null,"inputFields":null,"interfaces":null,"enumValues":null,"possibleTypes":null}
  ],
  "directives":[]}}}`

// fakeGraphQL answers GraphiQL's introspection with the schema above and any
// other operation with {"data":{"hello":"world"}}, recording the queries.
type fakeGraphQL struct {
	mu      sync.Mutex
	queries []string
}

func (f *fakeGraphQL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	var req struct {
		Query string `json:"query"`
	}
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if strings.Contains(req.Query, "__schema") {
		_, _ = io.WriteString(w, introspection)
		return
	}
	f.mu.Lock()
	f.queries = append(f.queries, req.Query)
	f.mu.Unlock()
	_, _ = io.WriteString(w, `{"data":{"hello":"world"}}`)
}

// requireAssets skips the test when the playground assets were not built
// into the web package, or fails it under CI, where `make test` builds them.
func requireAssets(t *testing.T) {
	t.Helper()
	if web.AssetsBuilt() {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal("playground assets are not embedded: run `make assets` (make test does)")
	}
	t.Skip("playground assets are not embedded; run `make assets` (make test does)")
}

func TestGraphiQLRunsQueryOffline(t *testing.T) {
	RequireChromium(t)
	requireAssets(t)

	gql := &fakeGraphQL{}
	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mux.Handle("/", web.Handler("/graphql", "{ hello }"))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// The playground redirects a bare / to /?query=<default query>.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil || loc.Query().Get("query") != "{ hello }" {
		t.Fatalf("GET / = %d, Location %q; want a 302 to /?query={ hello }", res.StatusCode, res.Header.Get("Location"))
	}

	result := RunGraphiQL(t, srv.URL+loc.String())
	t.Logf("result pane: %s", result)
	if !strings.Contains(result, "world") {
		t.Errorf("result pane = %q, want it to contain \"world\"", result)
	}
	var got struct {
		Data struct{ Hello string } `json:"data"`
	}
	if err := json.Unmarshal([]byte(result), &got); err != nil || got.Data.Hello != "world" {
		t.Errorf("result pane is not {\"data\":{\"hello\":\"world\"}}: %q (%v)", result, err)
	}
	gql.mu.Lock()
	defer gql.mu.Unlock()
	if len(gql.queries) != 1 || !strings.Contains(gql.queries[0], "hello") {
		t.Errorf("endpoint got queries %q, want one { hello }", gql.queries)
	}
}

func TestIsLocal(t *testing.T) {
	for u, want := range map[string]bool{
		"http://127.0.0.1:8080/assets/x.js":     true,
		"http://localhost/graphql":              true,
		"ws://[::1]:99/graphql":                 true,
		"data:font/woff2;base64,AAAA":           true,
		"https://cdn.jsdelivr.net/npm/graphiql": false,
		"http://10.0.0.1/":                      false,
		"chrome-extension://abc/x.js":           false,
	} {
		if got, _ := isLocal(u); got != want {
			t.Errorf("isLocal(%q) = %v, want %v", u, got, want)
		}
	}
}

// recordingTB passes everything to the real test but keeps Errorf calls, so a
// test can check that RunGraphiQL reports what it should.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestOutsideRequestIsReported serves the playground with an extra image from
// an outside host and checks that RunGraphiQL flags it. The browser resolves
// no outside host name, so nothing leaves the machine.
func TestOutsideRequestIsReported(t *testing.T) {
	RequireChromium(t)
	requireAssets(t)
	const outside = "http://cdn.example.invalid/pixel.png"
	playground := web.Handler("/graphql", "{ hello }")
	mux := http.NewServeMux()
	mux.Handle("/graphql", &fakeGraphQL{})
	mux.Handle("/assets/", playground)
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		playground.ServeHTTP(rec, r)
		page := strings.Replace(rec.Body.String(), "</body>", `<img src="`+outside+`"></body>`, 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, page)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	rt := &recordingTB{TB: t}
	result := RunGraphiQL(rt, srv.URL+"/?query="+url.QueryEscape("{ hello }"))
	if !strings.Contains(result, "world") {
		t.Errorf("result pane = %q, want it to contain \"world\"", result)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if len(rt.errors) != 1 || !strings.Contains(rt.errors[0], outside) {
		t.Errorf("RunGraphiQL reported %q, want one error naming %s", rt.errors, outside)
	}
}
