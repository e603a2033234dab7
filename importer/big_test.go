package importer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/check"
	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/internal/biggraph"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// smallBatch makes every commit of an import hold a few records, so that
// a corpus of a few incidents takes hundreds of commits.
const smallBatch = 16 << 10

// generated returns a native export of a generated corpus of n incidents.
func generated(t *testing.T, n int) []byte {
	t.Helper()
	src := open(t)
	if _, err := synthetic.Load(src, synthetic.Options{Seed: 1, Incidents: n}); err != nil {
		t.Fatal(err)
	}
	return exportAll(t, src, export.Native)
}

// written sums what a store holds, keys and values, as Badger counts a
// transaction's size: an import of it in one transaction needs at least
// this much.
func written(t *testing.T, s *store.Store) int64 {
	t.Helper()
	var n int64
	err := s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n += int64(len(it.Item().Key())) + it.Item().ValueSize()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func clean(t *testing.T, s *store.Store) {
	t.Helper()
	rep, err := check.Run(s)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Unchecked["x"] != 0 {
		t.Fatalf("check: %d problems %v, unchecked tables (x: staged records) %v", rep.Broken, rep.Problems, rep.Unchecked)
	}
}

// TestImportLargerThanOneTransaction imports, in one call, a generated
// export that no single Badger transaction can hold, and gets the same
// graph back: exporting it again gives the same bytes.
func TestImportLargerThanOneTransaction(t *testing.T) {
	file := generated(t, 600)
	s := open(t)
	rep, err := importer.Import(s, file)
	if err != nil {
		t.Fatal(err)
	}
	if limit := s.DB().MaxBatchSize(); written(t, s) <= limit {
		t.Fatalf("the import wrote %d bytes, which one transaction (%d) could hold: make the corpus bigger", written(t, s), limit)
	}
	if rep.Kept["Incident"] != 600 || rep.Written == 0 {
		t.Fatalf("report: %s", rep.Summary())
	}
	if again := exportAll(t, s, export.Native); !bytes.Equal(again, file) {
		t.Fatalf("the imported graph exports as %d bytes, the file was %d", len(again), len(file))
	}
	clean(t, s)
}

// The export of 10,000 cited organisations (8 MB) was refused as too big for
// one transaction; it now imports, and its edges all land.
func TestBigGraphImports(t *testing.T) {
	big := open(t)
	if err := biggraph.Fill(big, 10000); err != nil {
		t.Fatal(err)
	}
	file := exportAll(t, big, export.Native)
	s := open(t)
	rep, err := importer.Import(s, file)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kept["Organization"] != 10000 || rep.Kept["edge"] != 10000 {
		t.Fatalf("report: %s", rep.Summary())
	}
	if !bytes.Equal(exportAll(t, s, export.Native), file) {
		t.Fatal("the imported graph exports differently")
	}
}

// In many small commits, the import is still exact, idempotent, checked
// clean, and logged: the commit log lists every record it wrote.
func TestImportInManyCommits(t *testing.T) {
	file := generated(t, 20)
	s := open(t)
	var phases sync.Map
	rep, err := importer.ImportReader(s, bytes.NewReader(file), importer.Options{BatchBytes: smallBatch,
		Progress: func(phase string, done, total int) { phases.Store(phase, done) }})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(exportAll(t, s, export.Native), file) {
		t.Fatal("the imported graph exports differently")
	}
	clean(t, s)
	var commits []store.Commit
	s.View(func(tx *store.Txn) error {
		var err error
		commits, err = tx.CommitsSince(0)
		return err
	})
	logged := 0
	for _, c := range commits {
		logged += len(c.Nodes) + len(c.Edges)
	}
	if len(commits) < 10 || logged != rep.Written {
		t.Fatalf("%d commits logging %d records, %d written", len(commits), logged, rep.Written)
	}
	for _, ph := range []string{importer.PhaseRead, importer.PhaseCheck, importer.PhaseWrite} {
		if done, ok := phases.Load(ph); !ok || done.(int) == 0 {
			t.Errorf("no progress reported for %s", ph)
		}
	}
	again, err := importer.ImportReader(s, bytes.NewReader(file), importer.Options{BatchBytes: smallBatch})
	if err != nil || again.Written != 0 {
		t.Fatalf("a second import wrote %v records (%v)", again, err)
	}
}

// A file whose last document a citation does not hold against is refused
// after hundreds of records were staged, and leaves nothing: no record, no
// staged key, no commit.
func TestFailedBigImportLeavesNothing(t *testing.T) {
	file := generated(t, 20)
	// The documents come last; break the last quote of the last one's
	// text by changing a character in its text.
	var f struct {
		Format    string            `json:"format"`
		Nodes     []json.RawMessage `json:"nodes"`
		Edges     []json.RawMessage `json:"edges"`
		Documents []map[string]any  `json:"documents"`
	}
	if err := json.Unmarshal(file, &f); err != nil {
		t.Fatal(err)
	}
	last := f.Documents[len(f.Documents)-1]
	props := last["properties"].(map[string]any)
	text := []rune(props["text"].(string))
	cs := last["citations"].([]any)
	c := cs[0].(map[string]any)
	at := int(c["start"].(float64))
	text[at] = 'X'
	props["text"] = string(text)
	tampered, _ := json.Marshal(f)

	s := open(t)
	empty := written(t, s)
	_, err := importer.ImportReader(s, bytes.NewReader(tampered), importer.Options{BatchBytes: smallBatch})
	if !errors.Is(err, importer.ErrCitation) || !strings.Contains(err.Error(), last["id"].(string)) {
		t.Fatalf("got %v, want a citation error naming %s", err, last["id"])
	}
	if n := written(t, s); n != empty {
		t.Fatalf("a refused import left %d bytes in the store, which held %d", n, empty)
	}
}

// Readers running while a big import commits see the graph before it or
// after it, never part of it.
func TestReadersNeverSeeHalfAnImport(t *testing.T) {
	file := generated(t, 20)
	s := seeded(t)
	before := count(t, s)
	var (
		stop  atomic.Bool
		wg    sync.WaitGroup
		seen  sync.Map
		after int
	)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				n := 0
				err := s.View(func(tx *store.Txn) error {
					for _, typ := range ontology.NodeTypes {
						ids, err := tx.NodeIDsByType(typ)
						n += len(ids)
						if err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				seen.Store(n, true)
			}
		}()
	}
	if _, err := importer.ImportReader(s, bytes.NewReader(file), importer.Options{BatchBytes: smallBatch}); err != nil {
		t.Fatal(err)
	}
	after = count(t, s)
	stop.Store(true)
	wg.Wait()
	seen.Range(func(k, _ any) bool {
		if n := k.(int); n != before && n != after {
			t.Errorf("a reader saw %d nodes: neither %d before nor %d after", n, before, after)
		}
		return true
	})
	if after <= before {
		t.Fatalf("the import added nothing: %d then %d", before, after)
	}
}

// A STIX bundle goes through the same staging: in many small commits it
// imports the same objects as in one.
func TestSTIXImportInManyCommits(t *testing.T) {
	bundle := exportAll(t, seeded(t), export.STIX21)
	whole, err := importer.Import(open(t), bundle)
	if err != nil {
		t.Fatal(err)
	}
	s := open(t)
	staged, err := importer.ImportReader(s, bytes.NewReader(bundle), importer.Options{BatchBytes: smallBatch})
	if err != nil {
		t.Fatal(err)
	}
	if staged.Summary() != whole.Summary() || staged.Written == 0 {
		t.Fatalf("staged: %s; in one commit: %s", staged.Summary(), whole.Summary())
	}
	clean(t, s)
}

// The search index, following the store's commit log, is level with a
// big import once it returns: it holds what an index built afresh from
// the imported store holds.
func TestSearchIndexFollowsABigImport(t *testing.T) {
	file := generated(t, 20)
	s := seeded(t)
	x, err := search.Open(filepath.Join(t.TempDir(), "following"), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	x.Follow()
	before, _ := x.Count()
	if _, err := importer.ImportReader(s, bytes.NewReader(file), importer.Options{BatchBytes: smallBatch}); err != nil {
		t.Fatal(err)
	}
	fresh, err := search.Build(filepath.Join(t.TempDir(), "fresh"), s, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	got, _ := x.Count()
	want, _ := fresh.Count()
	var seq uint64
	s.View(func(tx *store.Txn) error { seq, err = tx.CommitSeq(); return err })
	applied, _ := x.CommitSeq()
	if got != want || got <= before || applied != seq {
		t.Fatalf("the following index holds %d documents (%d before), a fresh one %d; it applied change %d of %d", got, before, want, applied, seq)
	}
}
