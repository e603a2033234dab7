package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// Tokens of the test principals. They are long and unusual so that a leak
// into a log or an error is unmistakable.
const (
	readerToken = "tok-reader-7f3a9c1e5b2d4f60"
	aliceToken  = "tok-alice-editor-91c2e8d7a6b5"
	bobToken    = "tok-bob-editor-0d4e6f8a2c1b"
	adminToken  = "tok-admin-5e7c9a1b3d2f4e6a"
	badToken    = "tok-nobody-ffffffffffffffff"
)

const tokenFile = `# name:role:token
reader:reader:` + readerToken + `
alice:editor:` + aliceToken + `
bob:editor:` + bobToken + `
root:admin:` + adminToken + `
`

// article is the second document, written by the test, in English.
const article = `UK blames Iran for Albania cyberattack and sanctions its spy ministry

London, 8 September 2022. The United Kingdom said on Wednesday that Iran was almost certainly responsible for the July cyberattack on the Albanian government. The Foreign Office also announced a sanction against Iran's Ministry of Intelligence and Security. Tehran rejected the accusation.`

var (
	gb       = store.NodeID("State", "GB")
	ir       = store.NodeID("State", "IR")
	incident = store.NodeID("Incident", "2022-07-15-albania-gov")
)

type env struct {
	t     *testing.T
	store *store.Store
	srv   *httptest.Server
	logs  *syncBuffer
}

// syncBuffer collects log output from concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newEnv serves a seeded store with the test tokens, logging everything
// at debug level into a buffer.
func newEnv(t *testing.T, readsNeedToken bool) *env {
	t.Helper()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := seedtest.Open(t, t.TempDir(), store.Options{Logger: log})
	tokens, err := auth.Parse(strings.NewReader(tokenFile))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.Handler(server.Config{Store: s, Logger: log, Limits: server.DefaultLimits,
		Tokens: tokens, ReadsNeedToken: readsNeedToken}))
	t.Cleanup(srv.Close)
	return &env{t: t, store: s, srv: srv, logs: logs}
}

// gql posts a GraphQL request with token ("" for none).
func (e *env) gql(token, query string, vars map[string]any) *gqltest.Response {
	e.t.Helper()
	return gqltest.Post(e.t, e.srv.URL+"/graphql", gqltest.Request{Query: query, Variables: vars, Token: token})
}

// must posts and fails the test on any error, decoding data into out.
func (e *env) must(token, query string, vars map[string]any, out any) {
	e.t.Helper()
	e.gql(token, query, vars).Must(e.t, out)
}

const addDocument = `mutation($in: DocumentInput!, $key: String, $marking: String) {
  addDocument(input: $in, idempotencyKey: $key, marking: $marking) { id length marking createdBy }
}`

// addArticle adds the test article as alice and returns its ID.
func (e *env) addArticle() string {
	e.t.Helper()
	var out struct{ AddDocument struct{ ID string } }
	e.must(aliceToken, addDocument, map[string]any{"in": map[string]any{
		"title": "UK blames Iran for Albania cyberattack", "text": article, "language": "en", "published": "2022-09-08",
	}}, &out)
	return out.AddDocument.ID
}

const addAttribution = `mutation($in: AttributionInput!) {
  addAttribution(input: $in) { id band confidence createdBy attributor { code } }
}`

const addResponse = `mutation($in: ResponseInput!, $key: String) {
  addResponse(input: $in, idempotencyKey: $key) { id kind createdBy }
}`

func attributionInput(doc string) map[string]any {
	return map[string]any{
		"date": "2022-09-07", "datePrecision": "DAY", "dateInferred": true, "dateBasis": "'on Wednesday' in a text dated 2022-09-08",
		"attributor": gb, "blamed": []string{ir}, "incident": incident, "band": "ALMOST_CERTAIN",
		"certaintyText": "almost certainly", "involvement": []string{"RESPONSIBLE"},
		"cite": []map[string]any{
			{"document": doc, "exact": "Iran was almost certainly responsible for the July cyberattack on the Albanian government"},
		},
	}
}

func responseInput(doc string) map[string]any {
	return map[string]any{
		"date": "2022-09-08", "kind": "SANCTION", "summary": "The UK sanctions Iran's Ministry of Intelligence and Security",
		"actor": gb, "targets": []string{ir}, "incident": incident,
		"cite": []map[string]any{{"document": doc, "exact": "a sanction against Iran's Ministry of Intelligence and Security"}},
	}
}

