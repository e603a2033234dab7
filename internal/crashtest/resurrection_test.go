package crashtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/attrib/attrib/store"
)

// seededAttribution is the seed's claim by the United Kingdom; only an
// admin may retract it.
var seededAttribution = store.NodeID("Attribution", "gb-blames-ir")

// word spells i in letters after prefix, so that search sees one token
// (no digits for an analyser to split off) unique to the fact.
func word(prefix string, i int) string {
	s := ""
	for {
		s = string(rune('a'+i%26)) + s
		i /= 26
		if i == 0 {
			return prefix + s
		}
	}
}

// TestNoResurrectionThroughQueriesAndExports retracts many facts through
// the real retract mutation (incidents whose records are big enough for
// the value log, documents, and a seeded claim), stops the server, runs
// value-log GC and a full compaction, and restarts it. No retracted fact
// may then show in a list, node, nodes, search or the /export files
// (native and STIX), while @withRetracted (lists, node) and
// includeRetracted=true (exports) still show every one of them, flagged;
// facts never retracted stay visible and searchable.
func TestNoResurrectionThroughQueriesAndExports(t *testing.T) {
	const (
		goneIncidents = 100
		goneDocs      = 20
		kept          = 5
	)
	dir := filepath.Join(t.TempDir(), "data")
	p, _ := startServer(t, dir)
	ctx := context.Background()
	c := &http.Client{}
	must := func(token, q string, vars map[string]any, out any) {
		t.Helper()
		if err := gql(ctx, c, p.base, token, q, vars, out); err != nil {
			t.Fatal(err)
		}
	}

	// A padded Arabic name (1,900 code points, 3,800 bytes) puts each
	// incident record over the 4 KB value threshold.
	pad := strings.Repeat("ب", 1900)
	addIncident := func(name string) string {
		var out struct{ UpsertIncident struct{ ID string } }
		must(writerToken, `mutation($in: IncidentInput!) { upsertIncident(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"key": name, "nameEn": name, "nameAr": pad, "kind": "CYBERATTACK", "date": "2022-07-15",
			"cite": []map[string]any{{"document": article, "exact": quote}},
		}}, &out)
		return out.UpsertIncident.ID
	}
	addDoc := func(name string) string {
		var out struct{ AddDocument struct{ ID string } }
		text := name + " report.\n\n" + strings.Repeat("An analyst's notes on the incident, kept for the record. ", 150) + name
		must(writerToken, `mutation($in: DocumentInput!) { addDocument(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"key": name, "title": name + " report", "text": text, "language": "en",
		}}, &out)
		return out.AddDocument.ID
	}
	gone := map[string]string{} // ID -> distinctive word
	keep := map[string]string{}
	for i := range goneIncidents {
		w := word("zqxgoneinc", i)
		gone[addIncident(w)] = w
	}
	for i := range goneDocs {
		w := word("zqxgonedoc", i)
		gone[addDoc(w)] = w
	}
	for i := range kept {
		w := word("zqxkeptinc", i)
		keep[addIncident(w)] = w
		w = word("zqxkeptdoc", i)
		keep[addDoc(w)] = w
	}
	const retract = `mutation($id: ID!) { retract(id: $id, reason: "misread") { op } }`
	for id := range gone {
		must(writerToken, retract, map[string]any{"id": id}, nil)
	}
	must(adminToken, retract, map[string]any{"id": seededAttribution}, nil)
	gone[seededAttribution] = ""

	// Stop, reclaim and compact, restart.
	p.stop(t)
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rewritten, err := s.CollectGarbage()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Flatten(2); err != nil {
		t.Fatal(err)
	}
	again, err := s.CollectGarbage()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	p, took := startServer(t, dir)
	defer p.kill()

	// Lists, node and nodes.
	listed := func(withRetracted bool) map[string]bool {
		dir := ""
		if withRetracted {
			dir = " @withRetracted"
		}
		ids := map[string]bool{}
		for _, list := range []string{"incidents", "documents", "attributions"} {
			var after any
			for {
				var out map[string]struct {
					Edges []struct {
						Node struct {
							ID        string
							Retracted *struct{ Reason string }
						}
					}
					PageInfo struct {
						HasNextPage bool
						EndCursor   string
					}
				}
				q := fmt.Sprintf(`query($after: String)%s { l: %s(first: 100, after: $after) {
  edges { node { id retracted { reason } } } pageInfo { hasNextPage endCursor } } }`, dir, list)
				must("", q, map[string]any{"after": after}, &out)
				for _, e := range out["l"].Edges {
					ids[e.Node.ID] = true
					if _, isGone := gone[e.Node.ID]; (e.Node.Retracted != nil) != isGone {
						t.Errorf("%s lists %s with retracted=%+v", list, e.Node.ID, e.Node.Retracted)
					}
				}
				if !out["l"].PageInfo.HasNextPage {
					break
				}
				after = out["l"].PageInfo.EndCursor
			}
		}
		return ids
	}
	plain, flagged := listed(false), listed(true)
	for id := range gone {
		if plain[id] {
			t.Errorf("retracted %s %s is listed again", id, gone[id])
		}
		if !flagged[id] {
			t.Errorf("@withRetracted does not list retracted %s %s", id, gone[id])
		}
	}
	for id, w := range keep {
		if !plain[id] {
			t.Errorf("%s %s, never retracted, is not listed", id, w)
		}
	}
	var goneIDs []string
	for id := range gone {
		goneIDs = append(goneIDs, id)
	}
	var nodes struct{ Nodes []*struct{ ID string } }
	must("", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": goneIDs}, &nodes)
	for i, n := range nodes.Nodes {
		if n != nil {
			t.Errorf("nodes() returns retracted %s", goneIDs[i])
		}
	}
	const nodeQ = `query($id: ID!) { node(id: $id) { id ... on Audited { retracted { reason } } } }`
	for _, id := range []string{goneIDs[0], seededAttribution} {
		var out struct{ Node *struct{ ID string } }
		must("", nodeQ, map[string]any{"id": id}, &out)
		if out.Node != nil {
			t.Errorf("node() returns retracted %s", id)
		}
		var flaggedOut struct {
			Node *struct {
				ID        string
				Retracted *struct{ Reason string }
			}
		}
		must("", strings.Replace(nodeQ, "query($id: ID!)", "query($id: ID!) @withRetracted", 1), map[string]any{"id": id}, &flaggedOut)
		if flaggedOut.Node == nil || flaggedOut.Node.Retracted == nil || flaggedOut.Node.Retracted.Reason != "misread" {
			t.Errorf("node() @withRetracted of %s: %+v", id, flaggedOut.Node)
		}
	}

	// Search, by each fact's own word; the kept facts show that the same
	// kind of word is found.
	found := func(w string) int {
		var out struct{ Search struct{ TotalCount int } }
		must("", `query($q: String!) { search(query: $q) { totalCount } }`, map[string]any{"q": w}, &out)
		return out.Search.TotalCount
	}
	for id, w := range keep {
		if found(w) == 0 {
			t.Errorf("search does not find %s (%s), never retracted", w, id)
		}
	}
	for id, w := range gone {
		if w != "" && found(w) != 0 {
			t.Errorf("search finds retracted %s (%s)", w, id)
		}
	}
	// Search leaves retracted facts out even under @withRetracted: its
	// index holds live facts only (docs/operations.md).

	// Exports of the whole graph, native and STIX.
	export := func(format string, withRetracted bool) string {
		u := p.base + "/export?format=" + format
		if withRetracted {
			u += "&includeRetracted=true"
		}
		// Asking for retracted facts needs an editor; plain exports are
		// anonymous on loopback.
		token := ""
		if withRetracted {
			token = writerToken
		}
		resp, body := httpGet(t, u, token)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
		}
		return body
	}
	for _, format := range []string{"native", "stix21"} {
		body := export(format, false)
		for id, w := range gone {
			if strings.Contains(body, `"`+id+`"`) || (w != "" && strings.Contains(body, w)) {
				t.Errorf("%s export holds retracted %s %s", format, id, w)
			}
		}
		for id := range keep {
			if !strings.Contains(body, `"`+id+`"`) {
				t.Errorf("%s export lacks %s, never retracted", format, id)
			}
		}
	}
	var native struct {
		Nodes, Documents []struct {
			ID         string
			Retraction *struct{ Reason string }
		}
	}
	if err := json.Unmarshal([]byte(export("native", true)), &native); err != nil {
		t.Fatal(err)
	}
	shown := map[string]bool{}
	for _, r := range append(native.Nodes, native.Documents...) {
		if _, ok := gone[r.ID]; ok {
			shown[r.ID] = true
			if r.Retraction == nil || r.Retraction.Reason != "misread" {
				t.Errorf("native export with includeRetracted shows %s without its retraction", r.ID)
			}
		}
	}
	if len(shown) != len(gone) {
		t.Errorf("native export with includeRetracted shows %d of %d retracted facts", len(shown), len(gone))
	}
	stix := export("stix21", true)
	if n := strings.Count(stix, `"revoked": true`) + strings.Count(stix, `"revoked":true`); n < len(gone) {
		t.Errorf("STIX export with includeRetracted marks %d objects revoked, want at least %d", n, len(gone))
	}

	p.stop(t)
	summary := attribCheck(t, dir)
	if t.Failed() {
		return
	}
	t.Logf("no resurrection: %d facts retracted by mutation; GC rewrote %d+%d value-log files around a full compaction; restart %v; none shown in lists, node(s), search or exports, all shown flagged on request; check: %s",
		len(gone), rewritten, again, took.Round(time.Millisecond), summary[strings.LastIndex(summary, "\n")+1:])
}

// stop sends SIGTERM and waits for a clean exit, which releases the data
// directory.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("attrib serve exited with %v after SIGTERM:\n%s", err, p.log)
	}
	<-p.done
}

// httpGet fetches u, with token as a bearer token unless it is empty, and returns
// the response with its body read.
func httpGet(t *testing.T, u, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}
