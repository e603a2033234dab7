package server_test

// Claims about claims over the example corpus (examples/albania-2022)
// ingested on top of the seed: stances, second reports, attribution
// chains, disputes and the summary's new parts.

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/attrib/attrib/internal/browsertest"
	"github.com/attrib/attrib/internal/exampletest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// newExampleServer serves the seed with the example corpus ingested.
func newExampleServer(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	s := seedtest.Open(t, t.TempDir(), store.Options{})
	exampletest.Ingest(t, s)
	ts := httptest.NewServer(server.Handler(server.Config{Store: s, Limits: server.DefaultLimits}))
	t.Cleanup(ts.Close)
	return ts, s
}

var (
	exIncident = store.NodeID("Incident", "2022-07-15-albania-gov")
	exHLJ      = store.NodeID("ThreatActor", "homeland-justice")
	exMOIS     = store.NodeID("Organization", "ir-mois")
	exNATO     = store.NodeID("Organization", "nato")
	claimAL    = store.NodeID("Attribution", "al-blames-ir")
	claimGB    = store.NodeID("Attribution", "gb-blames-ir")
	claimUS    = store.NodeID("Attribution", "us-blames-ir")
)

type stanceOut struct {
	ID     string                `json:"id"`
	Kind   string                `json:"kind"`
	Date   struct{ Date string } `json:"date"`
	Text   string                `json:"text"`
	Band   string                `json:"band"`
	Holder struct {
		ID string `json:"id"`
	} `json:"holder"`
	On struct {
		ID string `json:"id"`
	} `json:"on"`
	Citations []struct {
		Exact    string `json:"exact"`
		Role     string `json:"role"`
		Document struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"document"`
	} `json:"citations"`
}

const stanceFields = `id kind date { date } text band holder { id } on { ... on Attribution { id } ... on Stance { id } }
  citations { exact role document { id title } }`

func TestTheAccusedStateDeniesEachClaimAndNATOEndorsesAlbanias(t *testing.T) {
	ts, _ := newExampleServer(t)
	var got struct {
		Nodes []struct {
			ID      string      `json:"id"`
			Stances []stanceOut `json:"stances"`
		} `json:"nodes"`
	}
	query(t, ts, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Attribution { id stances { `+stanceFields+` } } } }`,
		map[string]any{"ids": []string{claimAL, claimGB, claimUS}}, &got)
	if len(got.Nodes) != 3 {
		t.Fatalf("got %d claims", len(got.Nodes))
	}
	for _, c := range got.Nodes {
		var denial *stanceOut
		for i, s := range c.Stances {
			if s.Kind == "DENIES" {
				denial = &c.Stances[i]
			}
		}
		if denial == nil {
			t.Errorf("claim %s: no DENIES stance in %+v", c.ID, c.Stances)
			continue
		}
		if denial.Holder.ID != stateID("IR") || denial.On.ID != c.ID || denial.Band != "UNSTATED" {
			t.Errorf("claim %s: denial %+v", c.ID, denial)
		}
		if len(denial.Citations) == 0 || !strings.Contains(denial.Citations[0].Document.Title, "Iran's foreign ministry rejects") ||
			!strings.Contains(denial.Citations[0].Exact, "rejected") || denial.Citations[0].Role != "SECONDARY" {
			t.Errorf("claim %s: denial's citation %+v", c.ID, denial.Citations)
		}
	}
	al := got.Nodes[0]
	var endorsement *stanceOut
	for i, s := range al.Stances {
		if s.Kind == "ENDORSES" {
			endorsement = &al.Stances[i]
		}
	}
	if endorsement == nil || endorsement.Holder.ID != exNATO || endorsement.Date.Date != "2022-09-08" ||
		len(endorsement.Citations) == 0 || !strings.Contains(endorsement.Citations[0].Exact, "solidarity with Albania") {
		t.Errorf("Albania's claim: NATO endorsement %+v in %+v", endorsement, al.Stances)
	}
	for _, c := range got.Nodes[1:] {
		for _, s := range c.Stances {
			if s.Kind == "ENDORSES" {
				t.Errorf("claim %s: unexpected endorsement %+v", c.ID, s)
			}
		}
	}
	// A denial is not an attribution: Iran blames no one.
	var blames struct {
		Attributions struct{ TotalCount int } `json:"attributions"`
	}
	query(t, ts, `query($ir: ID!) { attributions(attributor: $ir) { totalCount } }`, map[string]any{"ir": stateID("IR")}, &blames)
	if blames.Attributions.TotalCount != 0 {
		t.Errorf("Iran has %d attributions; a denial must not be one", blames.Attributions.TotalCount)
	}
}

