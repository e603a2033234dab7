package server_test

// Acceptance tests: the competency questions of analysts (CQ1-CQ4),
// answered over HTTP by a server seeded from the embedded article.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// newServer starts an HTTP server over a freshly seeded temp-dir store.
func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	ts := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	t.Cleanup(ts.Close)
	return ts
}

// query POSTs a GraphQL query and decodes data into out; it fails the test
// on a transport error or a GraphQL error.
func query(t *testing.T, ts *httptest.Server, q string, vars map[string]any, out any) {
	t.Helper()
	gqltest.Post(t, ts.URL+"/graphql", gqltest.Request{Query: q, Variables: vars}).Must(t, out)
}

// queryErrors POSTs a query, decodes data into out and returns its GraphQL
// errors.
func queryErrors(t *testing.T, ts *httptest.Server, q string, vars map[string]any, out any) []gqltest.Error {
	t.Helper()
	r := gqltest.Post(t, ts.URL+"/graphql", gqltest.Request{Query: q, Variables: vars})
	r.Decode(t, out)
	return r.Errors
}

type citation struct {
	Document struct {
		ID string `json:"id"`
	} `json:"document"`
	Exact       string `json:"exact"`
	Prefix      string `json:"prefix"`
	Suffix      string `json:"suffix"`
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Translation *struct {
		Text          string `json:"text"`
		Translator    string `json:"translator"`
		Authoritative bool   `json:"authoritative"`
	} `json:"translation"`
}

const citationFields = `citations { document { id } exact prefix suffix start end translation { text translator authoritative } }`

func stateID(code string) string { return store.NodeID("State", code) }

func quotes(cs []citation) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Exact)
		b.WriteString("\n")
	}
	return b.String()
}

// CQ1: what happened to Albania?
func TestCQ1IncidentsTargetingAlbania(t *testing.T) {
	ts := newServer(t)
	var got struct {
		Incidents struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Name string `json:"name"`
					Kind string `json:"kind"`
					Date struct {
						Date      string `json:"date"`
						Precision string `json:"precision"`
						Inferred  bool   `json:"inferred"`
					} `json:"date"`
					Targets []struct {
						Typename string `json:"__typename"`
						Code     string `json:"code"`
						Name     string `json:"name"`
					} `json:"targets"`
					Citations []citation `json:"citations"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"incidents"`
	}
	query(t, ts, `query($al: ID!) { incidents(target: $al) { totalCount edges { node {
		name kind date { date precision inferred }
		targets { __typename ... on State { code name } ... on Organization { name } }
		`+citationFields+` } } } }`, map[string]any{"al": stateID("AL")}, &got)
	if got.Incidents.TotalCount != 1 {
		t.Fatalf("incidents targeting Albania = %d, want 1", got.Incidents.TotalCount)
	}
	inc := got.Incidents.Edges[0].Node
	if inc.Date.Date != "2022-07-15" || inc.Date.Precision != "DAY" || !inc.Date.Inferred {
		t.Errorf("date = %+v, want 2022-07-15, DAY, inferred (the year comes from the publication date)", inc.Date)
	}
	if inc.Kind != "CYBERATTACK" {
		t.Errorf("kind = %s", inc.Kind)
	}
	var codes, orgs []string
	for _, tg := range inc.Targets {
		if tg.Typename == "State" {
			codes = append(codes, tg.Code)
		} else {
			orgs = append(orgs, tg.Name)
		}
	}
	if !slices.Contains(codes, "AL") || len(orgs) == 0 {
		t.Errorf("targets = %+v, want Albania and its government institutions", inc.Targets)
	}
	if !strings.Contains(quotes(inc.Citations), "هجوم إلكتروني وقع في 15 يوليو/ تموز ضد مؤسسات حكومية") {
		t.Errorf("the incident does not cite the article's words:\n%s", quotes(inc.Citations))
	}
}

type actorRef struct {
	Typename string `json:"__typename"`
	Code     string `json:"code"`
	Name     string `json:"name"`
}

