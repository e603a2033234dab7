package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/auth"
)

// Role checks of reads and writes that package edit does not make: the
// walks' retracted facts and importGraph.

// RetractedAllowed says whether p may ask a walk (subgraph, exportSubgraph,
// GET /export) for retracted facts: editors and admins may. An export is a
// file that leaves the server, and a retracted fact in it reads as live to
// a tool that ignores attrib's retraction field, so a reader's exports hold
// live facts only.
func RetractedAllowed(p auth.Principal, includeRetracted bool) error {
	if includeRetracted && !p.Can(auth.Editor) {
		return errors.New("includeRetracted needs the editor role (you are " + p.Role.String() + "); send an editor's token as Authorization: Bearer <token>")
	}
	return nil
}

// requireEditor refuses a principal below the editor role, as edit does
// for the other mutations.
func requireEditor(ctx context.Context, what string) (auth.Principal, error) {
	p := principal(ctx)
	if !p.Can(auth.Editor) {
		return p, errForbidden(fmt.Sprintf("%s needs the editor role (you are %s); send an editor's token as Authorization: Bearer <token>", what, p.Role))
	}
	return p, nil
}

func errForbidden(msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeForbidden}}
}