func TestASecondReportIsASecondaryCitationOfTheSameClaim(t *testing.T) {
	ts, _ := newExampleServer(t)
	var got struct {
		Node struct {
			Citations []struct {
				Exact    string  `json:"exact"`
				Role     *string `json:"role"`
				Start    int     `json:"start"`
				End      int     `json:"end"`
				Document struct {
					ID   string `json:"id"`
					Text string `json:"text"`
				} `json:"document"`
			} `json:"citations"`
		} `json:"node"`
		Attributions struct{ TotalCount int } `json:"attributions"`
	}
	query(t, ts, `query($id: ID!, $al: ID!) {
  node(id: $id) { ... on Attribution { citations { exact role start end document { id text } } } }
  attributions(attributor: $al) { totalCount } }`, map[string]any{"id": claimAL, "al": stateID("AL")}, &got)
	if got.Attributions.TotalCount != 1 {
		t.Errorf("Albania has %d claims; the second report must not add one", got.Attributions.TotalCount)
	}
	cs := got.Node.Citations
	if len(cs) != 3 {
		t.Fatalf("%d citations, want the seed's two and the wire report's", len(cs))
	}
	for _, c := range cs[:2] {
		if c.Role != nil {
			t.Errorf("a seed citation gained role %s", *c.Role)
		}
	}
	wire := cs[2]
	if wire.Role == nil || *wire.Role != "SECONDARY" || wire.Document.ID != store.NodeID("Document", "01-rama-wire-2022-09-07") {
		t.Errorf("wire citation %+v", wire)
	}
	if r := []rune(wire.Document.Text); string(r[wire.Start:wire.End]) != wire.Exact || !strings.Contains(wire.Exact, "orchestrated and sponsored by the Islamic Republic of Iran") {
		t.Errorf("wire citation does not verify: %q", wire.Exact)
	}
	if cs[0].Document.ID == wire.Document.ID || !strings.Contains(cs[1].Exact, "دبّرتها ورعتها") {
		t.Errorf("the seed's rendering is not kept beside the wire's: %+v", cs)
	}
}

type chainOut struct {
	Strength string `json:"strength"`
	Disputed bool   `json:"disputed"`
	End      struct {
		ID string `json:"id"`
	} `json:"end"`
	DeniedBy []struct {
		ID string `json:"id"`
	} `json:"deniedBy"`
	Weakest struct {
		Claim *struct {
			ID string `json:"id"`
		} `json:"claim"`
	} `json:"weakest"`
	Links []struct {
		Kind  string              `json:"kind"`
		Band  *string             `json:"band"`
		From  struct{ ID string } `json:"from"`
		To    struct{ ID string } `json:"to"`
		Claim *struct {
			ID         string `json:"id"`
			Attributor struct {
				ID string `json:"id"`
			} `json:"attributor"`
			Date      struct{ Date string } `json:"date"`
			Citations []struct {
				Exact string `json:"exact"`
			} `json:"citations"`
		} `json:"claim"`
		Citations []struct {
			Exact string `json:"exact"`
		} `json:"citations"`
	} `json:"links"`
}

const chainFields = `strength disputed end { id } deniedBy { id } weakest { claim { id } }
  links { kind band from { id } to { id } claim { id attributor { id } date { date } citations { exact } } citations { exact } }`

func chains(t *testing.T, ts *httptest.Server, from, to string) ([]chainOut, bool) {
	t.Helper()
	var got struct {
		AttributionChains struct {
			Chains    []chainOut `json:"chains"`
			Truncated bool       `json:"truncated"`
		} `json:"attributionChains"`
	}
	vars := map[string]any{"from": from}
	if to != "" {
		vars["to"] = to
	}
	query(t, ts, `query($from: ID!, $to: ID) { attributionChains(from: $from, to: $to) { chains { `+chainFields+` } truncated } }`, vars, &got)
	return got.AttributionChains.Chains, got.AttributionChains.Truncated
}

