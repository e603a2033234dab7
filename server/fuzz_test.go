package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
)

// FuzzGraphQLBody posts arbitrary bodies to /graphql. Whatever arrives,
// the answer is a JSON object, never a 5xx, and never an internal error:
// bad input is the caller's, and must be told as such.
func FuzzGraphQLBody(f *testing.F) {
	h := Handler(Config{Store: seedtest.Store(f), Limits: DefaultLimits})
	for _, s := range []string{
		`{"query":"{ documents(first: 1) { totalCount edges { node { id title } } } }"}`,
		`{"query":"query Q($id: ID!) { node(id: $id) { id ... on State { code name(lang: AR) } } }","variables":{"id":"U3RhdGU6QUw"}}`,
		`{"query":"{ attributions(first: 2, minConfidence: 50) { edges { node { band citations { exact start end } } } } }"}`,
		`{"query":"{ incidents(after: \"b2Zmc2V0OjA\") { totalCount } }"}`,
		`{"query":"{ __schema { types { name } } }"}`,
		`[{"query":"{ __typename }"}]`,
		`{"query": 1}`,
		`{"query":"{ a`,
		`{"query":"{ nodes(ids: [\"\", \"!!\"]) { id } }"}`,
		`{"query":"{ states(first: -1) { totalCount } }"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		var out struct {
			Errors []struct {
				Extensions map[string]any `json:"extensions"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("response to %q is not a JSON object: %v: %s", body, err, w.Body)
		}
		for _, e := range out.Errors {
			if e.Extensions["code"] == "INTERNAL" || e.Extensions["code"] == nil {
				t.Fatalf("%q: an error without a caller code: %s", body, w.Body)
			}
		}
	})
}
