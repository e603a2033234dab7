package crashtest

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// importIncidents sizes the file TestImportKilledIsAllOrNothing imports: a
// generated corpus whose export (about 7 MB) takes several staging and
// several apply commits, and a few seconds to import.
const importIncidents = 300

// TestImportKilledIsAllOrNothing SIGKILLs the real `attrib import` of a
// file larger than one transaction at points spread over its run, then
// opens the data directory again: the real `attrib check` passes, and the
// graph exports exactly as before the import or exactly as after it.
func TestImportKilledIsAllOrNothing(t *testing.T) {
	bin, err := buildAttrib()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	must := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("attrib %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	exportOf := func(dir string) []byte {
		t.Helper()
		out := filepath.Join(tmp, "export.json")
		must("export", "--data", dir, "-o", out)
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	src, file := filepath.Join(tmp, "src"), filepath.Join(tmp, "file.json")
	must("gen", "--data", src, "--incidents", strconv.Itoa(importIncidents))
	must("export", "--data", src, "-o", file)

	// The target holds the seed, so that "before" is not empty.
	pristine := filepath.Join(tmp, "pristine")
	must("seed", "--data", pristine)
	before := exportOf(pristine)
	done := filepath.Join(tmp, "done")
	copyDir(t, pristine, done)
	start := time.Now()
	must("import", "--data", done, file)
	took := time.Since(start)
	after := exportOf(done)
	if bytes.Equal(before, after) {
		t.Fatal("the import changed nothing")
	}

	const trials = 8
	var outcomes = map[string]int{}
	trial := func(i int, at time.Duration) {
		dir := filepath.Join(tmp, "trial-"+strconv.Itoa(i))
		copyDir(t, pristine, dir)
		cmd := exec.Command(bin, "import", "--data", dir, file)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(at)
		cmd.Process.Kill()
		werr := cmd.Wait()
		killed := werr != nil && strings.Contains(werr.Error(), "killed")
		check := attribCheck(t, dir) // opens the store: rolls back or finishes
		got := exportOf(dir)
		var outcome string
		switch {
		case bytes.Equal(got, before):
			outcome = "before"
		case bytes.Equal(got, after):
			outcome = "after"
		default:
			t.Fatalf("killed at %v of %v: the graph is neither as before the import (%d bytes) nor as after it (%d bytes): %d bytes",
				at.Round(time.Millisecond), took.Round(time.Millisecond), len(before), len(after), len(got))
		}
		if !killed {
			outcome = "finished"
		}
		outcomes[outcome]++
		t.Logf("kill at %v of %v: %s; %s", at.Round(time.Millisecond), took.Round(time.Millisecond), outcome, check)
		os.RemoveAll(dir)
	}
	// Spread the kills over the whole run, each at a random point of its
	// own slice of it.
	for i := range trials {
		trial(i, time.Duration((float64(i)+rand.Float64())/trials*float64(took)))
	}
	// On a busy machine a trial's import can run slower than the timed
	// one, so every kill may land before the commit point (or, faster,
	// after it): a few more kills, later or earlier, find the other side.
	for i := trials; i < 2*trials && (outcomes["before"] == 0 || outcomes["after"] == 0); i++ {
		at := time.Duration(float64(took) * (1 + float64(i-trials)/4))
		if outcomes["before"] == 0 {
			at = time.Duration(rand.Float64() * float64(took) / 10)
		}
		trial(i, at)
	}
	// The kills are spread over the run, so some land before the commit
	// point and some after: both must have been seen for the test to
	// have shown anything.
	if outcomes["before"] == 0 || outcomes["after"] == 0 {
		t.Errorf("outcomes %v: want kills both before and after the commit point", outcomes)
	}
}
