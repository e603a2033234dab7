package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// run executes the attrib command line in process.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

func TestSeedTwiceChangesNothing(t *testing.T) {
	dir := t.TempDir()
	out, err := run(t, "seed", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "48 nodes and 132 edges written") {
		t.Errorf("first seed: %s", out)
	}
	out, err = run(t, "seed", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "0 nodes and 0 edges written") {
		t.Errorf("second seed wrote something: %s", out)
	}
}

func TestHelpListsEverySubcommand(t *testing.T) {
	out, err := run(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range newRootCmd().Commands() {
		if !sub.Hidden && !strings.Contains(out, sub.Name()) {
			t.Errorf("--help does not list %s", sub.Name())
		}
		if sub.Short == "" {
			t.Errorf("%s has no description", sub.Name())
		}
	}
}

func TestBadFlagSaysWhereToLook(t *testing.T) {
	_, err := run(t, "serve", "--adr", "x")
	if err == nil || !strings.Contains(err.Error(), "attrib serve --help") {
		t.Fatalf("error %v does not point to --help", err)
	}
}

func TestVersion(t *testing.T) {
	out, err := run(t, "version")
	if err != nil || !strings.HasPrefix(out, "attrib ") {
		t.Fatalf("version: %q, %v", out, err)
	}
}