type attribution struct {
	ID   string `json:"id"`
	Date struct {
		Date     string `json:"date"`
		Inferred bool   `json:"inferred"`
	} `json:"date"`
	CertaintyText *string    `json:"certaintyText"`
	Band          string     `json:"band"`
	Confidence    *int       `json:"confidence"`
	Involvement   []string   `json:"involvement"`
	BasisText     *string    `json:"basisText"`
	Attributor    actorRef   `json:"attributor"`
	Via           []actorRef `json:"via"`
	Blamed        []actorRef `json:"blamed"`
	Citations     []citation `json:"citations"`
}

const attributionFields = `id date { date inferred } certaintyText band confidence involvement basisText
	attributor { code name }
	via { __typename ... on Person { name } ... on Organization { name } }
	blamed { __typename ... on State { code name } ... on Organization { name } }
	` + citationFields

// CQ2: who blamed whom, and how sure were they?
func TestCQ2AttributionsAreSeparateClaims(t *testing.T) {
	ts := newServer(t)
	var got struct {
		State struct {
			IncidentsSuffered []struct {
				Attributions []attribution `json:"attributions"`
			} `json:"incidentsSuffered"`
		} `json:"state"`
	}
	query(t, ts, `{ state(code: "AL") { incidentsSuffered { attributions { `+attributionFields+` } } } }`, nil, &got)
	if len(got.State.IncidentsSuffered) != 1 {
		t.Fatalf("incidents = %d", len(got.State.IncidentsSuffered))
	}
	byAttributor := map[string]attribution{}
	for _, a := range got.State.IncidentsSuffered[0].Attributions {
		if _, dup := byAttributor[a.Attributor.Code]; dup {
			t.Errorf("two claims by %s", a.Attributor.Code)
		}
		byAttributor[a.Attributor.Code] = a
		if len(a.Blamed) != 1 || a.Blamed[0].Code != "IR" {
			t.Errorf("%s blamed %+v, want Iran", a.Attributor.Code, a.Blamed)
		}
		if len(a.Citations) == 0 {
			t.Errorf("%s's claim has no citation", a.Attributor.Code)
		}
	}
	if len(byAttributor) != 3 {
		t.Fatalf("attributors = %v, want AL, GB and US, each its own claim", keys(byAttributor))
	}

	al := byAttributor["AL"]
	if al.Date.Date != "2022-09-07" {
		t.Errorf("Albania's claim dated %s, want 2022-09-07", al.Date.Date)
	}
	if !slices.Contains(al.Involvement, "ORCHESTRATED") || !slices.Contains(al.Involvement, "SPONSORED") {
		t.Errorf("Albania's claim involvement = %v, want orchestrated and sponsored", al.Involvement)
	}
	if al.BasisText == nil || !strings.Contains(*al.BasisText, "تحقيقاً معمّقاً") {
		t.Errorf("Albania's basis = %v, want the in-depth investigation", al.BasisText)
	}
	if al.CertaintyText == nil || !strings.Contains(*al.CertaintyText, "لا لبس فيه") {
		t.Errorf("Albania's words of certainty = %v, want «لا لبس فيه» (unambiguous)", al.CertaintyText)
	}
	if !hasName(al.Via, "Edi Rama") {
		t.Errorf("Albania's claim via %+v, want Edi Rama", al.Via)
	}
	if q := quotes(al.Citations); !strings.Contains(q, "دبّرتها ورعتها") {
		t.Errorf("Albania's claim does not cite «دبّرتها ورعتها»:\n%s", q)
	}

	gb := byAttributor["GB"]
	if gb.CertaintyText == nil || *gb.CertaintyText != "بصورة شبه مؤكدة" {
		t.Errorf("UK words of certainty = %v, want «بصورة شبه مؤكدة» (almost certainly)", gb.CertaintyText)
	}
	if gb.Band != "ALMOST_CERTAIN" || gb.Confidence == nil || *gb.Confidence != 95 {
		t.Errorf("UK band %s confidence %v, want ALMOST_CERTAIN 95", gb.Band, gb.Confidence)
	}
	if !slices.Contains(gb.Involvement, "STATE_LINKED_ACTORS") {
		t.Errorf("UK involvement = %v, want actors linked to the state", gb.Involvement)
	}
	if !hasName(gb.Via, "National Cyber Security Centre") {
		t.Errorf("UK claim via %+v, want the NCSC", gb.Via)
	}

	us := byAttributor["US"]
	if us.Band != "UNSTATED" || us.Confidence != nil || us.CertaintyText != nil {
		t.Errorf("US claim states no certainty; got band %s confidence %v words %v", us.Band, us.Confidence, us.CertaintyText)
	}
	if !hasName(us.Via, "Adrienne Watson") {
		t.Errorf("US claim via %+v, want Adrienne Watson", us.Via)
	}

	// A minimum confidence leaves out the claim that states none.
	var filtered struct {
		Attributions struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node attribution `json:"node"`
			} `json:"edges"`
		} `json:"attributions"`
	}
	query(t, ts, `query($ir: ID!) { attributions(blamed: $ir, minConfidence: 90) { totalCount edges { node { `+attributionFields+` } } } }`,
		map[string]any{"ir": stateID("IR")}, &filtered)
	if filtered.Attributions.TotalCount != 2 {
		t.Errorf("claims against Iran with confidence >= 90: %d, want 2 (AL and GB)", filtered.Attributions.TotalCount)
	}
	for _, e := range filtered.Attributions.Edges {
		if e.Node.Attributor.Code == "US" {
			t.Error("minConfidence kept the claim with unstated confidence")
		}
	}
}

