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
