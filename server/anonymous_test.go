package server_test

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// An anonymous write on a server with no token that may write is told so,
// and how to add one; on a server with tokens, only to send one.
func TestAnonymousWriteSaysWhenNoTokensAreConfigured(t *testing.T) {
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Logger: slog.New(slog.DiscardHandler), Limits: server.DefaultLimits}))
	defer srv.Close()
	bare := &env{t: t, store: s, srv: srv}
	write := `mutation { addDocument(input: {title: "t", text: "x", language: "en"}) { id } }`
	r := bare.gql("", write, nil)
	if r.Code() != "FORBIDDEN" {
		t.Fatalf("want FORBIDDEN, got %s", r.Body)
	}
	for _, want := range []string{"needs the editor role", "no editor or admin token configured", "--tokens", "name:editor:TOKEN"} {
		if !strings.Contains(r.Errors[0].Message, want) {
			t.Errorf("message %q does not say %q", r.Errors[0].Message, want)
		}
	}
	withTokens := newEnv(t, false)
	r = withTokens.gql("", write, nil)
	if r.Code() != "FORBIDDEN" || strings.Contains(r.Errors[0].Message, "no editor or admin token") {
		t.Fatalf("a server with tokens: %s", r.Body)
	}
}