func keys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func hasName(as []actorRef, substr string) bool {
	for _, a := range as {
		if strings.Contains(a.Name, substr) {
			return true
		}
	}
	return false
}

// CQ3: what did states do about it?
func TestCQ3Responses(t *testing.T) {
	ts := newServer(t)
	var got struct {
		Responses struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Kind string `json:"kind"`
					Date struct {
						Date string `json:"date"`
					} `json:"date"`
					Deadline  *string    `json:"deadline"`
					Effective *string    `json:"effective"`
					Actor     actorRef   `json:"actor"`
					Targets   []actorRef `json:"targets"`
					Incident  *struct {
						ID string `json:"id"`
					} `json:"incident"`
					Citations []citation `json:"citations"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"responses"`
	}
	query(t, ts, `{ responses(first: 50) { totalCount edges { node {
		kind date { date } deadline effective actor { code }
		targets { __typename ... on State { code name } ... on Organization { name } }
		incident { id } `+citationFields+` } } } }`, nil, &got)
	type key struct{ actor, kind string }
	seen := map[key][]actorRef{}
	for _, e := range got.Responses.Edges {
		r := e.Node
		seen[key{r.Actor.Code, r.Kind}] = r.Targets
		if len(r.Citations) == 0 {
			t.Errorf("%s %s has no citation", r.Actor.Code, r.Kind)
		}
		switch {
		case r.Actor.Code == "AL" && r.Kind == "DIPLOMATIC_SEVERANCE":
			if r.Effective == nil || *r.Effective != "IMMEDIATE" || r.Date.Date != "2022-09-07" {
				t.Errorf("severance effective %v on %s, want IMMEDIATE on 2022-09-07", r.Effective, r.Date.Date)
			}
		case r.Actor.Code == "AL" && r.Kind == "EXPULSION":
			if r.Deadline == nil || *r.Deadline != "PT24H" {
				t.Errorf("expulsion deadline %v, want PT24H", r.Deadline)
			}
			if !strings.Contains(quotes(r.Citations), "في غضون 24 ساعة") {
				t.Errorf("expulsion does not cite the 24 hours")
			}
		}
	}
	want := []struct {
		actor, kind, target string
	}{
		{"AL", "DIPLOMATIC_SEVERANCE", "IR"},
		{"AL", "EXPULSION", ""},
		{"US", "VOW_OF_MEASURES", "IR"},
		{"US", "CALL_ON_ALLIES", ""},
		{"GB", "CONDEMNATION", "IR"},
		{"GB", "STATEMENT_OF_SUPPORT", "AL"},
	}
	for _, w := range want {
		targets, ok := seen[key{w.actor, w.kind}]
		if !ok {
			t.Errorf("missing response: %s %s", w.actor, w.kind)
			continue
		}
		if w.target == "" {
			continue
		}
		found := false
		for _, tg := range targets {
			found = found || tg.Code == w.target
		}
		if !found {
			t.Errorf("%s %s directed at %+v, want %s", w.actor, w.kind, targets, w.target)
		}
	}

	// Filters: Albania's responses, and those of one kind.
	var al struct {
		Responses struct {
			TotalCount int `json:"totalCount"`
		} `json:"responses"`
	}
	query(t, ts, `query($al: ID!) { responses(actor: $al) { totalCount } }`, map[string]any{"al": stateID("AL")}, &al)
	if al.Responses.TotalCount != 2 {
		t.Errorf("Albania's responses = %d, want 2 (severance, expulsion)", al.Responses.TotalCount)
	}
	query(t, ts, `{ responses(kind: "VOW_OF_MEASURES") { totalCount } }`, nil, &al)
	if al.Responses.TotalCount != 1 {
		t.Errorf("vows = %d, want 1", al.Responses.TotalCount)
	}
}

