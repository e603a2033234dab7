package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// hiddenQuote is a sentence of the AMBER article that a CLEAR fact cites,
// as data imported from elsewhere can: the citation must not carry the
// sentence to anyone who may not read the article.
const hiddenQuote = "Tehran rejected the accusation."

// marked is a server holding, besides the seed, an AMBER article, an AMBER
// attribution citing it, and a CLEAR fact (the seeded incident) with a
// citation into the AMBER article; with a search index.
type marked struct {
	*env
	doc, attribution string
	index            *search.Index
}

func newMarked(t *testing.T, readsNeedToken bool) *marked {
	t.Helper()
	e := newEnv(t, readsNeedToken)
	var d struct{ AddDocument struct{ ID string } }
	e.must(aliceToken, addDocument, map[string]any{"marking": "AMBER", "in": map[string]any{
		"title": "UK blames Iran for Albania cyberattack", "text": article, "language": "en", "published": "2022-09-08"}}, &d)
	var a struct{ AddAttribution struct{ ID string } }
	e.must(aliceToken, `mutation($in: AttributionInput!) { addAttribution(input: $in, marking: "AMBER") { id } }`,
		map[string]any{"in": attributionInput(d.AddDocument.ID)}, &a)
	start := utf8.RuneCountInString(article[:strings.Index(article, hiddenQuote)])
	err := e.store.Update(func(tx *store.Txn) error {
		n, err := tx.Node(incident)
		if err != nil {
			return err
		}
		n.Citations = append(n.Citations, store.Citation{Document: d.AddDocument.ID, Exact: hiddenQuote,
			Start: start, End: start + utf8.RuneCountInString(hiddenQuote)})
		_, err = tx.PutNode(n)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	x, err := search.Open(filepath.Join(t.TempDir(), "search.bleve"), e.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	tokens, err := auth.Parse(strings.NewReader(tokenFile))
	if err != nil {
		t.Fatal(err)
	}
	// Serve the same store again, now with the index.
	e.srv.Config.Handler = server.Handler(server.Config{Store: e.store, Index: x, Limits: server.DefaultLimits,
		Tokens: tokens, ReadsNeedToken: readsNeedToken, Admin: server.AdminToken(legacyAdmin)})
	return &marked{env: e, doc: d.AddDocument.ID, attribution: a.AddAttribution.ID, index: x}
}

// legacyAdmin is the ATTRIB_ADMIN_TOKEN of the marked server.
const legacyAdmin = "tok-legacy-admin-3c5e7a9b1d2f"

// fetch GETs path with token ("" for none).
func (e *env) fetch(token, path string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// secrets are strings only a reader cleared for AMBER may see in an export.
func (m *marked) secrets() []string {
	return []string{"AMBER", m.doc, m.attribution, hiddenQuote, "Foreign Office"}
}

func TestExportAppliesTheTokenRulesOfGraphQL(t *testing.T) {
	open := newMarked(t, false)
	closed := newMarked(t, true)
	cases := []struct {
		name   string
		e      *marked
		token  string
		status int
	}{
		{"anonymous where reads are anonymous", open, "", 200},
		{"unknown token where reads are anonymous", open, badToken, 401},
		{"anonymous where reads need a token", closed, "", 401},
		{"unknown token where reads need a token", closed, badToken, 401},
		{"reader where reads need a token", closed, readerToken, 200},
	}
	for _, c := range cases {
		status, body := c.e.fetch(c.token, "/export?root="+url.QueryEscape(incident))
		if status != c.status {
			t.Errorf("%s: %d %.200s; want %d", c.name, status, body, c.status)
		}
		if status == 401 && !strings.Contains(body, "UNAUTHENTICATED") {
			t.Errorf("%s: 401 without the code: %s", c.name, body)
		}
	}
}

func TestExportsHoldOnlyWhatTheReaderMaySee(t *testing.T) {
	m := newMarked(t, false)
	root := url.QueryEscape(incident)
	for _, f := range export.Formats {
		for _, token := range []string{"", readerToken} {
			for _, q := range []string{"?root=" + root + "&depth=2", "?"} {
				status, body := m.fetch(token, "/export"+q+"&format="+string(f))
				if status != 200 {
					t.Fatalf("%s %s: %d %s", f, q, status, body)
				}
				for _, s := range m.secrets() {
					if strings.Contains(body, s) {
						t.Errorf("GET /export%s&format=%s as %q holds %q", q, f, token, s)
					}
				}
			}
		}
		// An editor gets it all, each record with its marking.
		status, body := m.fetch(bobToken, "/export?root="+root+"&depth=2&format="+string(f))
		if status != 200 {
			t.Fatalf("%s as editor: %d %s", f, status, body)
		}
		for _, s := range []string{"AMBER", hiddenQuote, "Foreign Office"} {
			if !strings.Contains(body, s) {
				t.Errorf("editor's %s export lacks %q", f, s)
			}
		}
	}
	// The AMBER article as a root is, to a reader, not there.
	if status, body := m.fetch(readerToken, "/export?root="+url.QueryEscape(m.doc)); status != 404 {
		t.Errorf("reader exporting from the AMBER article: %d %s", status, body)
	}
}

func TestExportSubgraphAndSubgraphFilterByMarking(t *testing.T) {
	m := newMarked(t, false)
	q := `query($root: ID!, $f: ExportFormat) { exportSubgraph(root: $root, depth: 2, format: $f)
	  subgraph(root: $root, depth: 2) { nodes { id } documents { id } } }`
	for _, f := range []string{"NATIVE", "STIX21", "JGF", "CYTOSCAPE"} {
		var out struct {
			ExportSubgraph string
			Subgraph       json.RawMessage
		}
		m.must(readerToken, q, map[string]any{"root": incident, "f": f}, &out)
		for _, s := range m.secrets() {
			if strings.Contains(out.ExportSubgraph, s) || strings.Contains(string(out.Subgraph), s) {
				t.Errorf("reader's %s exportSubgraph or subgraph holds %q", f, s)
			}
		}
		m.must(bobToken, q, map[string]any{"root": incident, "f": f}, &out)
		if !strings.Contains(out.ExportSubgraph, "AMBER") || !strings.Contains(string(out.Subgraph), m.attribution) {
			t.Errorf("editor's %s export lacks the AMBER records", f)
		}
	}
}

// The walk skips what the reader may not see before the node cap counts,
// so the smallest cap a reader's subgraph fits in is smaller than an
// editor's: the AMBER attribution is counted for the editor only.
func TestSubgraphCapCountsOnlyVisibleNodes(t *testing.T) {
	m := newMarked(t, false)
	tokens, err := auth.Parse(strings.NewReader(tokenFile))
	if err != nil {
		t.Fatal(err)
	}
	smallestCap := func(token string) int {
		for limit := 1; limit <= 200; limit++ {
			lim := server.DefaultLimits
			lim.MaxNodes = limit
			m.srv.Config.Handler = server.Handler(server.Config{Store: m.store, Limits: lim, Tokens: tokens})
			r := m.gql(token, `query($root: ID!) { subgraph(root: $root, depth: 1) { nodes { id } } }`, map[string]any{"root": incident})
			if len(r.Errors) == 0 {
				return limit
			}
		}
		t.Fatal("no cap up to 200 fits")
		return 0
	}
	if r, e := smallestCap(readerToken), smallestCap(bobToken); r >= e {
		t.Errorf("smallest cap: reader %d, editor %d; the reader's walk counts what they may not see", r, e)
	}
}

func TestRetractedFactsInExportsNeedAnEditor(t *testing.T) {
	m := newEnv(t, false)
	var r struct{ AddResponse struct{ ID string } }
	doc := m.addArticle()
	m.must(aliceToken, addResponse, map[string]any{"in": responseInput(doc)}, &r)
	m.must(aliceToken, `mutation($id: ID!) { retract(id: $id, reason: "wrong date") { seq } }`, map[string]any{"id": r.AddResponse.ID}, nil)
	path := "/export?root=" + url.QueryEscape(incident) + "&depth=1&includeRetracted=true"
	for _, token := range []string{"", readerToken} {
		status, body := m.fetch(token, path)
		if status != 403 || !strings.Contains(body, "editor role") || !strings.Contains(body, apierr.Forbidden) {
			t.Errorf("includeRetracted as %q: %d %s", token, status, body)
		}
		g := m.gql(token, `query($root: ID!) { exportSubgraph(root: $root, includeRetracted: true) }`, map[string]any{"root": incident})
		if g.Code() != apierr.Forbidden {
			t.Errorf("exportSubgraph includeRetracted as %q: %s", token, g.Body)
		}
	}
	status, body := m.fetch(bobToken, path)
	if status != 200 || !strings.Contains(body, "wrong date") {
		t.Errorf("editor with includeRetracted: %d, retraction shown: %v", status, strings.Contains(body, "wrong date"))
	}
	if _, body := m.fetch(bobToken, "/export?root="+url.QueryEscape(incident)+"&depth=1"); strings.Contains(body, "wrong date") {
		t.Error("retracted response exported without includeRetracted")
	}
}

func TestSearchHidesWhatTheReaderMayNotSee(t *testing.T) {
	m := newMarked(t, false)
	q := `query($q: String!) { search(query: $q) { totalCount edges { snippet highlights { start end } document { id } node { ... on Document { id } ... on Incident { id } } } } }`
	type result struct {
		Search struct {
			TotalCount int
			Edges      []struct {
				Snippet    string
				Highlights []struct{ Start, End int }
				Document   *struct{ ID string }
			}
		}
	}
	for _, token := range []string{"", readerToken} {
		var out result
		m.must(token, q, map[string]any{"q": "rejected"}, &out)
		if out.Search.TotalCount != 0 || len(out.Search.Edges) != 0 {
			t.Errorf("search as %q finds text of the AMBER article: %+v", token, out.Search)
		}
	}
	var out result
	m.must(bobToken, q, map[string]any{"q": "rejected"}, &out)
	if out.Search.TotalCount < 2 {
		t.Fatalf("editor finds %d hits, want the article and the incident citing it", out.Search.TotalCount)
	}
	found := false
	for _, e := range out.Search.Edges {
		for _, h := range e.Highlights {
			found = found || string([]rune(e.Snippet)[h.Start:h.End]) == "rejected"
		}
	}
	if !found {
		t.Errorf("editor's snippets lack the match: %+v", out.Search.Edges)
	}
	// The incident still shows for a reader who searches its own words,
	// with a snippet from what they may see.
	m.must(readerToken, q, map[string]any{"q": "Albania"}, &out)
	for _, e := range out.Search.Edges {
		if strings.Contains(e.Snippet, "rejected") || (e.Document != nil && e.Document.ID == m.doc) {
			t.Errorf("reader's snippet comes from the AMBER article: %+v", e)
		}
	}
	if out.Search.TotalCount == 0 {
		t.Error("reader finds nothing for Albania")
	}
}

func TestBackupAcceptsAdminTokensOfTheTokenSet(t *testing.T) {
	m := newMarked(t, false)
	cases := []struct {
		token  string
		status int
	}{
		{adminToken, 200},
		{legacyAdmin, 200},
		{readerToken, 403},
		{aliceToken, 403},
		{badToken, 401},
		{"", 401},
	}
	for _, c := range cases {
		status, body := m.fetch(c.token, "/admin/backup?since=0")
		if status != c.status {
			t.Errorf("backup with %q: %d %.200s; want %d", c.token, status, body, c.status)
			continue
		}
		if status != 200 && !strings.Contains(body, `"code":"AUTH"`) {
			t.Errorf("backup with %q: %s lacks code AUTH", c.token, body)
		}
		if strings.Contains(body, c.token) && c.token != "" && status != 200 {
			t.Errorf("the refusal echoes the token: %s", body)
		}
	}
}

// importFile is a native export of one document marked marking and
// written by bob, made in a store of its own; change, when set, alters the
// store before the export.
func importFile(t *testing.T, key, marking string, change ...func(*store.Txn) error) string {
	t.Helper()
	s, err := store.Open("", store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bob := auth.Principal{Name: "bob", Role: auth.Admin}
	if _, err := edit.New(s).AddDocument(bob, edit.Document{Key: key, Title: "imported", Text: "An imported note about Albania.", Language: "en"},
		edit.Opts{Marking: marking}); err != nil {
		t.Fatal(err)
	}
	for _, c := range change {
		if err := s.Update(c); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	if err := export.Write(view.New(s, view.Scope{Clearance: "RED"}), subgraph.Request{}, export.Native, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestImportNeedsAnEditorWithinTheirClearance(t *testing.T) {
	e := newEnv(t, false)
	q := `mutation($data: String!) { importGraph(data: $data) { written document { id } } }`
	file := importFile(t, "note-1", "")
	for _, token := range []string{"", readerToken} {
		if r := e.gql(token, q, map[string]any{"data": file}); r.Code() != apierr.Forbidden || !strings.Contains(r.Body, "editor role") {
			t.Errorf("import as %q: %s", token, r.Body)
		}
	}
	id := store.NodeID("Document", "note-1")
	createdBy := func() string {
		var n struct{ Node *struct{ CreatedBy string } }
		e.must(adminToken, `query($id: ID!) { node(id: $id) { ... on Document { createdBy } } }`, map[string]any{"id": id}, &n)
		if n.Node == nil {
			return ""
		}
		return n.Node.CreatedBy
	}
	if got := createdBy(); got != "" {
		t.Fatalf("a refused import wrote the document (by %q)", got)
	}
	e.must(aliceToken, q, map[string]any{"data": file}, nil)
	if got := createdBy(); got != "alice" {
		t.Errorf("an editor's import is credited to %q, want alice (the file's bob is not trusted)", got)
	}
	// An admin's import keeps the authors the file names.
	e.must(adminToken, q, map[string]any{"data": importFile(t, "note-2", "")}, nil)
	var n struct{ Node struct{ CreatedBy string } }
	e.must(adminToken, `query($id: ID!) { node(id: $id) { ... on Document { createdBy } } }`, map[string]any{"id": store.NodeID("Document", "note-2")}, &n)
	if n.Node.CreatedBy != "bob" {
		t.Errorf("an admin's import is credited to %q, want the file's bob", n.Node.CreatedBy)
	}
	// Nothing above the editor's clearance, whether new or by overwriting.
	r := e.gql(aliceToken, q, map[string]any{"data": importFile(t, "note-3", "RED")})
	if r.Code() != apierr.Validation || !strings.Contains(r.Body, "RED") {
		t.Errorf("editor importing a RED record: %s", r.Body)
	}
	e.must(adminToken, q, map[string]any{"data": importFile(t, "note-4", "RED")}, nil)
	downgraded := strings.Replace(importFile(t, "note-4", ""), `"imported"`, `"declassified"`, 1)
	if r := e.gql(aliceToken, q, map[string]any{"data": downgraded}); r.Code() != apierr.Validation {
		t.Errorf("editor overwriting a RED record with a CLEAR one: %s", r.Body)
	}
	// Nor a CLEAR record quoting an AMBER document.
	leaky := importFile(t, "note-5", "AMBER", func(tx *store.Txn) error {
		amber, err := tx.Node(store.NodeID("Document", "note-5"))
		if err != nil {
			return err
		}
		clear := *amber
		clear.ID, clear.Marking = store.NodeID("Document", "note-6"), ""
		clear.Citations = append([]store.Citation{}, amber.Citations...)
		clear.Citations[0].Document = clear.ID
		clear.Citations = append(clear.Citations, amber.Citations[0])
		_, err = tx.PutNode(&clear)
		return err
	})
	if r := e.gql(aliceToken, q, map[string]any{"data": leaky}); r.Code() != apierr.Validation || !strings.Contains(r.Body, "mark it at least AMBER") {
		t.Errorf("editor importing a CLEAR record citing an AMBER document: %s", r.Body)
	}
	var red struct {
		Node struct{ Title, Marking string }
	}
	e.must(adminToken, `query($id: ID!) { node(id: $id) { ... on Document { title marking } } }`, map[string]any{"id": store.NodeID("Document", "note-4")}, &red)
	if red.Node.Marking != "RED" || red.Node.Title != "imported" {
		t.Errorf("the RED record after a refused overwrite: %+v", red.Node)
	}
}

// Without an admin in the token set, ATTRIB_ADMIN_TOKEN alone opens
// backups, a reader's token is still told it lacks the role, and with no
// admin credential at all the endpoint is disabled.
func TestBackupWithoutAdminsInTheTokenSet(t *testing.T) {
	e := newEnv(t, false)
	tokens, err := auth.Parse(strings.NewReader("reader:reader:" + readerToken + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		admin  server.Authorizer
		token  string
		status int
	}{
		{server.AdminToken(legacyAdmin), legacyAdmin, 200},
		{server.AdminToken(legacyAdmin), readerToken, 403},
		{server.AdminToken(legacyAdmin), badToken, 401},
		{nil, readerToken, 403},
		{nil, badToken, 403},
	} {
		e.srv.Config.Handler = server.Handler(server.Config{Store: e.store, Limits: server.DefaultLimits, Tokens: tokens, Admin: c.admin})
		if status, body := e.fetch(c.token, "/admin/backup"); status != c.status {
			t.Errorf("admin %v, token %q: %d %.200s; want %d", c.admin != nil, c.token, status, body, c.status)
		}
	}
}
