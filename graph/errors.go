package graph

import (
	"fmt"
	"slices"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/graph/model"
)

// Error codes carried in extensions.code, for clients to branch on.
const (
	CodeValidation = "VALIDATION"
	CodeNotFound   = "NOT_FOUND"
	CodeLimit      = "LIMIT"     // a budget or limit refused the request
	CodeAuth       = "AUTH"      // not signed in, or not allowed
	CodeBadQuote   = "BAD_QUOTE" // a quote that does not resolve in its document
	CodeInternal   = "INTERNAL"  // details are in the server log only
	CodeBusy       = "BUSY"      // too many heavy queries at once: retry after Retry-After seconds
)

func errNotFound(what, id string) error {
	return &gqlerror.Error{Message: fmt.Sprintf("%s %s not found", what, id), Extensions: map[string]any{"code": CodeNotFound}}
}

func errInvalid(arg, format string, a ...any) error {
	return &gqlerror.Error{Message: arg + ": " + fmt.Sprintf(format, a...), Extensions: map[string]any{"code": CodeValidation}}
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// inRange reports whether d lies within [from, to] (either may be nil).
func inRange(d *model.DateInfo, from, to *model.Date) bool {
	return (from == nil || d.Date >= *from) && (to == nil || d.Date <= *to)
}