func TestAChainFromTheIncidentThroughHomeLandJusticeToIran(t *testing.T) {
	ts, _ := newExampleServer(t)
	all, truncated := chains(t, ts, exIncident, stateID("IR"))
	if truncated || len(all) == 0 {
		t.Fatalf("%d chains, truncated %v", len(all), truncated)
	}
	var viaHLJ []chainOut
	for _, c := range all {
		if c.End.ID != stateID("IR") {
			t.Errorf("a chain to Iran ends at %s", c.End.ID)
		}
		if len(c.Links) == 2 && c.Links[0].To.ID == exHLJ && c.Links[1].Kind == "ATTRIBUTION" {
			viaHLJ = append(viaHLJ, c)
		}
	}
	found := false
	for _, c := range viaHLJ {
		a, b := c.Links[0].Claim, c.Links[1].Claim
		if a == nil || b == nil || a.Attributor.ID == b.Attributor.ID {
			continue
		}
		found = true
		// Microsoft's claim says "with high confidence" (VERY_LIKELY);
		// the FBI and CISA's states no certainty: the chain is as strong
		// as its weakest link, the UNSTATED one.
		if a.Attributor.ID != store.NodeID("Organization", "microsoft") || *c.Links[0].Band != "VERY_LIKELY" {
			t.Errorf("first link %+v", c.Links[0])
		}
		if b.ID != store.NodeID("Attribution", "us-hlj-ir") || *c.Links[1].Band != "UNSTATED" || c.Links[1].From.ID != exHLJ {
			t.Errorf("second link %+v", c.Links[1])
		}
		if c.Strength != "UNSTATED" || c.Weakest.Claim == nil || c.Weakest.Claim.ID != b.ID {
			t.Errorf("strength %s, weakest %+v; want UNSTATED at the FBI and CISA's claim", c.Strength, c.Weakest)
		}
		if len(a.Citations) == 0 || len(b.Citations) == 0 || a.Date.Date != "2022-09-08" || b.Date.Date != "2022-09-21" {
			t.Errorf("links carry no claim: %+v", c.Links)
		}
	}
	if !found {
		t.Fatalf("no chain incident -> HomeLand Justice -> Iran of two claimants in %+v", viaHLJ)
	}
	// The company's chain to the ministry ends at Iran by the ministry's
	// PART_OF link, which is no claim and does not weaken it.
	var viaMOIS *chainOut
	for i, c := range all {
		if len(c.Links) == 3 && c.Links[0].To.ID == exHLJ && c.Links[1].To.ID == exMOIS &&
			c.Links[0].Claim.Attributor.ID == store.NodeID("Organization", "microsoft") {
			viaMOIS = &all[i]
		}
	}
	if viaMOIS == nil || viaMOIS.Links[2].Kind != "PART_OF" || viaMOIS.Links[2].Claim != nil || len(viaMOIS.Links[2].Citations) == 0 ||
		viaMOIS.Strength != "VERY_LIKELY" {
		t.Errorf("chain through the ministry: %+v", viaMOIS)
	}
	// The direct claims are the strongest and the denied ones.
	if all[0].Strength != "ALMOST_CERTAIN" || len(all[0].Links) != 1 || !all[0].Disputed || len(all[0].DeniedBy) != 1 || all[0].DeniedBy[0].ID != stateID("IR") {
		t.Errorf("strongest chain %+v", all[0])
	}
	for i := 1; i < len(all); i++ {
		if rank(all[i].Strength) > rank(all[i-1].Strength) {
			t.Errorf("chain %d (%s) is stronger than chain %d (%s)", i, all[i].Strength, i-1, all[i-1].Strength)
		}
	}
}

func rank(band string) int {
	return slices.Index([]string{"UNSTATED", "REMOTE", "VERY_UNLIKELY", "UNLIKELY", "ROUGHLY_EVEN", "LIKELY", "VERY_LIKELY", "ALMOST_CERTAIN"}, band)
}