// verify checks citations read back over the API against the document text.
func verify(t *testing.T, what string, cs []textCitation) {
	t.Helper()
	if len(cs) == 0 {
		t.Fatalf("%s has no citation", what)
	}
	for _, c := range cs {
		if err := cite.Verify(c.Document.Text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
			t.Errorf("%s: citation does not verify: %v", what, err)
		}
		if got := string([]rune(c.Document.Text)[c.Start:c.End]); got != c.Exact {
			t.Errorf("%s: text[%d:%d] = %q, want %q", what, c.Start, c.End, got, c.Exact)
		}
	}
}

type textCitation struct {
	Exact, Prefix, Suffix string
	Start, End            int
	Document              struct{ ID, Text string }
}

const textCitationFields = `citations { exact prefix suffix start end document { id text } }`

func TestAnalystAddsACitedArticleAndRetractsAFact(t *testing.T) {
	e := newEnv(t, false)
	doc := e.addArticle()

	var att struct {
		AddAttribution struct {
			ID, Band, CreatedBy string
			Confidence          int
			Attributor          struct{ Code string }
		}
	}
	e.must(aliceToken, addAttribution, map[string]any{"in": attributionInput(doc)}, &att)
	a := att.AddAttribution
	if a.Band != "ALMOST_CERTAIN" || a.Confidence != 95 || a.CreatedBy != "alice" || a.Attributor.Code != "GB" {
		t.Fatalf("attribution = %+v", a)
	}
	var resp struct{ AddResponse struct{ ID, Kind string } }
	e.must(aliceToken, addResponse, map[string]any{"in": responseInput(doc)}, &resp)
	respID := resp.AddResponse.ID

	// Both read back with citations that verify against the stored text.
	var got struct {
		Nodes []struct {
			Typename  string `json:"__typename"`
			ID        string
			Citations []textCitation
			Links     []struct {
				Type      string
				Citations []textCitation
			}
		}
	}
	e.must("", `query($ids: [ID!]!) { nodes(ids: $ids) { __typename
	  ... on Attribution { id `+textCitationFields+` links(direction: OUT) { type `+textCitationFields+` } }
	  ... on Response { id `+textCitationFields+` links(direction: OUT) { type `+textCitationFields+` } } } }`,
		map[string]any{"ids": []string{a.ID, respID}}, &got)
	if len(got.Nodes) != 2 {
		t.Fatalf("nodes = %+v", got.Nodes)
	}
	for _, n := range got.Nodes {
		verify(t, n.Typename, n.Citations)
		if n.Citations[0].Document.ID != doc {
			t.Errorf("%s cites %s, not the new document", n.Typename, n.Citations[0].Document.ID)
		}
		if len(n.Links) < 3 {
			t.Errorf("%s has links %+v", n.Typename, n.Links)
		}
		for _, l := range n.Links {
			verify(t, n.Typename+" "+l.Type, l.Citations)
		}
	}
	// The UK now has two claims: the seed's and the new one.
	var made struct {
		State struct{ AttributionsMade []struct{ ID string } }
	}
	e.must("", `{ state(code: "GB") { attributionsMade { id } } }`, nil, &made)
	if len(made.State.AttributionsMade) != 2 {
		t.Fatalf("GB attributionsMade = %+v", made.State.AttributionsMade)
	}

	// Retract the response: hidden by default, shown with the flag.
	var ret struct {
		Retract struct{ Op, By, RecordID string }
	}
	e.must(aliceToken, `mutation($id: ID!) { retract(id: $id, reason: "misread: the sanction was announced later") { op by recordId } }`,
		map[string]any{"id": respID}, &ret)
	if ret.Retract.Op != "retract" || ret.Retract.By != "alice" || ret.Retract.RecordID != respID {
		t.Fatalf("retract = %+v", ret.Retract)
	}
	var hidden struct{ Node *struct{ ID string } }
	e.must("", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": respID}, &hidden)
	if hidden.Node != nil {
		t.Fatal("a retracted response is shown without @withRetracted")
	}
	var list struct{ Responses struct{ TotalCount int } }
	e.must("", `query($id: ID!) { responses(actor: $id) { totalCount } }`, map[string]any{"id": gb}, &list)
	before := list.Responses.TotalCount
	e.must("", `query($id: ID!) @withRetracted { responses(actor: $id) { totalCount } }`, map[string]any{"id": gb}, &list)
	if list.Responses.TotalCount != before+1 {
		t.Errorf("@withRetracted shows %d responses of GB, want %d", list.Responses.TotalCount, before+1)
	}
	var shown struct {
		Node struct {
			ID        string
			Retracted *struct{ By, At, Reason string }
			History   []struct {
				Seq                        int
				Op, By, Mutation, RecordID string
				Before, After              *string
			}
		}
	}
	e.must("", `query($id: ID!) @withRetracted { node(id: $id) { ... on Response { id retracted { by at reason }
	  history { seq op by mutation recordId before after } } } }`, map[string]any{"id": respID}, &shown)
	if r := shown.Node.Retracted; r == nil || r.By != "alice" || !strings.Contains(r.Reason, "misread") {
		t.Fatalf("retracted = %+v", r)
	}
	// History: the response created, its four links created, then retracted.
	var ops []string
	for _, h := range shown.Node.History {
		if h.RecordID == respID {
			ops = append(ops, h.Op)
		}
	}
	if strings.Join(ops, ",") != "create,retract" {
		t.Fatalf("history of the response = %v (%+v)", ops, shown.Node.History)
	}
	last := shown.Node.History[len(shown.Node.History)-1]
	if last.Before == nil || last.After == nil || strings.Contains(*last.Before, "retraction") || !strings.Contains(*last.After, `"retraction"`) {
		t.Errorf("retract change does not show before and after: %+v", last)
	}
	if len(shown.Node.History) != 1+3+1 { // node, RESPONDED_BY, DIRECTED_AT, ANSWERS, retraction
		t.Errorf("history has %d entries, want 5", len(shown.Node.History))
	}

	// A retraction can be undone.
	e.must(aliceToken, `mutation($id: ID!) { unretract(id: $id, reason: "re-read: it was announced that day") { op } }`,
		map[string]any{"id": respID}, nil)
	e.must("", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": respID}, &hidden)
	if hidden.Node == nil {
		t.Fatal("an unretracted response is still hidden")
	}

	// An analyst's assessment stands apart from the sources' claims.
	var as struct {
		AddAssessment struct {
			ID, Author, Date, Confidence string
			About                        []struct{ ID string }
		}
	}
	e.must(bobToken, `mutation($about: [ID!]!, $doc: ID!) { addAssessment(input: {judgement: "We judge the UK's claim credible",
	  confidence: "LIKELY", about: $about, cite: [{document: $doc, exact: "Tehran rejected the accusation."}]}) {
	  id author date confidence about { id } } }`, map[string]any{"about": []string{a.ID}, "doc": doc}, &as)
	if as.AddAssessment.Author != "bob" || as.AddAssessment.Confidence != "LIKELY" || len(as.AddAssessment.About) != 1 {
		t.Fatalf("assessment = %+v", as.AddAssessment)
	}
	var byAbout struct {
		Assessments []struct{ ID, Judgement string }
	}
	e.must("", `query($id: ID) { assessments(about: $id) { id judgement } }`, map[string]any{"id": a.ID}, &byAbout)
	if len(byAbout.Assessments) != 1 || byAbout.Assessments[0].ID != as.AddAssessment.ID {
		t.Fatalf("assessments(about) = %+v", byAbout.Assessments)
	}
	// It is not presented as a sourced fact: it is no Sourced node and not
	// among the attributions.
	r := e.gql("", `query($id: ID!) { node(id: $id) { ... on Sourced { citations { exact } } } }`, map[string]any{"id": as.AddAssessment.ID})
	if strings.Contains(r.Body, "citations") {
		t.Errorf("an assessment answers as Sourced: %s", r.Body)
	}
}

func TestWritesNeedTheRightRole(t *testing.T) {
	e := newEnv(t, false)
	in := map[string]any{"in": map[string]any{"title": "t", "text": article, "language": "en"}}
	for name, token := range map[string]string{"anonymous": "", "reader": readerToken} {
		r := e.gql(token, addDocument, in)
		if r.Code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "editor role") {
			t.Errorf("%s write: got %s", name, r.Body)
		}
	}
	r := e.gql(badToken, addDocument, in)
	if r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
		t.Errorf("unknown token: %d %s", r.Status, r.Body)
	}
	// Reads stay anonymous on this (loopback) server.
	var me struct {
		Me struct{ Name, Role, Clearance string }
	}
	e.must("", `{ me { name role clearance } }`, nil, &me)
	if me.Me.Role != "anonymous" || me.Me.Clearance != "CLEAR" {
		t.Errorf("me = %+v", me.Me)
	}

	doc := e.addArticle()
	var att struct{ AddAttribution struct{ ID string } }
	e.must(aliceToken, addAttribution, map[string]any{"in": attributionInput(doc)}, &att)
	retract := `mutation($id: ID!) { retract(id: $id, reason: "doubt") { op by } }`
	r = e.gql(bobToken, retract, map[string]any{"id": att.AddAttribution.ID})
	if r.Code() != "FORBIDDEN" || !strings.Contains(r.Errors[0].Message, "written by alice") {
		t.Fatalf("bob retracting alice's fact: %s", r.Body)
	}
	// Seed facts are nobody's own: an editor cannot retract them either.
	r = e.gql(aliceToken, retract, map[string]any{"id": store.NodeID("Attribution", "gb-blames-ir")})
	if r.Code() != "FORBIDDEN" {
		t.Fatalf("alice retracting a seed fact: %s", r.Body)
	}
	var ok struct{ Retract struct{ Op, By string } }
	e.must(adminToken, retract, map[string]any{"id": att.AddAttribution.ID}, &ok)
	if ok.Retract.By != "root" {
		t.Fatalf("admin retract = %+v", ok.Retract)
	}
}

