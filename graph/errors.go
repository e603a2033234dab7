package graph

import (
	"fmt"
	"slices"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/graph/model"
)

// The codes of errors are listed in package apierr, once for every
// endpoint; these helpers build the GraphQL errors that carry them.

func errNotFound(what, id string) error {
	return &gqlerror.Error{Message: fmt.Sprintf("%s %s not found", what, id), Extensions: map[string]any{"code": apierr.NotFound}}
}

func errInvalid(arg, format string, a ...any) error {
	return &gqlerror.Error{Message: arg + ": " + fmt.Sprintf(format, a...), Extensions: map[string]any{"code": apierr.Validation}}
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }

// inRange reports whether d lies within [from, to] (either may be nil).
func inRange(d *model.DateInfo, from, to *model.Date) bool {
	return (from == nil || d.Date >= *from) && (to == nil || d.Date <= *to)
}
