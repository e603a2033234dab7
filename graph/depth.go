package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/attrib/attrib/apierr"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// depthLimit refuses, before execution, an operation whose selections nest
// deeper than max, following fragments.
type depthLimit struct{ max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if d.max <= 0 || oc.Operation == nil {
		return nil
	}
	if depth := selectionDepth(oc.Operation.SelectionSet, map[string]int{}); depth > d.max {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("query is nested %d levels deep, more than the limit of %d", depth, d.max),
			Extensions: map[string]any{"code": apierr.Limit},
		}
	}
	return nil
}

// selectionDepth is the nesting depth of set; memo holds the depth of each
// named fragment, so a fragment spread many times is measured once.
func selectionDepth(set ast.SelectionSet, memo map[string]int) int {
	deepest := 0
	for _, sel := range set {
		var d int
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.SelectionSet) > 0 {
				d = 1 + selectionDepth(s.SelectionSet, memo)
			} else {
				d = 1
			}
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, memo)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			v, ok := memo[s.Name]
			if !ok {
				memo[s.Name] = 0 // a cycle is a validation error; stop here
				v = selectionDepth(s.Definition.SelectionSet, memo)
				memo[s.Name] = v
			}
			d = v
		}
		deepest = max(deepest, d)
	}
	return deepest
}