func TestReadsCanRequireAToken(t *testing.T) {
	e := newEnv(t, true)
	r := e.gql("", `{ me { role } }`, nil)
	if r.Status != http.StatusUnauthorized || r.Code() != "UNAUTHENTICATED" {
		t.Fatalf("anonymous read: %d %s", r.Status, r.Body)
	}
	var me struct{ Me struct{ Role string } }
	e.must(readerToken, `{ me { role } }`, nil, &me)
	if me.Me.Role != "reader" {
		t.Fatalf("me = %+v", me.Me)
	}
}

func TestMarkingsFilterWhatEachRoleSees(t *testing.T) {
	e := newEnv(t, false)
	var out struct{ AddDocument struct{ ID, Marking string } }
	e.must(aliceToken, addDocument, map[string]any{"marking": "AMBER", "in": map[string]any{
		"title": "t", "text": article, "language": "en"}}, &out)
	if out.AddDocument.Marking != "AMBER" {
		t.Fatalf("marking = %q", out.AddDocument.Marking)
	}
	q := `query($id: ID!) { node(id: $id) { id } changes(first: 100) { totalCount } }`
	seen := map[string]bool{}
	counts := map[string]int{}
	for name, token := range map[string]string{"anonymous": "", "reader": readerToken, "editor": bobToken, "admin": adminToken} {
		var got struct {
			Node    *struct{ ID string }
			Changes struct{ TotalCount int }
		}
		e.must(token, q, map[string]any{"id": out.AddDocument.ID}, &got)
		seen[name] = got.Node != nil
		counts[name] = got.Changes.TotalCount
	}
	want := map[string]bool{"anonymous": false, "reader": false, "editor": true, "admin": true}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("%s sees the AMBER document: %v, want %v", k, seen[k], v)
		}
	}
	if counts["anonymous"] != 0 || counts["editor"] != 1 {
		t.Errorf("changes feed lengths by role = %v", counts)
	}
	// A fact citing an AMBER document cannot be marked less strictly.
	in := attributionInput(out.AddDocument.ID)
	r := e.gql(aliceToken, addAttribution, map[string]any{"in": in})
	if r.Code() != "VALIDATION" || !strings.Contains(r.Errors[0].Message, "marking") {
		t.Fatalf("CLEAR fact citing an AMBER document: %s", r.Body)
	}
	// And an editor cannot mark what they could not read back.
	r = e.gql(aliceToken, addDocument, map[string]any{"marking": "RED", "in": map[string]any{"title": "t", "text": "x", "language": "en"}})
	if r.Code() != "VALIDATION" || !strings.Contains(r.Errors[0].Message, "marking: RED") {
		t.Fatalf("editor writing RED: %s", r.Body)
	}
}

