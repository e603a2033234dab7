package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/budget"
	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/graph/generated"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
)

// Limits bound what one GraphQL operation may cost while gqlgen handles
// it: the parser's token limit, query depth and complexity on the parsed
// operation before it runs, then objects and time while it runs, and the
// slots of heavy queries. What is checked before gqlgen sees the request
// (body size, transports, the budget on the raw text) is server.Limits'.
// docs/operations.md explains each.
type Limits struct {
	// ParserTokens caps the tokens gqlgen's parser reads (0: unlimited).
	ParserTokens int
	// MaxQueryDepth is the deepest field nesting of the parsed query,
	// fragments followed.
	MaxQueryDepth int
	// MaxComplexity caps the estimated cost, every list weighted by its
	// size (see weighComplexity).
	MaxComplexity int
	// MaxPageSize caps `first` on every connection; it cannot exceed the
	// built-in MaxPageSize.
	MaxPageSize int
	// MaxObjects caps the objects (list items and nested objects) one
	// response may hold, counted while resolving.
	MaxObjects int
	// Timeout bounds one operation's execution.
	Timeout time.Duration
	// Introspection allows schema introspection and, with it, "did you
	// mean" suggestions in validation errors.
	Introspection bool
	// MaxNodes is the node cap (subgraph.Request.MaxNodes) of the
	// subgraph and exportSubgraph fields; 0 means subgraph.DefaultMaxNodes.
	MaxNodes int
	// MaxResponse caps the bytes of one response's data (0: no cap).
	MaxResponse int
	// Admission bounds the heavy queries running at once.
	Admission Admission
}

// DefaultLimits are generous for analysts and small for abusers.
var DefaultLimits = Limits{
	ParserTokens:  2 * budget.Default.MaxTokens, // a backstop should the budget be loosened
	MaxQueryDepth: 15,                           // GraphiQL's introspection query nests 13 deep
	MaxComplexity: 200000,                       // a page of 100 nodes with their citations and cited links fits
	MaxPageSize:   MaxPageSize,
	MaxObjects:    10000,
	Timeout:       10 * time.Second,
	Introspection: true,
	MaxNodes:      subgraph.DefaultMaxNodes,
	MaxResponse:   32 << 20,
	Admission:     DefaultAdmission(runtime.GOMAXPROCS(0)),
}

// NewHandler builds the GraphQL HTTP handler over s: gqlgen with its GET
// and POST transports, an LRU query cache, depth and complexity limits,
// an object cap and a timeout while executing, panics recovered and
// logged, internal errors hidden from the client, and a loader per
// request. It admits whatever reaches it: package server puts HTTP
// admission (body size, transports, budget) in front of it.
func NewHandler(s *store.Store, lim Limits, log *slog.Logger, opts ...Option) http.Handler {
	return withBusyStatus(newServer(s, lim, log, opts...))
}

// newServer builds the gqlgen server; requests must carry loaders.
func newServer(s *store.Store, lim Limits, log *slog.Logger, opts ...Option) *handler.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := &Resolver{Store: s, Editor: edit.New(s), MaxNodes: lim.MaxNodes}
	for _, o := range opts {
		o(res)
	}
	cfg := generated.Config{Resolvers: res}
	cfg.Directives.WithRetracted = withRetracted
	weighComplexity(&cfg.Complexity, generated.NewExecutableSchema(cfg).Schema())
	srv := handler.New(generated.NewExecutableSchema(cfg))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if lim.ParserTokens > 0 {
		srv.SetParserTokenLimit(lim.ParserTokens)
	}
	// Suggestions name fields the caller did not ask about: they are
	// introspection by another route.
	srv.SetDisableSuggestion(!lim.Introspection)
	if lim.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	srv.Use(depthLimit{max: lim.MaxQueryDepth})
	if lim.MaxComplexity > 0 {
		srv.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	}
	if lim.Admission.Slots > 0 {
		srv.AroundOperations(newGate(lim.Admission).middleware)
	}
	srv.AroundOperations(withLoaders(s))
	runLimits(srv, lim)
	srv.SetRecoverFunc(recoverer(log))
	srv.SetErrorPresenter(presenter(log))
	return srv
}

// recoverer logs a resolver's panic, with its stack, under a request ID
// and gives the client only that ID.
func recoverer(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		id := requestID()
		log.Error("resolver panic", "request", id, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return internalError(id)
	}
}

// presenter keeps the message of errors meant for the caller, each with an
// extensions.code, and replaces anything else with "internal error
// (request <id>)", logging the details under that id.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		// DefaultErrorPresenter hands back the *gqlerror.Error inside err
		// itself, which sibling fields resolving concurrently may hold too
		// (a failed batch, a limit): write only to a copy of it.
		e := copyError(graphql.DefaultErrorPresenter(ctx, err))
		code := callerCode(err)
		var gerr *gqlerror.Error
		if code == "" && len(e.Path) == 0 && errors.As(err, &gerr) && gerr.Err == nil {
			// gqlgen's own words about the request as a whole (a bad
			// persisted-query extension, say): outside any field, wrapping
			// nothing internal.
			code = apierr.Validation
		}
		if code == "" {
			id := requestID()
			log.Error("internal error", "request", id, "err", err.Error(), "path", e.Path.String())
			ie := internalError(id)
			ie.Path = e.Path
			return ie
		}
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		e.Extensions["code"] = code
		return e
	}
}

// callerCode classifies err: the code of an error the caller can act on,
// or "" for an internal one.
func callerCode(err error) string {
	var gerr *gqlerror.Error
	if errors.As(err, &gerr) && gerr.Extensions != nil {
		switch c, _ := gerr.Extensions["code"].(string); c {
		case "COMPLEXITY_LIMIT_EXCEEDED":
			return apierr.Limit
		case errcode.ParseFailed:
			if strings.Contains(gerr.Message, "token limit") {
				return apierr.Limit
			}
			return apierr.Validation
		case errcode.ValidationFailed:
			return apierr.Validation
		case "":
		default:
			return c
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return apierr.NotFound
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrBadID), errors.As(err, new(*ontology.ValueError)):
		return apierr.Validation
	case errors.Is(err, cite.ErrNotFound), errors.Is(err, cite.ErrAmbiguous):
		return apierr.BadQuote
	}
	return ""
}

// copyError returns a copy of e whose Extensions map is its own, so the
// caller may change it without touching an error others hold.
func copyError(e *gqlerror.Error) *gqlerror.Error {
	if e == nil {
		return nil
	}
	c := *e
	c.Extensions = maps.Clone(e.Extensions)
	c.Path = slices.Clone(e.Path)
	c.Locations = slices.Clone(e.Locations)
	return &c
}

func internalError(id string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("internal error (request %s)", id),
		Extensions: map[string]any{"code": apierr.Internal},
	}
}

// requestID names a failed request in the log and in the error the client
// sees, without telling the client anything else.
func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func limitError(format string, a ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, a...), Extensions: map[string]any{"code": apierr.Limit}}
}

// Option adds an optional dependency to the handler.
type Option func(*Resolver)

// WithIndex serves search from x.
func WithIndex(x *search.Index) Option { return func(r *Resolver) { r.Index = x } }
