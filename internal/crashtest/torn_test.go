package crashtest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// newestMem returns the newest write-ahead (.mem) file in dir and the
// offset just past its last non-zero byte: Badger preallocates these
// files, so the written entries end there and zeros follow.
func newestMem(t *testing.T, dir string) (string, int64) {
	t.Helper()
	mems, err := filepath.Glob(filepath.Join(dir, "*.mem"))
	if err != nil || len(mems) == 0 {
		t.Fatalf("no .mem file in %s (%v)", dir, err)
	}
	// Names are zero-padded file IDs, so the last in order is the newest.
	slices.Sort(mems)
	path := mems[len(mems)-1]
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end := len(b)
	for end > 0 && b[end-1] == 0 {
		end--
	}
	if end == 0 {
		t.Fatalf("%s holds no entries", path)
	}
	return path, int64(end)
}

// TestTornTail: a write torn by power loss leaves the newest .mem file
// ending inside its last entry. Cutting the file there (not merely its
// zero tail) must leave a store that opens, passes `attrib check`, and
// lacks at most the one transaction whose entry was cut.
func TestTornTail(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l := newLedger()
	p, _ := startServer(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	wg := runWriters(ctx, p.base, writers, 0, l, nil)
	time.Sleep(400 * time.Millisecond)
	p.kill()
	cancel()
	wg.Wait()

	// What the store holds uncut, measured on a copy.
	uncut := filepath.Join(t.TempDir(), "uncut")
	copyDir(t, dir, uncut)
	before := len(census(t, uncut))

	path, end := newestMem(t, dir)
	// The last entry is the transaction's commit marker, ending in a
	// 4-byte checksum: 3 bytes short of the end is inside it.
	cut := end - 3
	if err := os.Truncate(path, cut); err != nil {
		t.Fatal(err)
	}
	t.Logf("cut %s from %d written bytes to %d", filepath.Base(path), end, cut)

	summary := attribCheck(t, dir)
	seen := census(t, dir)
	var missing []string
	l.mu.Lock()
	defer l.mu.Unlock()
	for m := range l.acked {
		if seen[m] == 0 {
			missing = append(missing, m)
		}
	}
	for m, c := range seen {
		if !l.sent[m] || c != 1 {
			t.Errorf("%s present %d times but sent %v", m, c, l.sent[m])
		}
	}
	if len(missing) > 1 {
		t.Fatalf("%d acknowledged writes missing after cutting one entry: %s", len(missing), strings.Join(missing, ", "))
	}
	// The cut must have cost exactly the last transaction: fewer means it
	// went unnoticed, more means a torn tail damages older writes.
	if len(seen) != before-1 {
		t.Fatalf("uncut the store held %d writes, cut %d; want exactly one fewer", before, len(seen))
	}
	t.Logf("torn tail: %d writes before the cut, %d after; %d acknowledged, %d of them missing (the cut transaction, if it had been acknowledged); check: %s",
		before, len(seen), len(l.acked), len(missing), summary)

	// The store keeps working: a restarted server accepts and keeps writes.
	p, _ = startServer(t, dir)
	defer p.kill()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	if err := write(ctx2, &http.Client{}, p.base, markerPrefix+"after-the-tear"); err != nil {
		t.Fatalf("write after reopening: %v", err)
	}
}

// copyDir copies the regular files of src into a new directory dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
