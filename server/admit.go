package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/budget"
	"github.com/attrib/attrib/graph"
)

// Limits bound what one request may cost. HTTP admission is this
// package's: the body size for every endpoint, and for /graphql the
// transports admitted and the budget on the raw query text, all checked
// here once before gqlgen parses anything. The rest (parser tokens, query
// depth, complexity, objects, time, heavy-query slots) is graph.Limits,
// enforced while gqlgen runs the operation. docs/operations.md explains
// each.
type Limits struct {
	// Budget is checked on the raw query text before gqlgen sees it.
	Budget budget.Budget
	// MaxBody caps a request body in bytes, on every endpoint.
	MaxBody int64
	graph.Limits
}

// DefaultLimits are generous for analysts and small for abusers.
var DefaultLimits = Limits{
	Budget:  budget.Default,
	MaxBody: 1 << 20,
	Limits:  graph.DefaultLimits,
}

// limitBody refuses bodies over n bytes: at once when the request says
// its length, and when reading past n otherwise (a reader that meets the
// limit gets an *http.MaxBytesError, which admitGraphQL answers with 413).
func limitBody(n int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > n {
			apierr.Write(w, http.StatusRequestEntityTooLarge, apierr.Limit, bodyTooLarge(n))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, n)
		next.ServeHTTP(w, r)
	})
}

func bodyTooLarge(n int64) string {
	return fmt.Sprintf("request body is larger than the limit of %d bytes", n)
}

// admitGraphQL is the first thing a GraphQL request meets, behind
// limitBody. It admits JSON POST and GET only (form, multipart and
// text/plain posts are what a cross-site form can send), mutations only
// over POST, single requests only, and queries within b; all before gqlgen
// parses anything. Refusals are GraphQL-shaped JSON errors with a 4xx
// status.
func admitGraphQL(b budget.Budget, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var query string
		switch r.Method {
		case http.MethodGet:
			params, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				apierr.Write(w, http.StatusBadRequest, apierr.Validation, "the URL query string is malformed")
				return
			}
			for _, k := range []string{"variables", "extensions"} {
				if v := params.Get(k); v != "" && !json.Valid([]byte(v)) {
					apierr.Write(w, http.StatusBadRequest, apierr.Validation, k+" is not valid JSON")
					return
				}
			}
			query = params.Get("query")
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				apierr.Write(w, http.StatusUnsupportedMediaType, apierr.Validation, "send GraphQL requests as JSON (Content-Type: application/json), or queries with GET")
				return
			}
			raw, err := io.ReadAll(r.Body)
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					apierr.Write(w, http.StatusRequestEntityTooLarge, apierr.Limit, bodyTooLarge(mbe.Limit))
					return
				}
				apierr.Write(w, http.StatusBadRequest, apierr.Validation, "could not read the request body")
				return
			}
			if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) > 0 && t[0] == '[' {
				apierr.Write(w, http.StatusBadRequest, apierr.Validation, "batched requests are not supported; send one request per query")
				return
			}
			var params struct {
				Query string `json:"query"`
			}
			if err := json.Unmarshal(raw, &params); err != nil {
				apierr.Write(w, http.StatusBadRequest, apierr.Validation, `request body is not a JSON object like {"query": "...", "variables": {...}}`)
				return
			}
			query = params.Query
			r.Body = io.NopCloser(bytes.NewReader(raw))
		default:
			w.Header().Set("Allow", "GET, POST")
			apierr.Write(w, http.StatusMethodNotAllowed, apierr.Validation, "use POST with a JSON body, or GET for queries")
			return
		}
		rep, err := budget.Check(query, b)
		var se *budget.SyntaxError
		switch {
		case errors.As(err, &se):
			apierr.Write(w, http.StatusBadRequest, apierr.Validation, se.Error())
			return
		case err != nil:
			apierr.Write(w, http.StatusBadRequest, apierr.Limit, err.Error())
			return
		}
		if r.Method == http.MethodGet {
			for _, k := range rep.Kinds {
				if k != "query" {
					w.Header().Set("Allow", "POST")
					apierr.Write(w, http.StatusMethodNotAllowed, apierr.Validation, k+"s must be sent with POST, not GET")
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
