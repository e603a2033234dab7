package edit

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/store"
)

var update = flag.Bool("update", false, "rewrite the golden dump of TestStoredBytesAreUnchanged")

// TestStoredBytesAreUnchanged runs a fixed series of mutations on an empty
// store with a fixed clock and compares every key and value written with
// a dump taken before the write path was optimised: records, indexes,
// audit entries, idempotency records and the commit log are the on-disk
// contract, and a faster write must not change a byte of them.
func TestStoredBytesAreUnchanged(t *testing.T) {
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	tick := time.Date(2022, 9, 7, 10, 0, 0, 0, time.UTC)
	e.Now = func() time.Time { tick = tick.Add(1500 * time.Millisecond); return tick }
	alice := auth.Principal{Name: "alice", Role: auth.Editor}
	admin := auth.Principal{Name: "root", Role: auth.Admin}

	// Over 4 KB, with escapes and a line that occurs twice.
	text := "قطعت ألبانيا علاقاتها مع إيران.\n" + strings.Repeat("سطر \"مقتبس\" <b>&</b>\u2028 مكرر.\n", 80) +
		"وأمرت ألبانيا بمغادرة الدبلوماسيين الإيرانيين. The UK and the US responded."
	step := 0
	must := func(res Result, err error) Result {
		t.Helper()
		step++
		if err != nil {
			t.Fatalf("mutation %d: %v", step, err)
		}
		return res
	}
	doc := must(e.AddDocument(alice, Document{Key: "doc1", Title: "Albania cuts ties", Text: text, Language: "ar",
		Published: "2022-09-07", Publisher: "Agency", Sources: []string{"https://example.org/a"}}, Opts{})).ID
	q := func(exact, prefix string) []Quote { return []Quote{{Document: doc, Exact: exact, Prefix: prefix}} }
	al := must(e.UpsertState(alice, State{Code: "al", Cite: q("ألبانيا علاقاتها", "")}, Opts{})).ID
	ir := must(e.UpsertState(alice, State{Code: "IR", NameAr: "إيران", Region: "Asia", Cite: q("إيران.", "")}, Opts{IdempotencyKey: "ir-1"})).ID
	must(e.UpsertState(alice, State{Code: "IR", NameAr: "إيران", Region: "Asia", Cite: q("إيران.", "")}, Opts{IdempotencyKey: "ir-1"}))
	inc := must(e.UpsertIncident(alice, Incident{Key: "albania-2022", NameEn: "Cyberattack on Albania", Kind: "CYBERATTACK",
		Targets: []string{al}, Dated: Dated{Date: "2022-07-15"}, Cite: q("قطعت ألبانيا", "")}, Opts{IdempotencyKey: "inc-1"})).ID
	must(e.UpsertIncident(alice, Incident{Key: "albania-2022", NameEn: "Cyberattack on Albania", NameAr: "هجوم",
		Kind: "CYBERATTACK", Targets: []string{al}, Dated: Dated{Date: "2022-07-01", Precision: "MONTH", Inferred: true, Basis: "reported"},
		Cite: q("بمغادرة الدبلوماسيين", "وأمرت ألبانيا ")}, Opts{Marking: "AMBER"}))
	att := must(e.AddAttribution(alice, Attribution{Dated: Dated{Date: "2022-09-07"}, Attributor: al, Blamed: []string{ir},
		Incident: inc, Band: "VERY_LIKELY", CertaintyText: "مؤكد", Involvement: []string{"SPONSORED"}, Cite: q("The UK and the US", "")},
		Opts{Marking: "AMBER"})).ID
	must(e.Retract(alice, att, "wrong attributor", Opts{}))
	must(e.Unretract(admin, att, "right after all", Opts{IdempotencyKey: "u-1"}))
	if _, err := e.UpsertIncident(alice, Incident{Key: "bad", NameEn: "x", Kind: "CYBERATTACK", Dated: Dated{Date: "2022-07-15"},
		Cite: q("not in the text", "")}, Opts{}); err == nil {
		t.Fatal("a quote not in the text was accepted")
	}

	var dump bytes.Buffer
	if err := s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(&dump, "%q\n\t%q\n", it.Item().Key(), v)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "stored.golden")
	if *update {
		if err := os.WriteFile(golden, dump.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := dump.Bytes(); !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("stored bytes differ from %s at line %d:\ngot  %s\nwant %s", golden, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("stored bytes differ from %s: %d lines, want %d", golden, len(gl), len(wl))
	}
}
