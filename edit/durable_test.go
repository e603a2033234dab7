package edit

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/store"
)

// crashEnv makes the test binary act as a writer that is killed right
// after its write is acknowledged.
const crashEnv = "ATTRIB_EDIT_CRASH_DIR"

// TestAcknowledgedWriteSurvivesACrash runs a writer in a child process,
// kills it with SIGKILL as soon as it reports an acknowledged write (no
// Close, no flush), and reopens the data directory. This covers a crash
// of the process; surviving a power loss rests on the store's SyncWrites
// (an fsync per commit), which a test cannot cut the power to check.
func TestAcknowledgedWriteSurvivesACrash(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashingWriter$")
	cmd.Env = append(os.Environ(), crashEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var id string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			id = v
			break
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if id == "" {
		t.Fatal("the writer acknowledged nothing")
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(tx *store.Txn) error {
		n, err := tx.Node(id)
		if err != nil {
			return err
		}
		if n.CreatedBy != "alice" {
			return fmt.Errorf("node %s written by %q", id, n.CreatedBy)
		}
		count, err := tx.ChangeCount()
		if err == nil && count != 1 {
			err = fmt.Errorf("%d changes after the crash, want 1", count)
		}
		return err
	})
	if err != nil {
		t.Fatalf("acknowledged write lost in the crash: %v", err)
	}
}

// TestCrashingWriter is the child of TestAcknowledgedWriteSurvivesACrash.
func TestCrashingWriter(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		return // only runs as the child process
	}
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := New(s).AddDocument(auth.Principal{Name: "alice", Role: auth.Editor},
		Document{Title: "t", Text: "An acknowledged write.", Language: "en"}, Opts{})
	if err != nil {
		t.Fatalf("write: %+v %v", res, err)
	}
	fmt.Printf("ack %s\n", res.ID)
	os.Stdout.Sync()
	time.Sleep(time.Minute) // wait to be killed, the store still open
}
