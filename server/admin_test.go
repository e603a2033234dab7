package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attrib/attrib/check"
	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

func getBackup(t *testing.T, ts *httptest.Server, token string, since uint64) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/admin/backup?since="+strconv.FormatUint(since, 10), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestBackupNeedsTheAdminToken(t *testing.T) {
	s := seeded(t)
	off := httptest.NewServer(Handler(Config{Store: s, Limits: graph.DefaultLimits}))
	defer off.Close()
	if resp, body := getBackup(t, off, "anything", 0); resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("ATTRIB_ADMIN_TOKEN")) {
		t.Errorf("without a configured token: %d %s", resp.StatusCode, body)
	}
	on := httptest.NewServer(Handler(Config{Store: s, Limits: graph.DefaultLimits, Admin: AdminToken("s3cret")}))
	defer on.Close()
	for _, tok := range []string{"", "wrong", "s3cre"} {
		if resp, _ := getBackup(t, on, tok, 0); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, resp.StatusCode)
		}
	}
}

// A backup taken while writes continue holds every write acknowledged
// before it started; a later incremental one holds the rest; both restore
// into a store that passes check.
func TestBackupUnderWritesRestores(t *testing.T) {
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	b, _ := seed.Default()
	if _, err := seed.Load(s, b); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(Handler(Config{Store: s, Limits: graph.DefaultLimits, Admin: AdminToken("tok")}))
	defer ts.Close()

	var acked atomic.Int64 // writes 0..acked-1 are acknowledged
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.Update(func(tx *store.Txn) error { return putMarker(tx, i) }); err != nil {
				t.Error(err)
				return
			}
			acked.Store(int64(i + 1))
		}
	}()
	for acked.Load() < 50 { // let some writes land first
		time.Sleep(time.Millisecond)
	}
	before := acked.Load()
	resp, full := getBackup(t, ts, "tok", 0)
	if resp.StatusCode != 200 {
		t.Fatalf("backup: %d %s", resp.StatusCode, full)
	}
	next, err := strconv.ParseUint(resp.Trailer.Get(BackupVersionTrailer), 10, 64)
	if err != nil {
		t.Fatalf("no next-since trailer: %v", err)
	}
	for acked.Load() < before+50 {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	total := acked.Load()
	resp, incr := getBackup(t, ts, "tok", next)
	if resp.StatusCode != 200 || len(incr) == 0 || len(incr) >= len(full) {
		t.Fatalf("incremental backup: %d, %d bytes (full %d)", resp.StatusCode, len(incr), len(full))
	}

	dir := filepath.Join(t.TempDir(), "restored")
	if err := store.Restore(dir, bytes.NewReader(full)); err != nil {
		t.Fatal(err)
	}
	got := markers(t, dir)
	for i := range before {
		if !got[int(i)] {
			t.Fatalf("write %d was acknowledged before the backup began but is not in it", i)
		}
	}
	t.Logf("full backup: %d bytes, %d of %d writes (%d acknowledged before it began)", len(full), len(got), total, before)

	dir2 := filepath.Join(t.TempDir(), "restored2")
	if err := store.Restore(dir2, bytes.NewReader(full), bytes.NewReader(incr)); err != nil {
		t.Fatal(err)
	}
	if got := markers(t, dir2); len(got) != int(total) {
		var missing []int
		for i := range int(total) {
			if !got[i] {
				missing = append(missing, i)
			}
		}
		t.Fatalf("full + incremental restore holds %d of %d writes; missing %v (next since %d)", len(got), total, missing, next)
	}
	if err := store.Restore(dir2, bytes.NewReader(full)); err == nil {
		t.Fatal("restore into a non-empty directory was allowed")
	}
}

// putMarker writes one Incident node, cited to nothing, keyed by i.
func putMarker(tx *store.Txn, i int) error {
	_, err := tx.PutNode(&store.Node{ID: store.NodeID("Incident", fmt.Sprintf("w%06d", i)), Type: "Incident",
		Props: store.Props{"name": fmt.Sprint(i)}})
	return err
}

// markers opens dir, checks it, and returns which markers it holds.
func markers(t *testing.T, dir string) map[int]bool {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := check.Run(s)
	if err != nil || !r.OK() {
		t.Fatalf("restored store fails check: %v %v", err, r.Problems)
	}
	got := map[int]bool{}
	err = s.View(func(tx *store.Txn) error {
		ids, err := tx.NodeIDsByType("Incident")
		for _, id := range ids {
			_, k, _ := store.DecodeNodeID(id)
			var i int
			if _, err := fmt.Sscanf(k, "w%06d", &i); err == nil {
				got[i] = true
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}
