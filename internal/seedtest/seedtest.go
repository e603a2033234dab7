// Package seedtest gives tests a store holding the embedded seed, or a
// synthetic corpus.
package seedtest

import (
	"testing"

	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// Open opens a store in dir with options o (store.Options{InMemory: true}
// and dir "" for a store in memory), loads the embedded seed into it, and
// closes it when the test ends.
func Open(t testing.TB, dir string, o store.Options) *store.Store {
	t.Helper()
	s, err := store.Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Load(s, b); err != nil {
		t.Fatal(err)
	}
	return s
}

// Store is an in-memory store holding the embedded seed.
func Store(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, "", store.Options{InMemory: true})
}

// Synthetic is an in-memory store holding the synthetic corpus o
// describes, closed when the test ends.
func Synthetic(t testing.TB, o synthetic.Options) *store.Store {
	t.Helper()
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := synthetic.Load(s, o); err != nil {
		t.Fatal(err)
	}
	return s
}
