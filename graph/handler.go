package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/graph/generated"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/store"
)

// Limits bound what one GraphQL request may ask for.
type Limits struct {
	MaxDepth      int // deepest selection nesting, fragments included
	MaxComplexity int // list fields weighted by their page size
	Introspection bool
	// MaxSubgraphNodes caps subgraph and exportSubgraph; 0 means
	// DefaultSubgraphCap.
	MaxSubgraphNodes int
}

// DefaultLimits are generous for analysts and small for abusers.
var DefaultLimits = Limits{MaxDepth: 12, MaxComplexity: 20000, Introspection: true}

// listWeight is what an unpaged list field is assumed to hold when scoring
// a query's complexity.
const listWeight = 10

// NewHandler builds the GraphQL HTTP handler over s: JSON POST and GET
// only, an LRU query cache, depth and complexity limits checked before
// execution, panics recovered and logged, and a loader per request.
func NewHandler(s *store.Store, lim Limits, log *slog.Logger) http.Handler {
	cfg := generated.Config{Resolvers: &Resolver{Store: s, SubgraphCap: lim.MaxSubgraphNodes}}
	weighComplexity(&cfg.Complexity)
	srv := handler.New(generated.NewExecutableSchema(cfg))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if lim.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(depthLimit{max: lim.MaxDepth})
	srv.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		id := requestID()
		log.Error("resolver panic", "request", id, "panic", fmt.Sprint(p))
		return &gqlerror.Error{Message: fmt.Sprintf("internal error (request %s)", id), Extensions: map[string]any{"code": "INTERNAL"}}
	})
	srv.SetErrorPresenter(func(ctx context.Context, err error) *gqlerror.Error {
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Extensions != nil {
			return graphql.DefaultErrorPresenter(ctx, err)
		}
		if errors.Is(err, store.ErrNotFound) {
			e := graphql.DefaultErrorPresenter(ctx, err)
			e.Extensions = map[string]any{"code": CodeNotFound}
			return e
		}
		return graphql.DefaultErrorPresenter(ctx, err)
	})
	return WithLoaders(s, srv)
}

// requestID names a failed request in the log and in the error the client
// sees, without telling the client anything else.
func requestID() string { return fmt.Sprintf("%x", time.Now().UnixNano()) }

// weighComplexity scores every paged list by its `first`, so a query asking
// for nested pages costs their product.
func weighComplexity(c *generated.ComplexityRoot) {
	paged := func(child int, first *int) int {
		n := 20
		if first != nil && *first > 0 {
			n = *first
		}
		return 1 + child*n
	}
	c.Query.States = func(child int, first *int, _ *string) int { return paged(child, first) }
	c.Query.Documents = func(child int, first *int, _ *string, _ *string) int { return paged(child, first) }
	c.Query.Incidents = func(child int, first *int, _ *string, _ *string, _, _ *model.Date) int { return paged(child, first) }
	c.Query.Attributions = func(child int, first *int, _ *string, _, _, _ *string, _ *int) int { return paged(child, first) }
	c.Query.Responses = func(child int, first *int, _ *string, _, _, _, _ *string) int { return paged(child, first) }
	c.Query.Statements = func(child int, first *int, _ *string, _ *string) int { return paged(child, first) }
	list := func(child int) int { return 1 + child*listWeight }
	c.Incident.Attributions = list
	c.Incident.Responses = list
	c.Incident.Statements = list
	c.Incident.Targets = list
	c.State.IncidentsSuffered = list
	c.State.AttributionsMade = list
	c.State.AttributionsReceived = list
	c.State.ResponsesMade = list
	c.State.ResponsesReceived = list
	c.State.Statements = list
	c.Attribution.Responses = list
	c.Response.Follows = list
	c.Response.Targets = list
	c.Subgraph.Nodes = list
	c.Subgraph.Links = list
	c.Subgraph.Documents = list
}