func TestTokensNeverAppearInLogsOrErrors(t *testing.T) {
	e := newEnv(t, false)
	var bodies []string
	for _, token := range []string{aliceToken, readerToken, badToken, adminToken} {
		r := e.gql(token, addDocument, map[string]any{"in": map[string]any{"title": "t", "text": article, "language": "en"}})
		bodies = append(bodies, r.Body)
		r = e.gql(token, `{ me { name } nosuchfield }`, nil)
		bodies = append(bodies, r.Body)
		r = e.gql(token, `mutation { retract(id: "nope", reason: "x") { op } }`, nil)
		bodies = append(bodies, r.Body)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "refused unknown bearer token") {
		t.Fatalf("the log was not captured: %q", logs)
	}
	for _, tok := range []string{aliceToken, readerToken, badToken, adminToken} {
		if strings.Contains(logs, tok) {
			t.Errorf("token %s… appears in the log", tok[:8])
		}
		for _, b := range bodies {
			if strings.Contains(b, tok) {
				t.Errorf("token %s… appears in a reply: %s", tok[:8], b)
			}
		}
	}
}

func TestConcurrentWritesWithIdempotencyKeys(t *testing.T) {
	e := newEnv(t, false)
	doc := e.addArticle()
	feed := func() int {
		var c struct{ Changes struct{ TotalCount int } }
		e.must(adminToken, `{ changes { totalCount } }`, nil, &c)
		return c.Changes.TotalCount
	}
	start := feed()
	const writers, facts, retries = 8, 5, 3
	type sent struct {
		key, id string
	}
	results := make(chan sent, writers*facts*retries)
	var wg sync.WaitGroup
	for g := range writers {
		for i := range facts {
			key := fmt.Sprintf("person-%d-%d", g, i)
			in := map[string]any{"key": key, "nameEn": "Analyst " + key, "roleEn": "spokesperson",
				"memberOf": []string{gb},
				"cite":     []map[string]any{{"document": doc, "exact": "The Foreign Office"}}}
			// Each fact is sent several times at once with the same
			// idempotency key, as a client retrying a timed-out request.
			for range retries {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := e.gql(aliceToken, `mutation($in: PersonInput!, $k: String) { upsertPerson(input: $in, idempotencyKey: $k) { id } }`,
						map[string]any{"in": in, "k": "idem-" + key})
					if len(r.Errors) > 0 {
						t.Errorf("upsertPerson %s: %s", key, r.Body)
						return
					}
					var d struct{ UpsertPerson struct{ ID string } }
					_ = json.Unmarshal(r.Data, &d)
					results <- sent{key, d.UpsertPerson.ID}
				}()
			}
		}
	}
	wg.Wait()
	close(results)
	ids := map[string]string{}
	for r := range results {
		if prev, ok := ids[r.key]; ok && prev != r.id {
			t.Errorf("retries of %s answered %s and %s", r.key, prev, r.id)
		}
		ids[r.key] = r.id
	}
	if len(ids) != writers*facts {
		t.Fatalf("%d distinct facts answered, want %d", len(ids), writers*facts)
	}
	var persons struct{ Persons []struct{ ID, Name string } }
	e.must("", `{ persons { id name } }`, nil, &persons)
	count := map[string]int{}
	for _, p := range persons.Persons {
		count[p.ID]++
	}
	for key, id := range ids {
		if count[id] != 1 {
			t.Errorf("person %s listed %d times", key, count[id])
		}
	}
	// One person and one MEMBER_OF link each: retries wrote nothing more.
	if got, want := feed()-start, writers*facts*2; got != want {
		t.Errorf("the changes feed grew by %d, want %d", got, want)
	}
	// Retracting is not idempotent by itself (a second retraction is
	// refused as "already retracted"): retries with one idempotency key
	// must all get the first retraction's answer.
	start = feed()
	seqs := make(chan [2]any, len(ids)*retries)
	for key, id := range ids {
		for range retries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := e.gql(aliceToken, `mutation($id: ID!, $k: String) { retract(id: $id, reason: "duplicate", idempotencyKey: $k) { seq recordId } }`,
					map[string]any{"id": id, "k": "retract-" + key})
				if len(r.Errors) > 0 {
					t.Errorf("retract %s: %s", key, r.Body)
					return
				}
				var d struct{ Retract struct{ Seq int } }
				_ = json.Unmarshal(r.Data, &d)
				seqs <- [2]any{key, d.Retract.Seq}
			}()
		}
	}
	wg.Wait()
	close(seqs)
	first := map[any]any{}
	for s := range seqs {
		if prev, ok := first[s[0]]; ok && prev != s[1] {
			t.Errorf("retries of the retraction of %s answered changes %v and %v", s[0], prev, s[1])
		}
		first[s[0]] = s[1]
	}
	if got := feed() - start; got != len(ids) {
		t.Errorf("retractions added %d changes, want %d", got, len(ids))
	}

	// Reusing a key for another input is refused, not silently answered.
	r := e.gql(aliceToken, `mutation($in: PersonInput!) { upsertPerson(input: $in, idempotencyKey: "idem-person-0-0") { id } }`,
		map[string]any{"in": map[string]any{"key": "someone-else", "nameEn": "X",
			"cite": []map[string]any{{"document": doc, "exact": "The Foreign Office"}}}})
	if r.Code() != "VALIDATION" || !strings.Contains(r.Errors[0].Message, "idempotencyKey") {
		t.Errorf("reused idempotency key: %s", r.Body)
	}
}

