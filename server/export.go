package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// ExportRequest reads the query of GET /export:
//
//	root=ID (repeatable; none means the whole graph), depth=N (0-6, default 2),
//	format=native|stix21|jgf|cytoscape (any case, default native),
//	edgeType=T (repeatable), direction=out|in|both, nodeType=T (repeatable),
//	includeRetracted=true, maxNodes=N (default: no cap).
//
// The CLI builds the same query to fetch from a running server.
func ExportRequest(q url.Values) (subgraph.Request, export.Format, error) {
	r := subgraph.Request{Roots: q["root"], Depth: subgraph.DefaultDepth, EdgeTypes: q["edgeType"], NodeTypes: q["nodeType"]}
	f := export.Native
	var err error
	if v := q.Get("format"); v != "" {
		if f, err = export.ParseFormat(v); err != nil {
			return r, "", err
		}
	}
	if v := q.Get("depth"); v != "" {
		if r.Depth, err = strconv.Atoi(v); err != nil {
			return r, "", fmt.Errorf("%w: depth %q is not a whole number 0 to %d", subgraph.ErrLimit, v, subgraph.MaxDepth)
		}
	}
	if v := q.Get("maxNodes"); v != "" {
		if r.MaxNodes, err = strconv.Atoi(v); err != nil || r.MaxNodes < 0 {
			return r, "", fmt.Errorf("%w: maxNodes %q is not a whole number >= 0", subgraph.ErrLimit, v)
		}
	}
	if r.Direction, err = ParseDirection(q.Get("direction")); err != nil {
		return r, "", err
	}
	if v := q.Get("includeRetracted"); v != "" {
		if r.IncludeRetracted, err = strconv.ParseBool(v); err != nil {
			return r, "", fmt.Errorf("%w: includeRetracted %q is not true or false", store.ErrInvalid, v)
		}
	}
	return r, f, r.Validate()
}

// ParseDirection reads out, in or both (any case); "" is both.
func ParseDirection(s string) (store.Direction, error) {
	switch strings.ToLower(s) {
	case "", "both":
		return store.Both, nil
	case "out":
		return store.Out, nil
	case "in":
		return store.In, nil
	}
	return 0, fmt.Errorf("%w: direction %q is not out, in or both", store.ErrInvalid, s)
}

// exportHandler serves GET /export behind auth.Middleware: the file streams
// as it is written, as an attachment, holding only what the principal may
// see. A refused request (unknown root 404; bad depth, format or argument
// 400; retracted facts asked for without the editor role 403) gets its
// status before any byte of the file.
func exportHandler(s *store.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, f, err := ExportRequest(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p := auth.FromContext(r.Context())
		if err := graph.RetractedAllowed(p, req.IncludeRetracted); err != nil {
			writeError(w, http.StatusForbidden, graph.CodeForbidden, err.Error())
			return
		}
		// The walk leaves out what p may not see, as GraphQL reads do.
		rd := view.New(s, view.Scope{Clearance: p.Role.Clearance(), Retracted: req.IncludeRetracted})
		lw := &lazyHeader{w: w, start: func() {
			h := w.Header()
			h.Set("Content-Type", "application/json")
			if f == export.STIX21 {
				h.Set("Content-Type", "application/stix+json;version=2.1")
			}
			h.Set("Content-Disposition", `attachment; filename="attrib-export`+f.Extension()+`"`)
			h.Set("X-Content-Type-Options", "nosniff")
		}}
		err = export.Write(rd, req, f, lw)
		switch {
		case err == nil:
			if !lw.started { // cannot happen: every format writes something
				lw.start()
			}
		case lw.started:
			// The status is sent: cut the response so the client sees a
			// broken download, not a file that looks whole.
			log.Error("export failed while streaming", "err", err)
			panic(http.ErrAbortHandler)
		case errors.Is(err, store.ErrNotFound):
			http.Error(w, err.Error(), http.StatusNotFound)
		case errors.Is(err, subgraph.ErrLimit), errors.Is(err, store.ErrInvalid), errors.Is(err, export.ErrFormat):
			http.Error(w, err.Error(), http.StatusBadRequest)
		default:
			log.Error("export failed", "err", err)
			http.Error(w, "export failed; see the server log", http.StatusInternalServerError)
		}
	}
}

// lazyHeader sets the file's headers at its first byte, so that an error
// found before then can still choose the status.
type lazyHeader struct {
	w       http.ResponseWriter
	start   func()
	started bool
}

func (l *lazyHeader) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start()
	}
	return l.w.Write(p)
}

// writeError answers in the shape of a GraphQL error, as auth.Middleware
// does, so a client reads every refusal the same way.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}}})
	_, _ = w.Write(append(b, '\n'))
}
