package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

const (
	cliReaderToken = "cli-reader-tok-8e2b4d6f0a1c"
	cliAdminToken  = "cli-admin-tok-3f5a7c9e1b2d"
)

// tokenServer serves a seeded store that refuses requests without a token.
func tokenServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := store.Open(seededDir(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tokens, err := auth.Parse(strings.NewReader("ann:reader:" + cliReaderToken + "\nroot:admin:" + cliAdminToken + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits, Tokens: tokens, ReadsNeedToken: true}))
	t.Cleanup(srv.Close)
	return srv
}

func TestExportFromAServerSendsTheToken(t *testing.T) {
	srv := tokenServer(t)
	t.Setenv(tokenEnv, "")
	out := filepath.Join(t.TempDir(), "x.json")
	_, err := run(t, "export", "--server", srv.URL, "--root", cq5Root, "-o", out)
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "--token") {
		t.Fatalf("without a token: %v, want a 401 that says to pass --token", err)
	}
	if o, err := run(t, "export", "--server", srv.URL, "--root", cq5Root, "--token", cliReaderToken, "-o", out); err != nil {
		t.Fatalf("with --token: %v\n%s", err, o)
	} else if strings.Contains(o, cliReaderToken) {
		t.Errorf("the output shows the token: %s", o)
	}
	if !strings.Contains(string(read(t, out)), `"format": "attrib/1"`) {
		t.Errorf("with --token: not an export")
	}
	os.Remove(out)
	t.Setenv(tokenEnv, cliReaderToken)
	mustRun(t, "export", "--server", srv.URL, "--root", cq5Root, "-o", out)
	// A wrong token is refused, and not echoed.
	_, err = run(t, "export", "--server", srv.URL, "--token", "not-a-token-of-this-server", "-o", out)
	if err == nil || !strings.Contains(err.Error(), "401") || strings.Contains(err.Error(), "not-a-token-of-this-server") {
		t.Errorf("wrong token: %v", err)
	}
}

func TestBackupTakesAnAdminTokenOfTheTokenSet(t *testing.T) {
	srv := tokenServer(t)
	t.Setenv(tokenEnv, "")
	t.Setenv("ATTRIB_ADMIN_TOKEN", "")
	dir := t.TempDir()
	o, err := run(t, "backup", "--server", srv.URL, "--token", cliAdminToken, "-o", filepath.Join(dir, "a.bak"))
	if err != nil || !strings.Contains(o, "--since") || strings.Contains(o, cliAdminToken) {
		t.Fatalf("backup --token: %v\n%s", err, o)
	}
	t.Setenv(tokenEnv, cliAdminToken)
	if o, err := run(t, "backup", "--server", srv.URL, "-o", filepath.Join(dir, "b.bak")); err != nil {
		t.Fatalf("backup with $%s: %v\n%s", tokenEnv, err, o)
	}
	_, err = run(t, "backup", "--server", srv.URL, "--token", cliReaderToken, "-o", filepath.Join(dir, "c.bak"))
	if err == nil || !strings.Contains(err.Error(), "403") || strings.Contains(err.Error(), cliReaderToken) {
		t.Errorf("backup with a reader's token: %v", err)
	}
	t.Setenv(tokenEnv, "")
	if _, err := run(t, "backup", "--server", srv.URL, "-o", filepath.Join(dir, "d.bak")); err == nil || !strings.Contains(err.Error(), "--token") {
		t.Errorf("backup without any token: %v", err)
	}
}
