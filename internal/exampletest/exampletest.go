// Package exampletest gives tests the example corpus (examples/albania-2022)
// ingested on top of the seed, as attrib ingest DIR does.
package exampletest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// Corpus is the example corpus's directory, relative to the module root.
const Corpus = "examples/albania-2022"

// Dir returns the example corpus's directory, found from the test's
// working directory up to the module root.
func Dir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, filepath.FromSlash(Corpus))
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = up
	}
}

// Bundle reads the corpus's facts files, whose edges may join nodes of s.
func Bundle(t testing.TB, s *store.Store) *seed.Bundle {
	t.Helper()
	b, _, err := seed.ReadDir(os.DirFS(Dir(t)), seed.StoredType(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Ingest writes the corpus into s (which holds the seed) as attrib ingest
// does, by "examples".
func Ingest(t testing.TB, s *store.Store) seed.Result {
	t.Helper()
	res, err := edit.New(s).Ingest("examples", "", Bundle(t, s))
	if err != nil {
		t.Fatal(err)
	}
	return res
}
