package auth

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/attrib/attrib/apierr"
)

// Middleware names the principal of each request from its
// "Authorization: Bearer <token>" header. A request with a header that is
// not a known bearer token is refused with 401, as is a request without one
// when readsNeedToken. What a principal may do once in is decided further
// in (mutations check roles; reads filter by marking).
func Middleware(tokens *Tokens, readsNeedToken bool, log *slog.Logger, next http.Handler) http.Handler {
	if tokens == nil {
		tokens = &Tokens{}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			if readsNeedToken {
				deny(w, "this server needs a token: send the header Authorization: Bearer <token>")
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), anonymous)))
			return
		}
		scheme, token, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			deny(w, "the Authorization header must be: Bearer <token>")
			return
		}
		p, ok := tokens.Lookup(strings.TrimSpace(token))
		if !ok {
			// The token itself is never logged: only that one was refused.
			log.Warn("refused unknown bearer token", "remote", r.RemoteAddr, "path", r.URL.Path)
			deny(w, "the bearer token is not valid; ask an admin for one")
			return
		}
		next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
	})
}

// deny answers 401 in the shape of a GraphQL error, so GraphiQL shows it.
func deny(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="attrib"`)
	apierr.Write(w, http.StatusUnauthorized, apierr.Unauthenticated, msg)
}
