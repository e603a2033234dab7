package server_test

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/attrib/attrib/store"
)

// checkedExample is one example of docs/claims.md: a query, its variables
// and the answer the page shows.
type checkedExample struct {
	name, query, vars, answer string
}

// An example is marked <!-- checked: NAME --> and followed by three fenced
// blocks: the graphql query, the json variables and the json answer.
var checkedRE = regexp.MustCompile("(?s)<!-- checked: ([a-z-]+) -->.*?```graphql\n(.*?)```.*?```json\n(.*?)```.*?```json\n(.*?)```")

func checkedExamples(t *testing.T, page string) []checkedExample {
	t.Helper()
	raw, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	var out []checkedExample
	for _, m := range checkedRE.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, checkedExample{m[1], m[2], m[3], m[4]})
	}
	return out
}

// The answers docs/claims.md shows are the server's real answers over the
// seed and the example corpus.
func TestClaimsPageShowsRealAnswers(t *testing.T) {
	ts, _ := newExampleServer(t)
	examples := checkedExamples(t, "../docs/claims.md")
	names := map[string]bool{}
	for _, ex := range examples {
		names[ex.name] = true
		var vars map[string]any
		if err := json.Unmarshal([]byte(ex.vars), &vars); err != nil {
			t.Fatalf("%s: variables: %v", ex.name, err)
		}
		var got json.RawMessage
		query(t, ts, ex.query, vars, &got)
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, got, "", "  "); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(pretty.String()) != strings.TrimSpace(ex.answer) {
			t.Errorf("%s: the page shows another answer than the server gives; the server's:\n%s", ex.name, pretty.String())
		}
	}
	for _, want := range []string{"chain-through-homeland-justice", "direct-claims-denied"} {
		if !names[want] {
			t.Errorf("docs/claims.md has no checked example %s (found %v)", want, names)
		}
	}
	// The variables name the incident, Iran and HomeLand Justice by their IDs.
	for _, id := range []string{exIncident, stateID("IR"), exHLJ} {
		found := false
		for _, ex := range examples {
			found = found || strings.Contains(ex.vars, id)
		}
		if !found {
			t.Errorf("no example's variables name %s", id)
		}
	}
	_ = store.NodeID
}
