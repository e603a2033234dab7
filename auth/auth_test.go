package auth

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const secret = "s3cret-token-0123456789"

func TestParseKeepsOnlyHashes(t *testing.T) {
	tok, err := Parse(strings.NewReader("# comment; with: colons\n\nann:editor:" + secret + "\nrob:reader:another-token-abcdef;adm:admin:admin-token-0123456789\n"))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Len() != 3 {
		t.Fatalf("Len = %d, want 3", tok.Len())
	}
	for _, e := range tok.entries {
		if bytes.Contains(e.hash[:], []byte(secret)) {
			t.Fatal("a token is kept in clear")
		}
	}
	p, ok := tok.Lookup(secret)
	if !ok || p.Name != "ann" || p.Role != Editor {
		t.Fatalf("Lookup = %+v, %v", p, ok)
	}
	if _, ok := tok.Lookup(secret + "x"); ok {
		t.Fatal("a wrong token was accepted")
	}
}

func TestParseErrorsNameTheLineNotTheToken(t *testing.T) {
	for _, in := range []string{
		"ann:writer:" + secret, // unknown role
		"ann:editor:short",     // too short
		"ann:" + secret,        // no role
		"ann:editor:" + secret + "\nbob:reader:" + secret, // shared token
		"ann:editor:" + secret + "\nann:reader:other-token-0123456789",
	} {
		_, err := Parse(strings.NewReader(in))
		if err == nil {
			t.Errorf("%q accepted", in)
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "short\"") {
			t.Errorf("error shows the token: %v", err)
		}
		if !strings.Contains(err.Error(), "line") {
			t.Errorf("error does not name the line: %v", err)
		}
	}
}

func TestMiddleware(t *testing.T) {
	tok, _ := Parse(strings.NewReader("ann:editor:" + secret))
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var seen Principal
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = FromContext(r.Context()) })
	for _, c := range []struct {
		header string
		strict bool
		status int
		who    string
	}{
		{"", false, 200, "anonymous"},
		{"", true, 401, ""},
		{"Bearer " + secret, true, 200, "ann"},
		{"bearer " + secret, false, 200, "ann"},
		{"Bearer nope-nope-nope-nope", false, 401, ""},
		{"Basic " + secret, false, 401, ""},
	} {
		seen = Principal{}
		req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if c.header != "" {
			req.Header.Set("Authorization", c.header)
		}
		rec := httptest.NewRecorder()
		Middleware(tok, c.strict, log, next).ServeHTTP(rec, req)
		if rec.Code != c.status || seen.Name != c.who {
			t.Errorf("%q strict=%v: %d %q, want %d %q", c.header, c.strict, rec.Code, seen.Name, c.status, c.who)
		}
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("reply shows the token: %s", rec.Body)
		}
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "nope-nope") {
		t.Errorf("log shows a token: %s", logs.String())
	}
	if FromContext(context.Background()).Role != Anonymous {
		t.Error("a context without a principal is not anonymous")
	}
}
