package server_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/attrib/attrib/internal/browsertest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/web"
)

// A user opens the playground with no internet, runs the example query and
// sees the attributions with their Arabic quotes.
func TestPlaygroundRunsExampleQueryOffline(t *testing.T) {
	browsertest.RequireChromium(t)
	if !web.AssetsBuilt() {
		if testingCI() {
			t.Fatal("playground assets are not built: run `make assets` (make test does)")
		}
		t.Skip("playground assets are not built; run `make assets`")
	}
	ts := newServer(t)
	result := browsertest.RunGraphiQL(t, ts.URL+"/?query="+url.QueryEscape(server.ExampleQuery))
	for _, want := range []string{`"code": "GB"`, "بصورة شبه مؤكدة", "دليلاً لا لبس فيه", `"band": "UNSTATED"`} {
		if !strings.Contains(result, want) {
			t.Errorf("result pane lacks %s:\n%s", want, result)
		}
	}
}
