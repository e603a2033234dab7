package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	out, err := run(t, "gen", "--data", dir, "--incidents", "3", "--batch", "2")
	if err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	if !strings.Contains(out, "generated 3 incidents:") || !strings.Contains(out, "citations") {
		t.Errorf("gen printed %q", out)
	}
	// Not a terminal: no progress bar in the output.
	if strings.Contains(out, "incidents 3/3") || strings.Contains(out, "\r") {
		t.Errorf("gen drew progress into a pipe: %q", out)
	}
	if _, err := run(t, "gen", "--data", dir, "--incidents", "3"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("second gen into the same directory: %v; want a not-empty refusal", err)
	}
	_, err = run(t, "gen", "--data", filepath.Join(t.TempDir(), "x"), "--incidents", "0")
	var ue usageError
	if !errors.As(err, &ue) {
		t.Errorf("--incidents 0: %v; want a usage error", err)
	}
}
