// Package server wires the HTTP surface of attrib: the GraphQL endpoint,
// the offline GraphiQL playground, graph view and source view, and health
// checks, behind body limits,
// timeouts and panic recovery.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/web"
)

// Config configures the server.
type Config struct {
	Store  *store.Store
	Index  *search.Index // serves search; nil answers search with an error
	Logger *slog.Logger
	// Limits bound each request. A zero MaxBody means DefaultLimits'; any
	// other zero field means no limit, so start from DefaultLimits.
	Limits Limits
	// Tokens are the bearer tokens the GraphQL endpoint accepts; nil
	// accepts none, so every request is anonymous and cannot write.
	Tokens *auth.Tokens
	// ReadsNeedToken refuses requests without a token, reads included.
	ReadsNeedToken bool
	// Admin authorizes /admin/backup; nil disables it.
	Admin Authorizer
	// IdleReturn is how long the server must be idle before it returns
	// the memory of past requests to the system; 0 means
	// DefaultIdleReturn, negative never.
	IdleReturn time.Duration
}

// DefaultIdleReturn is how long after its last request the server returns
// memory to the system.
const DefaultIdleReturn = 2 * time.Second

// ExampleQuery opens the playground: it answers "who blamed whom, and how
// sure were they?" with the Arabic words that support each claim.
const ExampleQuery = `# Who blamed whom for the 15 July 2022 attack, and how sure were they?
# Press the run button (or Ctrl-Enter).
{
  attributions(first: 10) {
    totalCount
    edges {
      node {
        date { date precision inferred basis }
        attributor { code name(lang: EN) }
        via {
          ... on Person { name role }
          ... on Organization { name }
        }
        blamed { ... on State { code name } }
        certaintyText
        certaintyEn
        band
        confidence
        involvement
        basisEn
        citations { exact start end translation { text } }
      }
    }
  }
}
`

// Handler returns the whole HTTP surface.
func Handler(cfg Config) http.Handler {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	lim := cfg.Limits
	if lim.MaxBody <= 0 {
		lim.MaxBody = DefaultLimits.MaxBody
	}
	mux := http.NewServeMux()
	gql := graph.NewHandler(cfg.Store, lim.Limits, log, graph.WithIndex(cfg.Index), graph.WithTokens(cfg.Tokens))
	mux.Handle("/graphql", auth.Middleware(cfg.Tokens, cfg.ReadsNeedToken, log, admitGraphQL(lim.Budget, gql)))
	mux.Handle("GET /admin/backup", backupHandler(cfg.Store, adminAuthorizer(cfg.Tokens, cfg.Admin), log))
	// /export is a read like /graphql: the same token rules, and the walk
	// filters by the principal's clearance.
	mux.Handle("GET /export", auth.Middleware(cfg.Tokens, cfg.ReadsNeedToken, log, exportHandler(cfg.Store, log)))
	// Other methods get the one JSON refusal, not the mux's plain text.
	mux.Handle("/export", onlyGet)
	mux.Handle("/admin/backup", onlyGet)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	// The graph and source views are static pages that read /graphql
	// like any client; their assets are served under /assets/ below.
	pages := web.Pages("/graphql")
	mux.Handle("GET "+web.GraphPath, pages)
	mux.Handle("GET "+web.DocumentsPath+"{id}", pages)
	mux.Handle("/", web.Handler("/graphql", ExampleQuery))
	idle := cfg.IdleReturn
	if idle == 0 {
		idle = DefaultIdleReturn
	}
	return returnMemoryWhenIdle(idle, debug.FreeOSMemory, recoverPanics(log, limitBody(lim.MaxBody, mux)))
}

// onlyGet refuses a method other than GET (or HEAD) on an endpoint that
// has only GET.
var onlyGet = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Allow", "GET, HEAD")
	apierr.Write(w, http.StatusMethodNotAllowed, apierr.Validation, r.Method+" "+r.URL.Path+" is not served: use GET")
})

// GraphQL is the GraphQL endpoint alone, with the HTTP admission of
// Handler but no token check: what a benchmark or a test serves in
// process.
func GraphQL(s *store.Store, lim Limits, log *slog.Logger, opts ...graph.Option) http.Handler {
	if lim.MaxBody <= 0 {
		lim.MaxBody = DefaultLimits.MaxBody
	}
	return limitBody(lim.MaxBody, admitGraphQL(lim.Budget, graph.NewHandler(s, lim.Limits, log, opts...)))
}

// recoverPanics turns a panic outside the GraphQL executor (which has its
// own recovery) into a logged 500 without details, and keeps serving.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				id := fmt.Sprintf("%x", time.Now().UnixNano())
				log.Error("handler panic", "request", id, "path", r.URL.Path, "panic", fmt.Sprint(p))
				apierr.Write(w, http.StatusInternalServerError, apierr.Internal, "internal error (request "+id+")")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// Serve serves h on ln until ctx is done, then drains in-flight requests
// for up to drain before returning. Timeouts keep a slow client from
// holding a connection.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, drain time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // exports stream for a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
