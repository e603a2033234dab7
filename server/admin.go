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

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/store"
)

// Authorizer decides whether a request may use the admin endpoints
// (/admin/backup). Handler combines the configured bearer tokens (an admin
// role's token is accepted) with Config.Admin, usually AdminToken.
type Authorizer interface {
	// AuthorizeAdmin returns nil when r may act as an administrator.
	AuthorizeAdmin(r *http.Request) error
}

// ErrNoAdmin means no admin credential is configured on the server.
var ErrNoAdmin = errors.New("admin endpoints are disabled: start the server with an admin token in --tokens or ATTRIB_TOKENS, or with ATTRIB_ADMIN_TOKEN set")

// ErrNotAdmin means the request's token is known but its role is not admin.
var ErrNotAdmin = errors.New("not an admin")

// roleAdmins accepts the token of any admin of tokens, and otherwise asks
// fallback (nil: no other credential).
type roleAdmins struct {
	tokens   *auth.Tokens
	fallback Authorizer
}

// adminAuthorizer is the Authorizer of Handler: admins of tokens, then
// fallback. With neither an admin among tokens nor a fallback credential
// the endpoint is disabled.
func adminAuthorizer(tokens *auth.Tokens, fallback Authorizer) Authorizer {
	if tokens == nil || tokens.Len() == 0 {
		return fallback
	}
	return roleAdmins{tokens: tokens, fallback: fallback}
}

// AuthorizeAdmin implements Authorizer. A known token of a reader or
// editor is ErrNotAdmin (403) even when the fallback would refuse it for
// another reason, so the caller learns the token works but lacks the role.
func (a roleAdmins) AuthorizeAdmin(r *http.Request) error {
	if token, ok := bearer(r); ok {
		if p, ok := a.tokens.Lookup(token); ok {
			if p.Can(auth.Admin) {
				return nil
			}
			return fmt.Errorf("%w: the token of %s has the %s role; backups need an admin's token", ErrNotAdmin, p.Name, p.Role)
		}
	}
	fallback := a.fallback
	if fallback == nil {
		fallback = AdminToken("")
	}
	err := fallback.AuthorizeAdmin(r)
	if errors.Is(err, ErrNoAdmin) && a.tokens.Has(auth.Admin) {
		// Admins exist in the token set, so the endpoint is not disabled.
		return errors.New("admin token missing or wrong: send Authorization: Bearer <token> with an admin's token")
	}
	return err
}

// bearer returns the token of r's Authorization header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

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
func backupHandler(s *store.Store, authz Authorizer, log *slog.Logger) http.Handler {
	if authz == nil {
		authz = AdminToken("")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := authz.AuthorizeAdmin(r); err != nil {
			status := http.StatusUnauthorized
			if errors.Is(err, ErrNoAdmin) || errors.Is(err, ErrNotAdmin) {
				status = http.StatusForbidden
			} else {
				w.Header().Set("WWW-Authenticate", `Bearer realm="attrib"`)
			}
			apierr.Write(w, status, apierr.Auth, err.Error())
			return
		}
		var since uint64
		if v := r.URL.Query().Get("since"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				apierr.Write(w, http.StatusBadRequest, apierr.Validation, fmt.Sprintf("since: %q is not a version; pass the number the last backup printed", v))
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
