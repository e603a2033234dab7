package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const ingestArticle = "UK blames Iran for Albania cyberattack\n\nThe United Kingdom said Iran was almost certainly responsible for the July cyberattack on Albania.\n"

const ingestFacts = `default_document: article
documents:
  - key: article
    file: uk-2022-09-08.txt
    props: {title: "UK blames Iran for Albania cyberattack", published: "2022-09-08", language: en, publisher: null, sources: [], media_type: text/plain, kind: ARTICLE}
    cite: [{exact: "UK blames Iran for Albania cyberattack"}]
nodes:
  - ref: Attribution:gb-blames-ir-2022-09-08
    props: {date: "2022-09-08", date_precision: DAY, date_inferred: false, band: ALMOST_CERTAIN, certainty_text: "almost certainly", involvement: [RESPONSIBLE]}
    cite: [{exact: "Iran was almost certainly responsible for the July cyberattack on Albania"}]
edges:
  - type: ATTRIBUTED_BY
    from: Attribution:gb-blames-ir-2022-09-08
    to: State:GB
    cite: [{exact: "The United Kingdom"}]
`

func TestIngestIsTransactionalAndIdempotent(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	article := filepath.Join(dir, "uk-2022-09-08.txt")
	facts := filepath.Join(dir, "uk.yaml")
	if err := os.WriteFile(article, []byte(ingestArticle), 0o644); err != nil {
		t.Fatal(err)
	}
	// A wrong quote refuses the whole file before anything is written.
	bad := strings.Replace(ingestFacts, "exact: \"The United Kingdom\"", "exact: \"Great Britain\"", 1)
	if err := os.WriteFile(facts, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "seed", "--data", data); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "ingest", article, "--facts", facts, "--data", data); err == nil || !strings.Contains(err.Error(), "Great Britain") {
		t.Fatalf("a wrong quote was not refused by name: %v", err)
	}
	if err := os.WriteFile(facts, []byte(ingestFacts), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "ingest", article, "--facts", facts, "--data", data, "--as", "tester")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "2 nodes and 1 edges in the file; 2 nodes and 1 edges written") {
		t.Fatalf("first ingest: %s", out)
	}
	out, err = run(t, "ingest", article, "--facts", facts, "--data", data, "--as", "tester")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "0 nodes and 0 edges written") {
		t.Fatalf("second ingest wrote again: %s", out)
	}
	if _, err := run(t, "ingest", article, "--data", data); err == nil || !strings.Contains(err.Error(), "--facts") {
		t.Fatalf("missing --facts: %v", err)
	}
}

// attrib ingest DIR writes every facts file of the directory in one
// transaction: a bad quote in the last file leaves nothing of the others,
// and a second ingest writes nothing.
func TestIngestDirectoryIsOneTransaction(t *testing.T) {
	src := filepath.Join("..", "..", "examples", "albania-2022")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "corpus")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var last string
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(e.Name(), ".yaml") {
			last = e.Name()
		}
	}
	data := filepath.Join(t.TempDir(), "data")
	if _, err := run(t, "seed", "--data", data); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, last))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), `exact: "Iranian state cyber actors"}`, `exact: "Iranian state hackers"}`, 1)
	if bad == string(good) {
		t.Fatal("the quote to break is not in the last facts file")
	}
	if err := os.WriteFile(filepath.Join(dir, last), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "ingest", "--data", data, dir); err == nil || !strings.Contains(err.Error(), "Iranian state hackers") {
		t.Fatalf("a bad quote in %s was not refused by name: %v", last, err)
	}
	// Nothing of the earlier files was written: ingesting the good corpus
	// now writes all of it.
	if err := os.WriteFile(filepath.Join(dir, last), good, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "ingest", "--data", data, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "ingested 6 facts files from corpus: 25 nodes and 43 edges in the files; 26 nodes and 43 edges written") {
		t.Fatalf("first ingest: %s", out)
	}
	out, err = run(t, "ingest", "--data", data, dir)
	if err != nil || !strings.Contains(out, "0 nodes and 0 edges written") {
		t.Fatalf("second ingest: %s, %v", out, err)
	}
	// Loading the seed again keeps the wire report cited on Albania's claim.
	out, err = run(t, "seed", "--data", data)
	if err != nil || !strings.Contains(out, "0 nodes and 0 edges written") {
		t.Fatalf("seeding again over the corpus: %s, %v", out, err)
	}
	if _, err := run(t, "ingest", "--data", data, dir, "--facts", filepath.Join(dir, last)); err == nil || !strings.Contains(err.Error(), "--facts") {
		t.Fatalf("--facts with a directory: %v", err)
	}
}
