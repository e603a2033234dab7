package crashtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncLog collects a process's log lines from a reader goroutine.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveBinary starts the real `attrib serve` on a free port and returns
// its base URL; extra environment entries are added to the process's.
func serveBinary(t *testing.T, dir string, env ...string) (*exec.Cmd, string, *syncLog) {
	t.Helper()
	p, _ := startServer(t, dir, env...)
	return p.cmd, p.base, p.log
}

func run(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	bin, err := buildAttrib()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The real binary end to end: serve with an admin token, take a full and
// an incremental backup, refuse a wrong token, restore into a new
// directory and check it, and stop the server with SIGTERM.
func TestBackupRestoreCheckWithTheBinary(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	cmd, base, log := serveBinary(t, data, "ATTRIB_ADMIN_TOKEN=tok")
	tok := []string{"ATTRIB_ADMIN_TOKEN=tok"}

	full := filepath.Join(tmp, "full.bak")
	out, err := run(t, tok, "backup", "--server", base, "-o", full)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`--since (\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("backup does not print the next --since: %s", out)
	}
	incr := filepath.Join(tmp, "incr.bak")
	if out, err := run(t, tok, "backup", "--server", base, "--since", m[1], "-o", incr); err != nil {
		t.Fatalf("incremental backup: %v\n%s", err, out)
	}
	if out, err := run(t, []string{"ATTRIB_ADMIN_TOKEN=wrong"}, "backup", "--server", base, "-o", filepath.Join(tmp, "x.bak")); err == nil || !strings.Contains(out, "401") {
		t.Errorf("a wrong token was not refused: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(tmp, "x.bak")); err == nil {
		t.Error("a refused backup left a file behind")
	}

	restored := filepath.Join(tmp, "restored")
	out, err = run(t, nil, "restore", "--data", restored, full, incr)
	if err != nil || !strings.Contains(out, "0 problems") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := run(t, nil, "restore", "--data", restored, full); err == nil || !strings.Contains(out, "not empty") {
		t.Errorf("restore over a non-empty directory: %v %s", err, out)
	}
	out, err = run(t, nil, "check", "--data", restored)
	if err != nil || !strings.Contains(out, "0 problems") {
		t.Fatalf("check of the restore: %v\n%s", err, out)
	}
	t.Logf("restored and checked: %s", strings.TrimSpace(out))

	// SIGTERM drains and exits cleanly, releasing the directory.
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, log)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if out, err := run(t, nil, "check", "--data", data); err != nil {
		t.Fatalf("check after a clean stop: %v\n%s", err, out)
	}
}