// dump returns every key and value in the store: a full export, retracted
// facts and the audit trail included.
func dump(t *testing.T, s *store.Store) string {
	t.Helper()
	var sb strings.Builder
	txn := s.DB().NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(badger.DefaultIteratorOptions)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&sb, "%q=%q\n", it.Item().Key(), v)
	}
	return sb.String()
}

func TestInvalidInputsAreRefusedAndWriteNothing(t *testing.T) {
	e := newEnv(t, false)
	doc := e.addArticle()
	var att struct{ AddAttribution struct{ ID string } }
	e.must(aliceToken, addAttribution, map[string]any{"in": attributionInput(doc)}, &att)
	// A retracted fact is part of the export too.
	e.must(aliceToken, `mutation($id: ID!) { retract(id: $id, reason: "test") { op } }`, map[string]any{"id": att.AddAttribution.ID}, nil)

	with := func(base map[string]any, k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range base {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	resp := responseInput(doc)
	state := map[string]any{"code": "AL", "cite": []map[string]any{{"document": doc, "exact": "the Albanian government"}}}
	cases := []struct {
		name, query string
		in          map[string]any
		field, says string
	}{
		{"date not real", addResponse, with(resp, "date", "2022-02-30"), "input.date", `"2022-02-30" is not a real date`},
		{"date not a date", addResponse, with(resp, "date", "8 Sept"), "input.date", "not a real date"},
		{"state code", `mutation($in: StateInput!) { upsertState(input: $in) { id } }`, with(state, "code", "XK"), "input.code", "not an ISO 3166-1"},
		{"enum kind", addResponse, with(resp, "kind", "NUKE"), "input.kind", `"NUKE" is not one of`},
		{"enum band", addAttribution, with(attributionInput(doc), "band", "PROBABLY"), "input.band", `"PROBABLY" is not one of`},
		{"enum precision", addResponse, with(resp, "datePrecision", "HOUR"), "input.datePrecision", "HOUR"},
		{"summary too long", addResponse, with(resp, "summary", strings.Repeat("x", 2001)), "input.summary", "limit is 2000"},
		{"text too long", addDocument, map[string]any{"title": "t", "language": "en", "text": strings.Repeat("y", 500_001)}, "input.text", "limit is 500000"},
		{"no citation", addResponse, with(resp, "cite", []map[string]any{}), "input.cite", "at least one citation"},
		{"quote missing", addResponse, with(resp, "cite", []map[string]any{{"document": doc, "exact": "Iran invaded"}}), "input.cite[0].exact", "quote not found"},
		{"quote ambiguous", addResponse, with(resp, "cite", []map[string]any{{"document": doc, "exact": "Iran"}}), "input.cite[0].exact", "ambiguous"},
		{"unknown document", addResponse, with(resp, "cite", []map[string]any{{"document": store.NodeID("Document", "nope"), "exact": "x"}}), "input.cite[0].document", "no document"},
		{"wrong actor type", addResponse, with(resp, "actor", incident), "input.actor", "is not a State"},
		{"marking", `mutation($in: ResponseInput!) { addResponse(input: $in, marking: "PURPLE") { id } }`, resp, "marking", "not a TLP marking"},
	}
	before := dump(t, e.store)
	var feed struct{ Changes struct{ TotalCount int } }
	e.must(adminToken, `query @withRetracted { changes { totalCount } }`, nil, &feed)
	feedBefore := feed.Changes.TotalCount
	for _, c := range cases {
		r := e.gql(aliceToken, c.query, map[string]any{"in": c.in})
		if r.Code() != "VALIDATION" {
			t.Errorf("%s: want a VALIDATION error, got %s", c.name, r.Body)
			continue
		}
		msg := r.Errors[0].Message
		if !strings.HasPrefix(msg, c.field+": ") || !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q does not name %s and say %q", c.name, msg, c.field, c.says)
		}
		if r.Errors[0].Extensions["field"] != c.field {
			t.Errorf("%s: extensions.field = %v", c.name, r.Errors[0].Extensions["field"])
		}
	}
	if after := dump(t, e.store); after != before {
		t.Error("refused mutations changed the store")
	}
	e.must(adminToken, `query @withRetracted { changes { totalCount } }`, nil, &feed)
	if feed.Changes.TotalCount != feedBefore {
		t.Errorf("changes feed grew from %d to %d", feedBefore, feed.Changes.TotalCount)
	}
}

func TestUpdatesLinksAndTheFeed(t *testing.T) {
	e := newEnv(t, false)
	// The document's text reads back verbatim, odd whitespace and all.
	text := "Line one\r\n\tIran's envoy left.  \n\nالسفير غادر\n"
	var d struct{ AddDocument struct{ ID string } }
	e.must(aliceToken, addDocument, map[string]any{"in": map[string]any{"title": "t", "text": text, "language": "en"}}, &d)
	var back struct {
		Node struct {
			Text   string
			Length int
		}
	}
	e.must("", `query($id: ID!) { node(id: $id) { ... on Document { text length } } }`, map[string]any{"id": d.AddDocument.ID}, &back)
	if back.Node.Text != text || back.Node.Length != len([]rune(text)) {
		t.Fatalf("document text = %q (%d), want %q", back.Node.Text, back.Node.Length, text)
	}

	// Updating a seed state keeps its author and citations, adds the new
	// citation, and records before and after.
	upsert := `mutation($in: StateInput!) { upsertState(input: $in) { region createdBy citations { exact } } }`
	var st struct {
		UpsertState struct {
			Region    string
			CreatedBy *string
			Citations []struct{ Exact string }
		}
	}
	e.must(aliceToken, upsert, map[string]any{"in": map[string]any{"code": "ir", "region": "Middle East",
		"cite": []map[string]any{{"document": d.AddDocument.ID, "exact": "Iran", "suffix": "'s envoy"}}}}, &st)
	if st.UpsertState.Region != "Middle East" || st.UpsertState.CreatedBy != nil || len(st.UpsertState.Citations) < 2 {
		t.Fatalf("updated state = %+v", st.UpsertState)
	}
	var hist struct {
		State struct {
			History []struct {
				Op            string
				Before, After *string
			}
		}
	}
	e.must("", `{ state(code: "IR") { history { op before after } } }`, nil, &hist)
	h := hist.State.History
	if len(h) != 1 || h[0].Op != "update" || h[0].Before == nil || strings.Contains(*h[0].Before, "Middle East") || !strings.Contains(*h[0].After, "Middle East") {
		t.Fatalf("history of IR = %+v", h)
	}
	var seedName struct{ State struct{ Name string } }
	e.must("", `{ state(code: "IR") { name(lang: EN) } }`, nil, &seedName)
	if seedName.State.Name == "" || !strings.Contains(*h[0].Before, seedName.State.Name) {
		t.Errorf("the update changed the state's name to %q", seedName.State.Name)
	}
	// A new state takes its English name from ISO 3166-1.
	var fr struct{ UpsertState struct{ Name string } }
	e.must(aliceToken, `mutation($in: StateInput!) { upsertState(input: $in) { name(lang: EN) } }`,
		map[string]any{"in": map[string]any{"code": "FR", "cite": []map[string]any{{"document": d.AddDocument.ID, "exact": "Line one"}}}}, &fr)
	if fr.UpsertState.Name != "France" {
		t.Errorf("new state FR is named %q", fr.UpsertState.Name)
	}

	// Retracting a link hides it, and the node at its other end, from
	// the node's links and neighbours.
	var att struct{ AddAttribution struct{ ID string } }
	doc := e.addArticle()
	e.must(aliceToken, addAttribution, map[string]any{"in": attributionInput(doc)}, &att)
	q := `query($id: ID!) { node(id: $id) { ... on Attribution { blamed { ... on State { code } } links(type: "BLAMES") { id } } } }`
	var links struct {
		Node struct {
			Blamed []struct{ Code string }
			Links  []struct{ ID string }
		}
	}
	e.must("", q, map[string]any{"id": att.AddAttribution.ID}, &links)
	if len(links.Node.Links) != 1 || len(links.Node.Blamed) != 1 {
		t.Fatalf("before retraction: %+v", links.Node)
	}
	e.must(aliceToken, `mutation($id: ID!) { retract(id: $id, reason: "the text blames no one by name") { kind } }`,
		map[string]any{"id": links.Node.Links[0].ID}, nil)
	e.must("", q, map[string]any{"id": att.AddAttribution.ID}, &links)
	if len(links.Node.Links) != 0 || len(links.Node.Blamed) != 0 {
		t.Fatalf("a retracted link is still shown: %+v", links.Node)
	}
	e.must("", strings.Replace(q, "query($id: ID!)", "query($id: ID!) @withRetracted", 1), map[string]any{"id": att.AddAttribution.ID}, &links)
	if len(links.Node.Links) != 1 || len(links.Node.Blamed) != 1 {
		t.Fatalf("@withRetracted does not show the retracted link: %+v", links.Node)
	}

	// The feed: since a time, and after a cursor.
	var feed struct {
		Changes struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct {
					Seq int
					At  string
				}
			}
		}
	}
	e.must("", `{ changes(first: 100) { totalCount edges { cursor node { seq at } } } }`, nil, &feed)
	all := feed.Changes
	if all.TotalCount != len(all.Edges) || all.TotalCount < 5 {
		t.Fatalf("feed = %+v", all)
	}
	for i, c := range all.Edges {
		if c.Node.Seq != i+1 {
			t.Fatalf("feed entry %d has seq %d", i, c.Node.Seq)
		}
	}
	mid := all.Edges[2]
	e.must("", `query($a: String) { changes(after: $a) { totalCount edges { node { seq } } } }`, map[string]any{"a": mid.Cursor}, &feed)
	if len(feed.Changes.Edges) != all.TotalCount-3 || feed.Changes.Edges[0].Node.Seq != 4 {
		t.Errorf("changes after %s = %+v", mid.Cursor, feed.Changes.Edges)
	}
	e.must("", `query($s: String) { changes(since: $s) { totalCount } }`, map[string]any{"s": "2999-01-01T00:00:00Z"}, &feed)
	if feed.Changes.TotalCount != 0 {
		t.Errorf("changes since the future = %d", feed.Changes.TotalCount)
	}
	e.must("", `query($s: String) { changes(since: $s) { totalCount } }`, map[string]any{"s": all.Edges[len(all.Edges)-1].Node.At}, &feed)
	if feed.Changes.TotalCount < 1 || feed.Changes.TotalCount >= all.TotalCount {
		t.Errorf("changes since the last change's time = %d of %d", feed.Changes.TotalCount, all.TotalCount)
	}
}

func TestFiltersIgnoreRetractedLinks(t *testing.T) {
	e := newEnv(t, false)
	doc := e.addArticle()
	var att struct {
		AddAttribution struct {
			ID    string
			Links []struct{ ID string }
		}
	}
	e.must(aliceToken, `mutation($in: AttributionInput!) { addAttribution(input: $in) { id links(type: "BLAMES") { id } } }`,
		map[string]any{"in": attributionInput(doc)}, &att)
	q := `query($ir: ID!) { attributions(blamed: $ir) { edges { node { id } } } }`
	has := func() bool {
		var out struct {
			Attributions struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		e.must("", q, map[string]any{"ir": ir}, &out)
		for _, ed := range out.Attributions.Edges {
			if ed.Node.ID == att.AddAttribution.ID {
				return true
			}
		}
		return false
	}
	if !has() {
		t.Fatal("the new attribution is not among those blaming Iran")
	}
	e.must(aliceToken, `mutation($id: ID!) { retract(id: $id, reason: "x") { op } }`, map[string]any{"id": att.AddAttribution.Links[0].ID}, nil)
	if has() {
		t.Fatal("a retracted BLAMES link still matches attributions(blamed:)")
	}
}
