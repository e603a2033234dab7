package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real binary seeds an empty data directory, says where it is, serves,
// and on SIGTERM stops cleanly.
func TestServeSeedsAndStopsOnSIGTERM(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "attrib")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log strings.Builder
	urlRe := regexp.MustCompile(`graphql=(http://\S+)/graphql`)
	var base string
	deadline := time.After(30 * time.Second)
	for base == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server exited:\n%s", log.String())
			}
			log.WriteString(l + "\n")
			if m := urlRe.FindStringSubmatch(l); m != nil {
				base = m[1]
			}
		case <-deadline:
			t.Fatalf("server did not start:\n%s", log.String())
		}
	}
	if !strings.Contains(log.String(), "data="+data) {
		t.Errorf("start-up log does not name the data directory:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "seeded empty data directory") {
		t.Errorf("empty data directory was not seeded:\n%s", log.String())
	}
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ state(code: \"AL\") { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Albania") {
		t.Fatalf("query answered %s", body)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for l := range lines {
		log.WriteString(l + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "msg=stopped") {
		t.Errorf("no shutdown log line:\n%s", log.String())
	}
}
