package edit

import (
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/internal/biggraph"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

func TestIngestRecordsItsAuditTrailOnce(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	count := func() uint64 {
		var n uint64
		_ = s.View(func(tx *store.Txn) error {
			n, err = tx.ChangeCount()
			return err
		})
		return n
	}
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.Ingest("tester", "GREEN", b)
	if err != nil {
		t.Fatal(err)
	}
	if got := count(); got != uint64(res.NewNodes+res.NewEdges) || got == 0 {
		t.Fatalf("%d changes recorded for %d records written", got, res.NewNodes+res.NewEdges)
	}
	var first store.Change
	_ = s.View(func(tx *store.Txn) error {
		return tx.Changes(0, func(c *store.Change) (bool, error) { first = *c; return false, nil })
	})
	if first.By != "tester" || first.Mutation != "ingest" || first.Op != "create" || first.Marking != "GREEN" || first.After == nil {
		t.Errorf("first change = %+v", first)
	}
	b2, _ := seed.Default()
	again, err := e.Ingest("tester", "GREEN", b2)
	if err != nil {
		t.Fatal(err)
	}
	if again.NewNodes != 0 || again.NewEdges != 0 || count() != uint64(res.NewNodes+res.NewEdges) {
		t.Fatalf("second ingest wrote %+v; changes now %d", again, count())
	}
	if _, err := e.Ingest("tester", "PURPLE", b2); err == nil {
		t.Fatal("an unknown marking was accepted")
	}
}

// An ingested bundle larger than one transaction is written whole, with
// one audit entry per record, and a second ingest writes nothing.
func TestIngestLargerThanOneTransaction(t *testing.T) {
	src, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if err := biggraph.Fill(src, 5000); err != nil {
		t.Fatal(err)
	}
	bundle := func() *seed.Bundle {
		b := &seed.Bundle{}
		err := src.View(func(tx *store.Txn) error {
			if err := tx.ScanNodes(func(_ string, n *store.Node) error { b.Nodes = append(b.Nodes, *n); return nil }); err != nil {
				return err
			}
			return tx.ScanEdges(func(_ string, e *store.Edge) error { b.Edges = append(b.Edges, *e); return nil })
		})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := New(s).Ingest("tester", "", bundle())
	if err != nil {
		t.Fatal(err)
	}
	if res.NewNodes != 5002 || res.NewEdges != 5000 {
		t.Fatalf("ingest wrote %+v", res)
	}
	var changes uint64
	var size int64
	s.View(func(tx *store.Txn) error { changes, err = tx.ChangeCount(); return err })
	s.DB().View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			size += int64(len(it.Item().Key())) + it.Item().ValueSize()
		}
		return nil
	})
	if changes != 10002 || size <= s.DB().MaxBatchSize() {
		t.Fatalf("%d audit entries for 10002 records; %d bytes written, one transaction holds %d", changes, size, s.DB().MaxBatchSize())
	}
	again, err := New(s).Ingest("tester", "", bundle())
	if err != nil || again.NewNodes+again.NewEdges != 0 {
		t.Fatalf("a second ingest wrote %+v (%v)", again, err)
	}
}

const viaText = "Vendor note\n\nContoso Security says the persona HomeLand Justice did it, according to Edi Rama.\n"

const viaFacts = `default_document: note
documents:
  - key: note
    file: note.txt
    props: {title: "Vendor note", published: "2024-01-01", language: en, publisher: null, sources: [], media_type: text/plain, kind: REPORT}
    cite: [{exact: "Vendor note"}]
nodes:
  - ref: Organization:contoso
    props: {name_en: "Contoso Security", name_ar: null, kind: COMPANY, aliases: []}
    cite: [{exact: "Contoso Security"}]
  - ref: Person:rama
    props: {name_en: "Edi Rama"}
    cite: [{exact: "Edi Rama"}]
  - ref: ThreatActor:homeland-justice
    props: {name_en: "HomeLand Justice", kind: PERSONA, aliases: []}
    cite: [{exact: "the persona HomeLand Justice"}]
  - ref: Incident:it
    props: {name_en: "It", kind: CYBERATTACK, date: "2024-01-01", date_precision: DAY, date_inferred: true, date_basis: "document date", effects: []}
    cite: [{exact: "did it"}]
  - ref: Attribution:contoso-blames-hj
    props: {date: "2024-01-01", date_precision: DAY, date_inferred: true, date_basis: "document date", band: UNSTATED, certainty_text: null, involvement: []}
    cite: [{exact: "Contoso Security says the persona HomeLand Justice did it"}]
edges:
  - {type: ATTRIBUTED_BY, from: Attribution:contoso-blames-hj, to: Organization:contoso, cite: [{exact: "Contoso Security says"}]}
  - {type: BLAMES, from: Attribution:contoso-blames-hj, to: ThreatActor:homeland-justice, cite: [{exact: "the persona HomeLand Justice did it"}]}
  - {type: CONCERNS, from: Attribution:contoso-blames-hj, to: Incident:it, cite: [{exact: "did it"}]}
  - {type: VIA, from: Attribution:contoso-blames-hj, to: Person:rama, cite: [{exact: "according to Edi Rama"}]}
`

// A facts file follows addAttribution's rule: a claim's speaker belongs to
// its claimant, else nothing of the file is written.
func TestIngestRefusesAViaOutsideTheClaimant(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := New(s)
	read := func(string) ([]byte, error) { return []byte(viaText), nil }
	b, err := seed.Parse([]byte(viaFacts), read)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Ingest("tester", "", b)
	if err == nil || !strings.Contains(err.Error(), "Person:rama") || !strings.Contains(err.Error(), "not a member or part of the claimant Organization:contoso") {
		t.Fatalf("got %v, want the VIA refused, naming the speaker and the claimant", err)
	}
	var n uint64
	_ = s.View(func(tx *store.Txn) error { n, err = tx.ChangeCount(); return err })
	if n != 0 {
		t.Errorf("a refused facts file wrote %d changes", n)
	}
	// Stating the membership makes the same claim acceptable.
	member := strings.Replace(viaFacts, "edges:\n", "edges:\n  - {type: MEMBER_OF, from: Person:rama, to: Organization:contoso, cite: [{exact: \"according to Edi Rama\"}]}\n", 1)
	if b, err = seed.Parse([]byte(member), read); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Ingest("tester", "", b); err != nil {
		t.Fatalf("with the membership stated: %v", err)
	}
}
