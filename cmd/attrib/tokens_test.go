package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTokensFromFileAndEnvironment(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(file, []byte("# analysts\nalice:editor:alice-token-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(tokensEnv, "root:admin:root-token-0123456789;ann:reader:ann-token-0123456789")
	tok, err := loadTokens(file)
	if err != nil {
		t.Fatal(err)
	}
	for token, name := range map[string]string{"alice-token-0123456789": "alice", "root-token-0123456789": "root", "ann-token-0123456789": "ann"} {
		if p, ok := tok.Lookup(token); !ok || p.Name != name {
			t.Errorf("token of %s: %+v, %v", name, p, ok)
		}
	}
	t.Setenv(tokensEnv, "bob:editor:bob-token-is-fine-0123;bob:reader:short")
	_, err = loadTokens(file)
	if err == nil || strings.Contains(err.Error(), "bob-token") || !strings.Contains(err.Error(), tokensEnv) {
		t.Fatalf("bad entries: %v", err)
	}
}

func TestReadsAreAnonymousOnlyOnLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "0.0.0.0:8080": false, "192.0.2.1:80": false} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLoopback(a); got != want {
			t.Errorf("isLoopback(%s) = %v, want %v", addr, got, want)
		}
	}
}
