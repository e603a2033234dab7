package crashtest

import (
	"context"
	"maps"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBackupUnderWrites: clients keep writing through the real mutations
// (upsertIncident and importGraph) while `attrib backup --server` takes a
// full backup of the running `attrib serve`, then an incremental one once
// they stop. `attrib restore` of the full backup alone holds every write
// acknowledged before the backup started; with the incremental one, every
// write acknowledged at all; each exactly once, and `attrib check` passes
// on both.
func TestBackupUnderWrites(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	admin := []string{"ATTRIB_ADMIN_TOKEN=backup-admin-token"}
	p, _ := startServer(t, data, admin...)

	l := newLedger()
	const first = markerPrefix + "template"
	if err := write(context.Background(), http.DefaultClient, p.base, first); err != nil {
		t.Fatal(err)
	}
	l.sent[first], l.acked[first] = true, true
	im := newImporter(t, p.base, first)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wg := runWriters(ctx, p.base, writers, 0, l, im)
	acked := func() map[string]bool {
		l.mu.Lock()
		defer l.mu.Unlock()
		return maps.Clone(l.acked)
	}
	for len(acked()) < 40 { // let some writes land first
		time.Sleep(10 * time.Millisecond)
	}

	before := acked()
	full := filepath.Join(tmp, "full.bak")
	start := time.Now()
	out, err := run(t, admin, "backup", "--server", p.base, "-o", full)
	if err != nil {
		t.Fatalf("backup under writes: %v\n%s", err, out)
	}
	took := time.Since(start)
	during := len(acked()) - len(before)
	m := regexp.MustCompile(`--since (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup does not print the next --since: %s", out)
	}
	for len(acked()) < len(before)+during+20 { // and some after it
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	all := acked()
	incr := filepath.Join(tmp, "incr.bak")
	if out, err := run(t, admin, "backup", "--server", p.base, "--since", m[1], "-o", incr); err != nil {
		t.Fatalf("incremental backup: %v\n%s", err, out)
	}
	p.kill()

	// restored restores files into a new directory, checks it and returns
	// the markers a server over it lists.
	restored := func(name string, files ...string) map[string]int {
		t.Helper()
		dir := filepath.Join(tmp, name)
		out, err := run(t, nil, append([]string{"restore", "--data", dir}, files...)...)
		if err != nil || !strings.Contains(out, " 0 problems") {
			t.Fatalf("restore %s: %v\n%s", name, err, out)
		}
		attribCheck(t, dir)
		q, _ := startServer(t, dir)
		defer q.kill()
		seen := queried(t, q.base)
		for m, c := range seen {
			if !l.sent[m] || c != 1 {
				t.Errorf("restore %s lists %s %d times; sent %v", name, m, c, l.sent[m])
			}
		}
		return seen
	}
	seen := restored("restored-full", full)
	for m := range before {
		if seen[m] != 1 {
			t.Errorf("%s was acknowledged before the backup began but the restore lists it %d times", m, seen[m])
		}
	}
	both := restored("restored-incremental", full, incr)
	for m := range all {
		if both[m] != 1 {
			t.Errorf("%s was acknowledged but the full and incremental restore lists it %d times", m, both[m])
		}
	}
	t.Logf("backup under writes: took %v while %d writes were acknowledged; the full restore holds all %d acknowledged before it began (%d in all); full + incremental hold all %d acknowledged; check passes on both",
		took.Round(time.Millisecond), during, len(before), len(seen), len(all))
}
