// Package apierr is the one list of the error codes a client branches on
// (extensions.code in GraphQL errors and in every other refusal), and the
// one JSON shape an HTTP refusal is written in:
//
//	{"errors":[{"message":"…","extensions":{"code":"…"}}]}
//
// GraphQL errors, /export, /admin/backup and the token check all answer in
// it, so a client reads every refusal the same way.
package apierr

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// Codes carried in extensions.code.
const (
	Validation      = "VALIDATION"      // an argument or request the caller must fix
	NotFound        = "NOT_FOUND"       // no such node (or one the caller may not see)
	Limit           = "LIMIT"           // a budget or limit refused the request
	Auth            = "AUTH"            // not allowed this endpoint
	Unauthenticated = "UNAUTHENTICATED" // no token, or one the server does not know
	Forbidden       = "FORBIDDEN"       // the caller's role may not do this
	BadQuote        = "BAD_QUOTE"       // a quote that does not resolve in its document
	Internal        = "INTERNAL"        // details are in the server log only
	Busy            = "BUSY"            // too many heavy queries at once: retry after Retry-After seconds
	Unavailable     = "UNAVAILABLE"     // a feature this server was started without
)

// Body is the JSON of a refusal with one error.
// Messages are written as they are, without HTML escapes, so that
// "Bearer <token>" reads as such.
func Body(code, msg string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
	return b.Bytes()
}

// Write answers with status and one error in the GraphQL shape.
func Write(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(Body(code, msg))
}
