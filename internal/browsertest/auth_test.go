package browsertest

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// TestGraphiQLSendsAuthorizationHeader opens the real playground with an
// Authorization header in its headers editor (GraphiQL keeps the editor's
// content in the URL's headers parameter) and checks that the server saw
// the token: `me` answers with the token's principal.
func TestGraphiQLSendsAuthorizationHeader(t *testing.T) {
	RequireChromium(t)
	requireAssets(t)
	const token = "tok-browser-editor-3b9d7e1f"
	tokens, err := auth.Parse(strings.NewReader("alice:editor:" + token))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits, Tokens: tokens}))
	defer srv.Close()

	headers, _ := json.Marshal(map[string]string{"Authorization": "Bearer " + token})
	page := srv.URL + "/?query=" + url.QueryEscape("{ me { name role } }") + "&headers=" + url.QueryEscape(string(headers))
	result := RunGraphiQL(t, page)
	var got struct {
		Data struct{ Me struct{ Name, Role string } } `json:"data"`
	}
	if err := json.Unmarshal([]byte(result), &got); err != nil || got.Data.Me.Name != "alice" || got.Data.Me.Role != "editor" {
		t.Fatalf("result pane = %q (%v), want me = alice, editor", result, err)
	}
}
