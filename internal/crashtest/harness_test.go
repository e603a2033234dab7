package crashtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// childEnv, when set, makes the test binary a server over that data
// directory instead of running tests (see TestMain).
const childEnv = "ATTRIB_CRASHTEST_SERVER"

// markerType is the node type the writers create.
const markerType = "Incident"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		if err := serveChild(dir); err != nil {
			fmt.Fprintln(os.Stderr, "crashtest server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveChild is the server process under test: the production HTTP
// surface over a store in dir, plus POST /crashtest/write, which commits
// one marker node and answers 200 only after the commit is synced.
//
// MERGE: once the createIncident mutation exists, startServer should run
// the built `attrib serve --data DIR --addr 127.0.0.1:0` instead of this
// process, write should call that mutation, and this function and its
// endpoint go away. Nothing else in the harness changes.
func serveChild(dir string) error {
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := seed.Default()
	if err != nil {
		return err
	}
	if _, err := seed.Load(s, b); err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", server.Handler(server.Config{Store: s, Limits: graph.DefaultLimits}))
	mux.HandleFunc("POST /crashtest/write", func(w http.ResponseWriter, r *http.Request) {
		marker := r.URL.Query().Get("marker")
		err := s.Update(func(tx *store.Txn) error {
			_, err := tx.PutNode(&store.Node{ID: store.NodeID(markerType, marker), Type: markerType,
				Props: store.Props{"name": marker}, Meta: store.Meta{CreatedBy: "crashtest"}})
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Printf("listening %s\n", ln.Addr())
	return server.Serve(context.Background(), ln, mux, time.Second)
}

// write performs one acknowledged write of marker: nil means the server
// confirmed it durable.
func write(ctx context.Context, c *http.Client, base, marker string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/crashtest/write?marker="+marker, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("write %s: %s", marker, resp.Status)
	}
	return nil
}

// proc is a running server process.
type proc struct {
	cmd  *exec.Cmd
	base string // http://host:port
}

// startServer starts a server over dir and waits until it answers
// /healthz; it returns how long that took.
func startServer(t *testing.T, dir string) (*proc, time.Duration) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() {
		cmd.Wait()
		t.Fatalf("server did not start: %s", stderr.String())
	}
	addr, ok := strings.CutPrefix(lines.Text(), "listening ")
	if !ok {
		t.Fatalf("unexpected server output %q", lines.Text())
	}
	p := &proc{cmd: cmd, base: "http://" + addr}
	for {
		resp, err := http.Get(p.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p, time.Since(start)
			}
		}
		if time.Since(start) > 30*time.Second {
			p.kill()
			t.Fatalf("server not healthy after 30s: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// kill SIGKILLs the server: no drain, no close, no flush.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
}

// ledger is what clients know was acknowledged, and what they sent.
type ledger struct {
	mu    sync.Mutex
	acked map[string]bool
	sent  map[string]bool
}

func newLedger() *ledger { return &ledger{acked: map[string]bool{}, sent: map[string]bool{}} }

// runWriters runs n clients writing unique markers until the server dies
// or ctx ends; each marker is logged as acknowledged only after its write
// returned success.
func runWriters(ctx context.Context, base string, n int, cycle int, l *ledger) *sync.WaitGroup {
	var wg sync.WaitGroup
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for i := 0; ctx.Err() == nil; i++ {
				m := fmt.Sprintf("c%d-k%d-w%d", cycle, c, i)
				l.mu.Lock()
				l.sent[m] = true
				l.mu.Unlock()
				if err := write(ctx, client, base, m); err != nil {
					return // the server is gone (or going)
				}
				l.mu.Lock()
				l.acked[m] = true
				l.mu.Unlock()
			}
		}()
	}
	return &wg
}

// census counts, in the store at dir, the marker nodes by name.
func census(t *testing.T, dir string) map[string]int {
	t.Helper()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatalf("store does not open after the crash: %v", err)
	}
	defer s.Close()
	seen := map[string]int{}
	err = s.View(func(tx *store.Txn) error {
		return tx.ScanNodes(func(_ string, n *store.Node) error {
			if n.CreatedBy == "crashtest" {
				seen[n.Props.String("name")]++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return seen
}

// buildAttrib builds cmd/attrib once per test binary run.
var buildAttrib = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "attrib-crashtest-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "attrib")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/attrib/attrib/cmd/attrib").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build attrib: %v: %s", err, out)
	}
	return bin, nil
})

// attribCheck runs the real `attrib check` on dir.
func attribCheck(t *testing.T, dir string) string {
	t.Helper()
	bin, err := buildAttrib()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "check", "--data", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("attrib check fails after the crash: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}
