package graph

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
)

// do posts query to h in process.
func do(t *testing.T, h http.Handler, query string) *gqltest.Response {
	t.Helper()
	return gqltest.Serve(t, h, gqltest.Request{Query: query})
}

const statesQuery = `{ states(first: 100) { edges { node { code attributionsMade { id } } } } }`

func TestObjectCapRefusesWhileResolving(t *testing.T) {
	lim := DefaultLimits
	h := NewHandler(seedtest.Store(t), lim, nil)
	if out := do(t, h, statesQuery); len(out.Errors) != 0 {
		t.Fatalf("within the default cap the query fails: %s", out.Body)
	}
	lim.MaxObjects = 3
	h = NewHandler(seedtest.Store(t), lim, nil)
	out := do(t, h, statesQuery)
	if out.Code() != apierr.Limit || len(out.Errors) != 1 || !strings.Contains(out.Errors[0].Message, "more than 3 objects") {
		t.Fatalf("want one LIMIT error naming the cap, got %s", out.Body)
	}
	if len(out.Data) != 0 && string(out.Data) != "null" {
		t.Errorf("a capped response still carries data: %s", out.Data)
	}
}

func TestTimeoutRefuses(t *testing.T) {
	lim := DefaultLimits
	lim.Timeout = time.Nanosecond
	out := do(t, NewHandler(seedtest.Store(t), lim, nil), statesQuery)
	if out.Code() != apierr.Limit || !strings.Contains(out.Errors[0].Message, "longer than the limit") {
		t.Fatalf("want a LIMIT timeout error, got %s", out.Body)
	}
}

func TestCallerErrorsKeepTheirCode(t *testing.T) {
	h := NewHandler(seedtest.Store(t), DefaultLimits, nil)
	cases := []struct{ q, code, says string }{
		{`{ documents(first: 101) { totalCount } }`, apierr.Validation, "maximum page size"},
		{`{ documents(after: "nope") { totalCount } }`, apierr.Validation, "not a cursor"},
		{`{ attributions(attributor: "!!") { totalCount } }`, apierr.Validation, "attributor"},
		{`{ nope }`, apierr.Validation, "nope"},
		{`{ node(id: "eA") { id } }`, apierr.Validation, "malformed id"},
		{`{ incidents(from: "2022-02-30") { totalCount } }`, apierr.Validation, "not a real date"},
		{`{ incidents(first: 50000) { edges { node { citations { exact } links { citations { exact } } } } } }`, apierr.Limit, "complexity"},
		// An argument naming the wrong kind of node is the caller's to fix,
		// and is not spoken of as a bad record.
		{`{ attributionSummary(incident: "U3RhdGU6SVI") { involvementDiffers } }`, apierr.Validation, "attributionSummary: U3RhdGU6SVI is a State, not an Incident, a Campaign or a ThreatActor"},
	}
	for _, c := range cases {
		out := do(t, h, c.q)
		if out.Code() != c.code || !strings.Contains(out.Errors[0].Message, c.says) {
			t.Errorf("%s: want %s saying %q, got %s", c.q, c.code, c.says, out.Body)
		}
	}
}

func TestInternalErrorsHideTheirDetails(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	h := NewHandler(s, DefaultLimits, slog.New(slog.NewTextHandler(&logged, nil)))
	s.Close() // every read now fails inside the storage engine
	out := do(t, h, `{ documents { totalCount } }`)
	if out.Code() != apierr.Internal || !strings.HasPrefix(out.Errors[0].Message, "internal error (request ") {
		t.Fatalf("want an internal error, got %s", out.Body)
	}
	for _, leak := range []string{"badger", "DB", "closed", "/", ".go"} {
		if strings.Contains(out.Errors[0].Message, leak) {
			t.Errorf("client sees %q: %s", leak, out.Body)
		}
	}
	id := strings.TrimSuffix(strings.TrimPrefix(out.Errors[0].Message, "internal error (request "), ")")
	if !strings.Contains(logged.String(), id) {
		t.Errorf("the log does not name request %s: %s", id, logged.String())
	}
}

func TestSuggestionsOnlyWithIntrospection(t *testing.T) {
	q := `{ documnts { totalCount } }`
	out := do(t, NewHandler(seedtest.Store(t), DefaultLimits, nil), q)
	if !strings.Contains(out.Errors[0].Message, "Did you mean") {
		t.Errorf("with introspection on, no suggestion: %q", out.Errors[0].Message)
	}
	lim := DefaultLimits
	lim.Introspection = false
	out = do(t, NewHandler(seedtest.Store(t), lim, nil), q)
	if strings.Contains(out.Errors[0].Message, "Did you mean") {
		t.Errorf("with introspection off, the error suggests fields: %q", out.Errors[0].Message)
	}
}

// GraphiQL opens with the standard introspection query: every limit must
// let it through.
func TestIntrospectionQueryPasses(t *testing.T) {
	q, err := os.ReadFile("../budget/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	out := do(t, NewHandler(seedtest.Store(t), DefaultLimits, nil), string(q))
	if out.Status != 200 || len(out.Errors) != 0 {
		t.Fatalf("introspection refused: %d %.400s", out.Status, out.Body)
	}
}

func TestPanicsBecomeInternalErrors(t *testing.T) {
	var logged bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	err := recoverer(log)(t.Context(), "secret detail at /srv/attrib/x.go")
	out := presenter(log)(t.Context(), err)
	if out.Extensions["code"] != apierr.Internal || strings.Contains(out.Message, "secret") || !strings.HasPrefix(out.Message, "internal error (request ") {
		t.Fatalf("client sees %q %v", out.Message, out.Extensions)
	}
	if !strings.Contains(logged.String(), "secret detail") || !strings.Contains(logged.String(), "goroutine") {
		t.Errorf("the log lacks the panic or its stack: %s", logged.String())
	}
}

func TestConfiguredPageSize(t *testing.T) {
	lim := DefaultLimits
	lim.MaxPageSize = 2
	h := NewHandler(seedtest.Store(t), lim, nil)
	out := do(t, h, `{ states(first: 3) { totalCount } }`)
	if out.Code() != apierr.Validation || !strings.Contains(out.Errors[0].Message, "between 0 and 2") {
		t.Fatalf("first: 3 over a page size of 2: %s", out.Body)
	}
	if out := do(t, h, `{ states(first: 2) { edges { node { code } } } }`); len(out.Errors) != 0 {
		t.Fatalf("first: 2 refused: %s", out.Body)
	}
	// Without first, the schema's default of 20 is lowered to the limit.
	out = do(t, h, `{ states { edges { node { code } } } }`)
	var data struct {
		States struct{ Edges []any } `json:"states"`
	}
	if len(out.Errors) != 0 || json.Unmarshal(out.Data, &data) != nil || len(data.States.Edges) != 2 {
		t.Fatalf("default page with a page size of 2: %s", out.Body)
	}
}
