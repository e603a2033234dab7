package graph

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Visibility is decided here, once, for every read: nodesByID, neighbours,
// links and candidates call visible, so no resolver filters on its own.
// A request sees a record when its role's clearance covers the record's
// TLP marking, and, unless the operation carries @withRetracted, when the
// record is not retracted.

// visible reports whether the request may see a record with meta m.
func visible(ctx context.Context, m store.Meta) bool {
	return cleared(ctx, m.Marking) && (m.Retraction == nil || showRetracted(ctx))
}

// cleared reports whether the request's principal may read marking.
func cleared(ctx context.Context, marking string) bool {
	level := ontology.MarkingLevel(marking)
	if level < 0 { // an unknown marking is treated as the strictest
		level = len(ontology.Markings)
	}
	return level <= ontology.MarkingLevel(auth.FromContext(ctx).Role.Clearance())
}

// showRetracted reports whether the operation asked for retracted facts.
func showRetracted(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Directives.ForName("withRetracted") != nil
}

// withRetracted implements the @withRetracted directive; showRetracted
// reads it from the operation itself.
func withRetracted(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	return next(ctx)
}

// Error codes of writes.
const (
	CodeForbidden = "FORBIDDEN"
)

// writeErr turns an edit error into a GraphQL error with a code.
func writeErr(err error) error {
	var fe *edit.FieldError
	var fb *edit.ForbiddenError
	switch {
	case errors.As(err, &fe):
		return &gqlerror.Error{Message: fe.Error(), Extensions: map[string]any{"code": CodeValidation, "field": fe.Field}}
	case errors.As(err, &fb):
		return &gqlerror.Error{Message: fb.Error(), Extensions: map[string]any{"code": CodeForbidden}}
	}
	return err
}

// history returns the visible changes of record id.
func (r *Resolver) history(ctx context.Context, id string) ([]*model.Change, error) {
	var cs []store.Change
	err := r.Store.View(func(tx *store.Txn) error {
		var err error
		cs, err = tx.History(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]*model.Change, 0, len(cs))
	for i := range cs {
		if cleared(ctx, cs[i].Marking) {
			out = append(out, model.FromChange(&cs[i]))
		}
	}
	return out, nil
}

// change loads the audit entry numbered seq.
func (r *Resolver) change(seq uint64) (*model.Change, error) {
	var c *store.Change
	err := r.Store.View(func(tx *store.Txn) error {
		return tx.Changes(seq-1, func(ch *store.Change) (bool, error) {
			c = ch
			return false, nil
		})
	})
	if err != nil {
		return nil, err
	}
	if c == nil || c.Seq != seq {
		return nil, errNotFound("change", strconv.FormatUint(seq, 10))
	}
	return model.FromChange(c), nil
}

// changeAfter decodes a changes cursor.
func changeAfter(after *string) (uint64, error) {
	if after == nil || *after == "" {
		return 0, nil
	}
	s, ok := strings.CutPrefix(*after, "change:")
	n, err := strconv.ParseUint(s, 10, 64)
	if !ok || err != nil {
		return 0, errInvalid("after", "%q is not a changes cursor this server issued", *after)
	}
	return n, nil
}

// citedDocument loads the document a citation points into. A retracted
// document still shows behind the facts that cite it (the citation is
// their evidence, and the document's own retracted field says so); its
// marking still applies.
func (r *Resolver) citedDocument(ctx context.Context, id string) (model.Node, error) {
	n, err := r.loaders(ctx).nodes.Load(ctx, id)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !cleared(ctx, n.Marking) {
		return nil, nil
	}
	return model.FromNode(n)
}
