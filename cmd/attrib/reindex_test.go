package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) string {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		t.Fatalf("attrib %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

func TestReindexRebuildsFromTheDatabaseQuietlyInAPipe(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	runCmd(t, "seed", "--data", data)
	out := runCmd(t, "reindex", "--data", data)
	// 48 nodes in the seed, written by one change.
	if out != strings.Split(out, "\n")[0]+"\n" || !strings.HasPrefix(out, "reindexed: 48 nodes up to change 1 in ") {
		t.Fatalf("output %q, want one summary line and no progress bar", out)
	}
	// Run twice: the old index is replaced, not added to.
	if out := runCmd(t, "reindex", "--data", data); !strings.HasPrefix(out, "reindexed: 48 nodes") {
		t.Fatalf("second reindex: %q", out)
	}
}
