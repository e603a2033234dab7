package graph

import (
	"context"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
)

// Role checks of reads and writes that package edit does not make: the
// walks' retracted facts and importGraph.

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
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": apierr.Forbidden}}
}