func TestChainsAreBounded(t *testing.T) {
	ts, _ := newExampleServer(t)
	for _, c := range []struct {
		q    string
		want string
	}{
		{`{ attributionChains(from: "` + exIncident + `", maxHops: 7) { truncated } }`, "maxHops: must be between 1 and 6"},
		{`{ attributionChains(from: "` + stateID("AL") + `") { truncated } }`, "a chain starts at an Incident"},
		{`{ disputes(first: 101) { claim { __typename } } }`, "first: must be between 1 and 100"},
	} {
		errs := queryErrors(t, ts, c.q, nil, nil)
		if len(errs) == 0 || !strings.Contains(errs[0].Message, c.want) {
			t.Errorf("%s: %+v; want %q", c.q, errs, c.want)
		}
	}
	all, _ := chains(t, ts, exIncident, "")
	ends := map[string]bool{}
	for _, c := range all {
		ends[c.End.ID] = true
	}
	for _, id := range []string{stateID("IR"), exHLJ, exMOIS} {
		if !ends[id] {
			t.Errorf("no chain ends at %s", id)
		}
	}
}

func TestDisputesListTheDeniedClaims(t *testing.T) {
	ts, _ := newExampleServer(t)
	var got struct {
		Disputes []struct {
			Claim struct {
				ID        string `json:"id"`
				Citations []struct {
					Exact string `json:"exact"`
				} `json:"citations"`
			} `json:"claim"`
			Endorsements []stanceOut `json:"endorsements"`
			Oppositions  []stanceOut `json:"oppositions"`
		} `json:"disputes"`
	}
	query(t, ts, `{ disputes { claim { ... on Attribution { id citations { exact } } }
  endorsements { `+stanceFields+` } oppositions { `+stanceFields+` } } }`, nil, &got)
	var ids []string
	for _, d := range got.Disputes {
		ids = append(ids, d.Claim.ID)
		if len(d.Oppositions) == 0 || d.Oppositions[0].Holder.ID != stateID("IR") || len(d.Oppositions[0].Citations) == 0 || len(d.Claim.Citations) == 0 {
			t.Errorf("dispute %+v", d)
		}
		if d.Claim.ID == claimAL && (len(d.Endorsements) != 1 || d.Endorsements[0].Holder.ID != exNATO) {
			t.Errorf("Albania's claim is not shown with NATO's endorsement: %+v", d.Endorsements)
		}
	}
	slices.Sort(ids)
	want := []string{claimAL, claimGB, claimUS}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("disputed claims %v, want %v", ids, want)
	}
}

func TestTheSummaryShowsStancesAndTheStrongestChain(t *testing.T) {
	ts, _ := newExampleServer(t)
	var got struct {
		AttributionSummary struct {
			Claims []struct {
				Attribution struct{ ID string }   `json:"attribution"`
				EndorsedBy  []struct{ ID string } `json:"endorsedBy"`
				DeniedBy    []struct{ ID string } `json:"deniedBy"`
			} `json:"claims"`
			Stances []struct {
				Stance struct {
					ID   string `json:"id"`
					Kind string `json:"kind"`
				} `json:"stance"`
				Days *int `json:"days"`
			} `json:"stances"`
			StrongestChains []chainOut `json:"strongestChains"`
		} `json:"attributionSummary"`
	}
	q := `query($i: ID!, $asOf: Date) { attributionSummary(incident: $i, asOf: $asOf) {
  claims { attribution { id } endorsedBy { id } deniedBy { id } }
  stances { stance { id kind } days }
  strongestChains { ` + chainFields + ` } } }`
	query(t, ts, q, map[string]any{"i": exIncident}, &got)
	s := got.AttributionSummary
	by := map[string]int{}
	for i, c := range s.Claims {
		by[c.Attribution.ID] = i
	}
	al := s.Claims[by[claimAL]]
	if len(al.EndorsedBy) != 1 || al.EndorsedBy[0].ID != exNATO || len(al.DeniedBy) != 1 || al.DeniedBy[0].ID != stateID("IR") {
		t.Errorf("Albania's claim: endorsed by %v, denied by %v", al.EndorsedBy, al.DeniedBy)
	}
	if hlj := s.Claims[by[store.NodeID("Attribution", "msft-incident-hlj")]]; len(hlj.DeniedBy) != 0 {
		t.Errorf("Microsoft's claim denied by %v", hlj.DeniedBy)
	}
	days := map[string]int{}
	for _, st := range s.Stances {
		if st.Days == nil {
			t.Fatalf("stance %s has no days", st.Stance.ID)
		}
		days[st.Stance.ID] = *st.Days
	}
	// 15 July to 7 September is 54 days; to 8 September, 55.
	if days[store.NodeID("Stance", "ir-denies-al")] != 54 || days[store.NodeID("Stance", "nato-endorses-al")] != 55 || len(days) != 4 {
		t.Errorf("days to each stance: %v", days)
	}
	if len(s.StrongestChains) != 1 || s.StrongestChains[0].End.ID != stateID("IR") || s.StrongestChains[0].Strength != "ALMOST_CERTAIN" {
		t.Errorf("strongest chains %+v", s.StrongestChains)
	}
	// As of 7 September, NATO had not yet spoken, nor Iran on the UK's claim.
	query(t, ts, q, map[string]any{"i": exIncident, "asOf": "2022-09-07"}, &got)
	if n := len(got.AttributionSummary.Stances); n != 1 || got.AttributionSummary.Stances[0].Stance.ID != store.NodeID("Stance", "ir-denies-al") {
		t.Errorf("stances as of 7 September: %+v", got.AttributionSummary.Stances)
	}
}

