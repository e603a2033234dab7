package importer_test

import (
	"hash/maphash"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// FuzzImport feeds bytes, native exports and STIX bundles alike (seeds in
// testdata/fuzz/FuzzImport), to the importer over a seeded in-memory
// store. It must never panic; a refused import must leave every key and
// value of the store as it was, and an accepted one that reports nothing
// written must too.
func FuzzImport(f *testing.F) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	b, err := seed.Default()
	if err != nil {
		f.Fatal(err)
	}
	if _, err := seed.Load(s, b); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"format": "attrib/1", "nodes": [], "edges": [], "documents": []}`))
	f.Add([]byte(foreign))
	// The store's digest, kept between inputs: recomputing it only after
	// an import that wrote halves the cost of each input.
	want := digest(f, s)
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := importer.Import(s, data)
		switch {
		case err != nil && rep != nil:
			t.Fatalf("a refused import returned a report: %v", err)
		case err != nil && digest(t, s) != want:
			t.Fatalf("a refused import changed the store: %v", err)
		case err == nil && rep == nil:
			t.Fatal("an accepted import returned no report")
		case err == nil && rep.Written == 0 && digest(t, s) != want:
			t.Fatalf("an import that wrote nothing changed the store: %s", rep.Summary())
		case err == nil && rep.Written > 0:
			// Also shows the digest sees writes, or the checks above
			// would prove nothing.
			now := digest(t, s)
			if now == want {
				t.Fatalf("an import wrote %d records but the store's digest did not change", rep.Written)
			}
			want = now
		}
	})
}

// digest hashes every key and value of the store (maphash: fast, and
// stable within the process, which is all a comparison needs).
func digest(t testing.TB, s *store.Store) uint64 {
	t.Helper()
	var h maphash.Hash
	h.SetSeed(hashSeed)
	err := s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			h.Write(it.Item().Key())
			h.Write([]byte{0})
			if err := it.Item().Value(func(v []byte) error { h.Write(v); return nil }); err != nil {
				return err
			}
			h.Write([]byte{0})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h.Sum64()
}

var hashSeed = maphash.MakeSeed()
