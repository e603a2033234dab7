package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Importing ATT&CK for ICS prints one line per STIX type; --verbose one
// per object.
func TestImportPrintsOneLinePerSTIXType(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	bundle := filepath.Join("..", "..", "testdata", "attack-ics", "ics-attack.json")
	out := mustRun(t, "import", "--data", data, bundle)
	for _, want := range []string{
		"stix-2.1: kept ",
		"\nintrusion-set: 16: kept 14 as ThreatActor; kept 2 as an alias of its replacement\n",
		"\nrelationship attributed-to: 5: kept 5 as Attribution\n",
		"\nx-mitre-asset: 18: skipped 18: no attrib type for custom x- objects",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if lines := strings.Count(out, "\n"); lines > 40 {
		t.Errorf("%d lines without --verbose; want one per STIX type", lines)
	}
	out = mustRun(t, "import", "--verbose", "--data", data, bundle)
	if !strings.Contains(out, "wrote 0 records") {
		t.Errorf("second import wrote again:\n%.300s", out)
	}
	if lines := strings.Count(out, "\n"); lines < 1826 {
		t.Errorf("--verbose printed %d lines; want one per object (1826) and the summary", lines)
	}
	if !strings.Contains(out, "\nkept intrusion-set intrusion-set--68ba94ab-78b8-43e7-83e2-aed3466882c6 as an alias of its replacement\n") {
		t.Error("--verbose does not say APT34 became an alias")
	}
}