// Every citation of the example corpus verifies in code points, and every
// example document says at its top that it is a summary written for attrib.
func TestTheExampleCorpusVerifies(t *testing.T) {
	_, s := newExampleServer(t)
	dir := exampletest.Dir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) < 5 {
		t.Fatalf("%d documents: %v", len(files), err)
	}
	docs := map[string][]rune{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(raw), "\n")
		if !strings.HasPrefix(first, "Summary written for attrib of publicly reported events; not the words of any source.") {
			t.Errorf("%s does not say at its top that it is a summary written for attrib: %q", filepath.Base(f), first)
		}
		docs[store.NodeID("Document", strings.TrimSuffix(filepath.Base(f), ".txt"))] = []rune(string(raw))
	}
	checked := 0
	check := func(what string, cs []store.Citation) {
		for _, c := range cs {
			text, ok := docs[c.Document]
			if !ok {
				continue
			}
			checked++
			if c.Start < 0 || c.End > len(text) || c.Start > c.End || string(text[c.Start:c.End]) != c.Exact {
				t.Errorf("%s: citation [%d:%d] %q does not verify", what, c.Start, c.End, c.Exact)
			}
		}
	}
	err = s.View(func(tx *store.Txn) error {
		if err := tx.ScanNodes(func(id string, n *store.Node) error { check(n.Type+" "+id, n.Citations); return nil }); err != nil {
			return err
		}
		return tx.ScanEdges(func(id string, e *store.Edge) error { check(e.Type+" "+id, e.Citations); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 60 {
		t.Errorf("only %d citations into the example documents", checked)
	}
}

// addStance and addCitation over GraphQL: an editor's token, a refusal
// naming the field, the stance and the role read back, the change in the
// audit trail, and a retry with the same key writing nothing.
func TestStanceMutationsOverGraphQL(t *testing.T) {
	e := newEnv(t, false)
	var d struct{ AddDocument struct{ ID string } }
	e.must(aliceToken, `mutation($in: DocumentInput!) { addDocument(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"title": "Tehran rejects the claim", "language": "en",
		"text": "Tehran rejected the Albanian claim as baseless. Rama said Iran orchestrated and sponsored the attack."}}, &d)
	doc := d.AddDocument.ID
	in := map[string]any{"date": "2022-09-07", "kind": "DENIES", "on": claimAL, "holder": stateID("IR"), "band": "UNSTATED",
		"text": "baseless", "cite": []map[string]any{{"document": doc, "exact": "rejected the Albanian claim as baseless", "role": "SECONDARY"}}}
	add := `mutation($in: StanceInput!) { addStance(input: $in, idempotencyKey: "s1") { id kind text holder { name } on { ... on Attribution { id } } citations { role } history { mutation by } } }`
	if r := e.gql("", add, map[string]any{"in": in}); r.Code() != "FORBIDDEN" {
		t.Errorf("an anonymous stance: %s", r.Body)
	}
	bad := map[string]any{}
	for k, v := range in {
		bad[k] = v
	}
	bad["holder"] = store.NodeID("Person", "edi-rama")
	if r := e.gql(aliceToken, add, map[string]any{"in": bad}); r.Code() != "VALIDATION" || r.Errors[0].Extensions["field"] != "input.holder" {
		t.Errorf("a person as holder: %s", r.Body)
	}
	var got struct {
		AddStance struct {
			ID        string
			Kind      string
			Text      string
			Holder    struct{ Name string }
			On        struct{ ID string }
			Citations []struct{ Role string }
			History   []struct{ Mutation, By string }
		}
	}
	e.must(aliceToken, add, map[string]any{"in": in}, &got)
	s := got.AddStance
	if s.Kind != "DENIES" || s.Text != "baseless" || s.On.ID != claimAL || !strings.HasPrefix(s.Holder.Name, "Iran") ||
		len(s.Citations) != 1 || s.Citations[0].Role != "SECONDARY" || len(s.History) != 3 || s.History[0].Mutation != "addStance" || s.History[0].By != "alice" {
		t.Errorf("stance %+v", s)
	}
	var again struct{ AddStance struct{ ID string } }
	e.must(aliceToken, add, map[string]any{"in": in}, &again)
	var feed struct{ Changes struct{ TotalCount int } }
	e.must(adminToken, `{ changes { totalCount } }`, nil, &feed)
	before := feed.Changes.TotalCount
	if again.AddStance.ID != s.ID {
		t.Errorf("the retry made %s, not %s", again.AddStance.ID, s.ID)
	}

	cite := `mutation($cite: [QuoteInput!]!) { addCitation(claim: "` + claimAL + `", cite: $cite, role: SECONDARY, idempotencyKey: "c1") {
  ... on Attribution { id citations { exact role } } } }`
	var c struct {
		AddCitation struct {
			ID        string
			Citations []struct{ Exact, Role string }
		}
	}
	e.must(aliceToken, cite, map[string]any{"cite": []map[string]any{{"document": doc, "exact": "Iran orchestrated and sponsored the attack"}}}, &c)
	cs := c.AddCitation.Citations
	if c.AddCitation.ID != claimAL || len(cs) != 3 || cs[2].Role != "SECONDARY" || cs[2].Exact != "Iran orchestrated and sponsored the attack" {
		t.Errorf("cited again: %+v", c.AddCitation)
	}
	noKey := strings.Replace(cite, `, idempotencyKey: "c1"`, "", 1)
	if r := e.gql(aliceToken, noKey, map[string]any{"cite": []map[string]any{{"document": doc, "exact": "not there"}}}); r.Code() != "VALIDATION" || r.Errors[0].Extensions["field"] != "cite[0].exact" {
		t.Errorf("a missing quote: %s", r.Body)
	}
	e.must(adminToken, `{ changes { totalCount } }`, nil, &feed)
	if feed.Changes.TotalCount != before+1 {
		t.Errorf("the stance's retry and the citation made %d changes, want 1", feed.Changes.TotalCount-before)
	}
}

// The graph view draws a stance labelled by its holder and kind, as the
// JGF export labels it: opened live and from the export, the labels match.
func TestGraphViewDrawsStances(t *testing.T) {
	requirePageAssets(t)
	ts, _ := newExampleServer(t)
	tab := browsertest.NewTab(t, 1200, 800, 2*time.Minute)
	defer tab.Close()
	root := store.NodeID("Stance", "ir-denies-al")
	openGraph(tab, ts.URL+"/graph?root="+url.QueryEscape(root)+"&depth=2")
	live := browsertest.Eval[[]string](tab, "read the live view", jsLabels)
	if !slices.Contains(live, root+"|Iran: denies") {
		t.Errorf("the live view labels the denial otherwise: %q", live)
	}
	exportURL := "/export?root=" + url.QueryEscape(root) + "&depth=2&format=jgf"
	openGraph(tab, ts.URL+"/graph?file="+url.QueryEscape(exportURL))
	got := browsertest.Eval[[]string](tab, "read the JGF file's view", jsLabels)
	// A file names only the parties it holds (others show as "?"), so
	// the stances compared are Iran's, whose holder the file holds.
	for _, key := range []string{"ir-denies-al", "ir-denies-gb", "ir-denies-us"} {
		want := store.NodeID("Stance", key) + "|Iran: denies"
		if !slices.Contains(live, want) || !slices.Contains(got, want) {
			t.Errorf("%s: the live view draws\n%s\nthe JGF export\n%s", key, strings.Join(live, "\n"), strings.Join(got, "\n"))
		}
	}
}