// CQ4: show me the source. Every citation of every node and link, fetched
// over HTTP, verifies against its document's text in code points, and the
// article carries its own metadata.
func TestCQ4EveryCitationVerifies(t *testing.T) {
	ts := newServer(t)
	var docs struct {
		Documents struct {
			Edges []struct {
				Node struct {
					ID        string   `json:"id"`
					Title     string   `json:"title"`
					Published *string  `json:"published"`
					Language  string   `json:"language"`
					Sources   []string `json:"sources"`
					Text      string   `json:"text"`
					Length    int      `json:"length"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"documents"`
	}
	query(t, ts, `{ documents { edges { node { id title published language sources text length } } } }`, nil, &docs)
	texts := map[string]string{}
	var article bool
	for _, e := range docs.Documents.Edges {
		d := e.Node
		texts[d.ID] = d.Text
		if d.Language == "ar" {
			article = true
			if d.Published == nil || *d.Published != "2022-09-07" || !strings.HasPrefix(d.Title, "ألبانيا تقطع علاقاتها") {
				t.Errorf("article metadata: title %q published %v", d.Title, d.Published)
			}
			if !slices.Equal(d.Sources, []string{"AFP", "Reuters", "Anadolu"}) {
				t.Errorf("article wire sources = %v", d.Sources)
			}
			if d.Length != len([]rune(d.Text)) {
				t.Errorf("length %d is not the code point count %d", d.Length, len([]rune(d.Text)))
			}
		}
	}
	if !article {
		t.Fatal("no Arabic article among the documents")
	}

	// Every node reachable from the root lists, with its links.
	const fields = `id ` + citationFields + ` links { id type ` + citationFields + ` }`
	// One query per root list keeps each within the complexity budget.
	var nodes []map[string]any
	for _, list := range []string{"states", "incidents", "attributions", "responses", "statements", "documents"} {
		var conn map[string]struct {
			Edges []struct{ Node map[string]any }
		}
		query(t, ts, `{ `+list+`(first: 100) { edges { node { `+fields+` } } } }`, nil, &conn)
		for _, e := range conn[list].Edges {
			nodes = append(nodes, e.Node)
		}
	}
	for _, list := range []string{"organizations", "persons"} {
		var plain map[string][]map[string]any
		query(t, ts, `{ `+list+` { `+fields+` } }`, nil, &plain)
		nodes = append(nodes, plain[list]...)
	}

	checked, links := 0, map[string]bool{}
	verify := func(owner string, raw any) {
		var cs []citation
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &cs); err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			t.Errorf("%s has no citation", owner)
		}
		for _, c := range cs {
			text, ok := texts[c.Document.ID]
			if !ok {
				t.Errorf("%s cites unknown document %s", owner, c.Document.ID)
				continue
			}
			runes := []rune(text)
			if c.End > len(runes) || string(runes[c.Start:c.End]) != c.Exact {
				t.Errorf("%s: document[%d:%d] != %q", owner, c.Start, c.End, c.Exact)
			}
			if err := cite.Verify(text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
				t.Errorf("%s: %v", owner, err)
			}
			if isArabic(c.Exact) && (c.Translation == nil || c.Translation.Text == "" || c.Translation.Authoritative || c.Translation.Translator != "attrib maintainers") {
				t.Errorf("%s: Arabic quote %q lacks a non-authoritative translation by attrib maintainers", owner, c.Exact)
			}
			checked++
		}
	}
	for _, n := range nodes {
		verify("node "+n["id"].(string), n["citations"])
		for _, l := range n["links"].([]any) {
			lm := l.(map[string]any)
			id := lm["id"].(string)
			if !links[id] {
				links[id] = true
				verify("link "+lm["type"].(string)+" "+id, lm["citations"])
			}
		}
	}
	if len(nodes) < 40 || len(links) < 100 || checked < 150 {
		t.Errorf("checked %d citations of %d nodes and %d links: fewer than the seed holds", checked, len(nodes), len(links))
	}
	t.Logf("verified %d citations of %d nodes and %d links", checked, len(nodes), len(links))
}

func isArabic(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}

// Bad input gets a clear answer, never a 500.
func TestBadInput(t *testing.T) {
	ts := newServer(t)

	var n struct {
		Node *struct{ ID string } `json:"node"`
	}
	if errs := queryErrors(t, ts, `{ node(id: "U3RhdGU6Wlo") { id } }`, nil, &n); len(errs) != 0 || n.Node != nil {
		t.Errorf("unknown id: node %+v, errors %+v; want null and no error", n.Node, errs)
	}
	errs := queryErrors(t, ts, `{ node(id: "not an id!") { id } }`, nil, nil)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "malformed id") {
		t.Errorf("malformed id: errors %+v, want one that says the id is malformed", errs)
	}
	errs = queryErrors(t, ts, `{ attributions(first: 1000) { totalCount } }`, nil, nil)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "maximum page size") {
		t.Errorf("oversized page: %+v", errs)
	}
	deep := "id"
	for range 8 {
		deep = "attributions { incident { " + deep + " } }"
	}
	deep = `{ state(code: "AL") { incidentsSuffered { ` + deep + ` } } }`
	errs = queryErrors(t, ts, deep, nil, nil)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "limit of") {
		t.Errorf("deep query: %+v, want a depth limit error", errs)
	}
	costly := `{ states(first: 100) { edges { node { attributionsMade { incident { attributions { responses { targets { ... on State { code } } } } } } } } } }`
	errs = queryErrors(t, ts, costly, nil, nil)
	if len(errs) == 0 || !strings.Contains(errs[0].Message, "complexity") {
		t.Errorf("costly query: %+v, want a complexity error", errs)
	}

	for name, body := range map[string]string{"not json": "{query", "wrong shape": `["x"]`} {
		resp, err := http.Post(ts.URL+"/graphql", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s body: status %d, want 400", name, resp.StatusCode)
		}
	}
	big := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
	resp, err := http.Post(ts.URL+"/graphql", "application/json", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB body: status %d, want 413", resp.StatusCode)
	}

	// GET works for queries.
	resp, err = http.Get(ts.URL + "/graphql?query=" + url.QueryEscape(`{ state(code: "ir") { name(lang: AR) } }`))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(raw), "إيران") {
		t.Errorf("GET query: %d %s", resp.StatusCode, raw)
	}
}

func TestHealthz(t *testing.T) {
	ts := newServer(t)
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
}

func testingCI() bool { return os.Getenv("CI") != "" }
