package server

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/attrib/attrib/store"
)

// Authorizer decides whether a request may use the admin endpoints
// (/admin/backup). The signed-in principals of the GraphQL API can plug in
// here; until then AdminToken does.
type Authorizer interface {
	// AuthorizeAdmin returns nil when r may act as an administrator.
	AuthorizeAdmin(r *http.Request) error
}

// ErrNoAdmin means no admin credential is configured on the server.
var ErrNoAdmin = errors.New("admin endpoints are disabled: start the server with ATTRIB_ADMIN_TOKEN set")

// AdminToken authorizes requests that carry "Authorization: Bearer <token>"
// with this token. The empty token authorizes nothing.
type AdminToken string

// AuthorizeAdmin implements Authorizer.
func (t AdminToken) AuthorizeAdmin(r *http.Request) error {
	if t == "" {
		return ErrNoAdmin
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(t)) != 1 {
		return errors.New("admin token missing or wrong: send Authorization: Bearer <ATTRIB_ADMIN_TOKEN>")
	}
	return nil
}

// BackupVersionTrailer carries, after the stream, the since to pass for
// the next incremental backup. Its absence means the stream is incomplete.
const BackupVersionTrailer = "Attrib-Next-Since"

// backupHandler streams a full (since=0) or incremental backup of s.
func backupHandler(s *store.Store, auth Authorizer, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth == nil {
			auth = AdminToken("")
		}
		if err := auth.AuthorizeAdmin(r); err != nil {
			status := http.StatusUnauthorized
			if errors.Is(err, ErrNoAdmin) {
				status = http.StatusForbidden
			}
			http.Error(w, err.Error(), status)
			return
		}
		var since uint64
		if v := r.URL.Query().Get("since"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				http.Error(w, fmt.Sprintf("since: %q is not a version; pass the number the last backup printed", v), http.StatusBadRequest)
				return
			}
			since = n
		}
		// A backup of a large store outlasts the server's write timeout.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Trailer", BackupVersionTrailer)
		start := time.Now()
		next, err := s.Backup(w, since)
		if err != nil {
			log.Error("backup failed", "since", since, "err", err)
			// The status is sent; cutting the connection is how the client
			// learns the stream is incomplete.
			panic(http.ErrAbortHandler)
		}
		w.Header().Set(BackupVersionTrailer, strconv.FormatUint(next, 10))
		log.Info("backup streamed", "since", since, "next_since", next, "took", time.Since(start))
	})
}
