package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/check"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
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
	s := seedtest.Store(t)
	off := httptest.NewServer(Handler(Config{Store: s, Limits: DefaultLimits}))
	defer off.Close()
	if resp, body := getBackup(t, off, "anything", 0); resp.StatusCode != http.StatusForbidden || !bytes.Contains(body, []byte("ATTRIB_ADMIN_TOKEN")) {
		t.Errorf("without a configured token: %d %s", resp.StatusCode, body)
	}
	on := httptest.NewServer(Handler(Config{Store: s, Limits: DefaultLimits, Admin: AdminToken("s3cret")}))
	defer on.Close()
	for _, tok := range []string{"", "wrong", "s3cre"} {
		if resp, _ := getBackup(t, on, tok, 0); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("token %q: status %d, want 401", tok, resp.StatusCode)
		}
	}
	// A bad version is refused in the same JSON shape as every refusal.
	req, _ := http.NewRequest(http.MethodGet, on.URL+"/admin/backup?since=yesterday", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err := on.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusBadRequest || len(out.Errors) != 1 ||
		out.Errors[0].Extensions.Code != apierr.Validation || !strings.Contains(out.Errors[0].Message, `since: "yesterday" is not a version`) {
		t.Errorf("since=yesterday: %d %+v %v", resp.StatusCode, out, err)
	}
}

// A backup taken while writes continue (through the upsertIncident
// mutation, as clients make them) holds every write acknowledged before it
// started; a later incremental one holds the rest; both restore into a
// store that passes check. internal/crashtest does the same with the real
// attrib serve, backup and restore processes.
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
	tokens, err := auth.Parse(strings.NewReader("writer:editor:" + writerToken))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(Handler(Config{Store: s, Limits: DefaultLimits, Admin: AdminToken("tok"), Tokens: tokens}))
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
			if err := writeMarker(ts, i); err != nil {
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

const writerToken = "tok-backup-writer-6c1f0e9b2a7d"

// writeMarker writes Incident w<i> through the upsertIncident mutation,
// citing the seeded article; nil means the server acknowledged it.
func writeMarker(ts *httptest.Server, i int) error {
	key := fmt.Sprintf("w%06d", i)
	r, err := gqltest.Send(ts.Client(), ts.URL+"/graphql", gqltest.Request{
		Query: `mutation($in: IncidentInput!) { upsertIncident(input: $in) { id } }`,
		Variables: map[string]any{"in": map[string]any{
			"key": key, "nameEn": key, "kind": "CYBERATTACK", "date": "2022-07-15",
			"cite": []map[string]any{{"document": store.NodeID("Document", "000_ee0890f214b0197b"), "exact": "(فرانس برس، رويترز، الأناضول)"}},
		}},
		Token: writerToken,
	})
	if err != nil {
		return err
	}
	var out struct{ UpsertIncident *struct{ ID string } }
	if err := r.Err(&out); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	if out.UpsertIncident == nil {
		return fmt.Errorf("write %s: no incident in %s", key, r.Body)
	}
	return nil
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
