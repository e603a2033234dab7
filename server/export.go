package server

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// exportRequest reads the query of GET /export: the walk as
// subgraph.ParseQuery reads it, and format=native|stix21|jgf|cytoscape
// (any case, default native).
func exportRequest(q url.Values) (subgraph.Request, export.Format, error) {
	f := export.Native
	if v := q.Get("format"); v != "" {
		var err error
		if f, err = export.ParseFormat(v); err != nil {
			return subgraph.Request{}, "", err
		}
	}
	r, err := subgraph.ParseQuery(q)
	return r, f, err
}

// exportHandler serves GET /export behind auth.Middleware: the file streams
// as it is written, as an attachment, holding only what the principal may
// see. A refused request (unknown root 404; bad depth, format or argument
// 400; retracted facts asked for without the editor role 403) gets its
// status before any byte of the file, and every refusal is a JSON error
// in the shape of GraphQL's, with the same extensions.code.
func exportHandler(s *store.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req, f, err := exportRequest(r.URL.Query())
		if err != nil {
			apierr.Write(w, http.StatusBadRequest, apierr.Validation, err.Error())
			return
		}
		p := auth.FromContext(r.Context())
		if err := auth.RetractedAllowed(p, req.IncludeRetracted); err != nil {
			apierr.Write(w, http.StatusForbidden, apierr.Forbidden, err.Error())
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
			apierr.Write(w, http.StatusNotFound, apierr.NotFound, err.Error())
		case errors.Is(err, subgraph.ErrLimit), subgraph.IsArgError(err), errors.Is(err, export.ErrFormat):
			apierr.Write(w, http.StatusBadRequest, apierr.Validation, err.Error())
		default:
			log.Error("export failed", "err", err)
			apierr.Write(w, http.StatusInternalServerError, apierr.Internal, "export failed; see the server log")
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
