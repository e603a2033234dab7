package graph

import (
	"context"
	"errors"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
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
func (r *Resolver) requireEditor(ctx context.Context, what string) (auth.Principal, error) {
	p := principal(ctx)
	if !p.Can(auth.Editor) {
		return p, errForbidden(edit.NeedsEditor(what, p, r.Editor.NoEditors))
	}
	return p, nil
}

// WithTokens tells the resolvers which tokens the server accepts, so that
// a write refused for want of a token says when the server has none that
// may write.
func WithTokens(t *auth.Tokens) Option {
	return func(r *Resolver) {
		r.Editor.NoEditors = t == nil || !(t.Has(auth.Editor) || t.Has(auth.Admin))
	}
}

func errForbidden(msg string) error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeForbidden}}
}
