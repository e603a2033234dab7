package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/attrib/attrib/store"
)

// vendorReport is a document the test writes: a company's own claims about
// a persona, the malware it used, and whom the persona works for.
const vendorReport = `Contoso Security report: HomeLand Justice

Contoso Security assesses with high confidence that the persona HomeLand Justice carried out the July 2022 attack on the Albanian government, using the ZeroCleare wiper to destroy data. Contoso tracks the operators as Storm-0842. In a separate finding, Contoso judges that the group acts for Iran's Ministry of Intelligence and Security.`

// ctiEnv adds the vendor report and the facts it supports as alice, and
// returns the IDs it wrote.
type ctiIDs struct{ doc, contoso, actor, malware, pattern, campaign string }

func (e *env) addVendorReport() ctiIDs {
	e.t.Helper()
	var ids ctiIDs
	var d struct{ AddDocument struct{ ID string } }
	e.must(aliceToken, addDocument, map[string]any{"in": map[string]any{
		"title": "Contoso Security report: HomeLand Justice", "text": vendorReport, "language": "en", "published": "2022-09-20",
	}}, &d)
	ids.doc = d.AddDocument.ID
	q := func(exact string) []map[string]any { return []map[string]any{{"document": ids.doc, "exact": exact}} }
	var org struct{ UpsertOrganization struct{ ID string } }
	e.must(aliceToken, `mutation($in: OrganizationInput!) { upsertOrganization(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"key": "contoso", "nameEn": "Contoso Security", "kind": "COMPANY", "cite": q("Contoso Security report"),
	}}, &org)
	ids.contoso = org.UpsertOrganization.ID
	var ap struct{ UpsertAttackPattern struct{ ID string } }
	e.must(aliceToken, `mutation($in: AttackPatternInput!) { upsertAttackPattern(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"key": "t0809", "nameEn": "Data Destruction", "cite": q("to destroy data"),
		"externalIds": []map[string]any{{"source": "mitre-attack", "externalId": "T0809", "url": "https://attack.mitre.org/techniques/T0809"}},
	}}, &ap)
	ids.pattern = ap.UpsertAttackPattern.ID
	var mw struct{ UpsertMalware struct{ ID string } }
	e.must(aliceToken, `mutation($in: MalwareInput!) { upsertMalware(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"key": "zerocleare", "nameEn": "ZeroCleare", "kinds": []string{"wiper"}, "uses": []string{ids.pattern}, "cite": q("ZeroCleare wiper"),
	}}, &mw)
	ids.malware = mw.UpsertMalware.ID
	var ta struct{ UpsertThreatActor struct{ ID string } }
	e.must(aliceToken, `mutation($in: ThreatActorInput!) { upsertThreatActor(input: $in) { id } }`, map[string]any{"in": threatActorInput(ids, nil)}, &ta)
	ids.actor = ta.UpsertThreatActor.ID
	var cp struct{ UpsertCampaign struct{ ID string } }
	e.must(aliceToken, `mutation($in: CampaignInput!) { upsertCampaign(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"key": "albania-2022", "nameEn": "Albania 2022", "firstSeen": "2022-07-15", "uses": []string{ids.malware},
		"targets": []string{store.NodeID("State", "AL")}, "cite": q("the July 2022 attack on the Albanian government"),
	}}, &cp)
	ids.campaign = cp.UpsertCampaign.ID
	return ids
}

func threatActorInput(ids ctiIDs, with map[string]any) map[string]any {
	in := map[string]any{
		"key": "homeland-justice", "nameEn": "HomeLand Justice", "kind": "PERSONA",
		"aliases":   []map[string]any{{"text": "Storm-0842", "source": "Contoso Security"}},
		"firstSeen": "2022-07-15", "uses": []string{ids.malware}, "targets": []string{store.NodeID("State", "AL")},
		"cite": []map[string]any{{"document": ids.doc, "exact": "the persona HomeLand Justice"}},
	}
	for k, v := range with {
		in[k] = v
	}
	return in
}

// A company's claims are the company's: one that an incident was the work
// of a persona, one that the persona works for a state, each its own
// Attribution. The seed's claims, and the README's query of who blamed
// Iran, keep their answers beside the company's.
func TestACompanyAttributesAnIncidentToAGroupAndTheGroupToAState(t *testing.T) {
	e := newEnv(t, false)
	ids := e.addVendorReport()
	q := func(exact string) []map[string]any { return []map[string]any{{"document": ids.doc, "exact": exact}} }
	const add = `mutation($in: AttributionInput!) { addAttribution(input: $in) { id attributor { id name code } blamed { id name } incident { id } subject { id name } } }`
	var a1, a2 struct {
		AddAttribution struct {
			ID         string
			Attributor struct {
				ID, Name string
				Code     *string
			}
			Blamed   []struct{ ID, Name string }
			Incident *struct{ ID string }
			Subject  struct{ ID, Name string }
		}
	}
	e.must(aliceToken, add, map[string]any{"in": map[string]any{
		"date": "2022-09-20", "attributor": ids.contoso, "blamed": []string{ids.actor}, "incident": incident,
		"band": "LIKELY", "certaintyText": "with high confidence", "cite": q("assesses with high confidence that the persona HomeLand Justice carried out"),
	}}, &a1)
	if got := a1.AddAttribution; got.Attributor.ID != ids.contoso || got.Attributor.Code != nil || len(got.Blamed) != 1 || got.Blamed[0].Name != "HomeLand Justice" || got.Incident == nil || got.Subject.ID != incident {
		t.Fatalf("company's claim about the incident reads back as %+v", got)
	}
	e.must(aliceToken, add, map[string]any{"in": map[string]any{
		"date": "2022-09-20", "attributor": ids.contoso, "blamed": []string{ir}, "subject": ids.actor,
		"band": "UNSTATED", "cite": q("the group acts for Iran's Ministry of Intelligence and Security"),
	}}, &a2)
	if got := a2.AddAttribution; got.Incident != nil || got.Subject.Name != "HomeLand Justice" || got.Blamed[0].ID != ir {
		t.Fatalf("claim that the group works for Iran reads back as %+v", got)
	}

	// The seed's claims keep their answer; the company's is a fourth,
	// filed under the company, never under a government.
	var inc struct {
		Node struct {
			Attributions []struct {
				Attributor struct {
					Code *string
					Name string
				}
				Blamed []struct {
					Typename string `json:"__typename"`
					Name     string
				}
			}
		}
	}
	e.must("", `query($id: ID!) { node(id: $id) { ... on Incident { attributions { attributor { code name } blamed { __typename name } } } } }`, map[string]any{"id": incident}, &inc)
	var by []string
	for _, a := range inc.Node.Attributions {
		if a.Attributor.Code != nil {
			by = append(by, *a.Attributor.Code)
		} else {
			by = append(by, a.Attributor.Name+"→"+a.Blamed[0].Typename)
		}
	}
	if strings.Join(by, ",") != "AL,GB,US,Contoso Security→ThreatActor" {
		t.Errorf("incident's claimants = %v, want AL, GB, US and Contoso Security blaming a ThreatActor", by)
	}
	var readme struct {
		Attributions struct {
			TotalCount int
			Edges      []struct {
				Node struct{ Attributor struct{ Code string } }
			}
		}
	}
	e.must("", `{ attributions(blamed: "U3RhdGU6SVI") { totalCount edges { node { attributor { code } } } } }`, nil, &readme)
	if readme.Attributions.TotalCount != 4 {
		t.Errorf("claims blaming Iran = %d, want the seed's 3 and the company's claim about the group", readme.Attributions.TotalCount)
	}

	// The actor answers what it uses, who blames it and whom it is said to
	// work for.
	var actor struct {
		ThreatActors struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Name    string
					Kind    string
					Aliases []struct{ Text, Source string }
					Uses    []struct {
						Typename string `json:"__typename"`
						Name     string
					}
					AttributionsReceived []struct{ Attributor struct{ Name string } }
					Attributions         []struct{ Blamed []struct{ Code string } }
					Targets              []struct{ Code string }
					Citations            []textCitation
				}
			}
		}
	}
	e.must("", `{ threatActors(name: "storm-0842") { totalCount edges { node { name kind aliases { text source }
		uses { __typename ... on Malware { name } ... on AttackPattern { name } }
		attributionsReceived { attributor { name } } attributions { blamed { code } } targets { ... on State { code } }
		`+textCitationFields+` } } } }`, nil, &actor)
	if actor.ThreatActors.TotalCount != 1 {
		t.Fatalf("threatActors(name: alias) found %d, want HomeLand Justice", actor.ThreatActors.TotalCount)
	}
	ta := actor.ThreatActors.Edges[0].Node
	if ta.Name != "HomeLand Justice" || ta.Kind != "PERSONA" || ta.Aliases[0].Source != "Contoso Security" ||
		len(ta.Uses) != 1 || ta.Uses[0].Name != "ZeroCleare" || ta.AttributionsReceived[0].Attributor.Name != "Contoso Security" ||
		ta.Attributions[0].Blamed[0].Code != "IR" || ta.Targets[0].Code != "AL" {
		t.Errorf("actor reads back as %+v", ta)
	}
	verify(t, "threat actor", ta.Citations)

	// An incident may be part of a campaign.
	var up struct {
		UpsertIncident struct{ Campaigns []struct{ Name string } }
	}
	e.must(aliceToken, `mutation($in: IncidentInput!) { upsertIncident(input: $in) { campaigns { name } } }`, map[string]any{"in": map[string]any{
		"key": "albania-wiper", "nameEn": "ZeroCleare wiper attack", "kind": "CYBERATTACK", "date": "2022-07-15",
		"partOf": []string{ids.campaign}, "cite": q("using the ZeroCleare wiper to destroy data"),
	}}, &up)
	var camp struct {
		Node struct{ Incidents []struct{ Name string } }
	}
	e.must("", `query($id: ID!) { node(id: $id) { ... on Campaign { incidents { name } } } }`, map[string]any{"id": ids.campaign}, &camp)
	if len(up.UpsertIncident.Campaigns) != 1 || up.UpsertIncident.Campaigns[0].Name != "Albania 2022" || len(camp.Node.Incidents) != 1 {
		t.Errorf("incident part of campaign: %+v, campaign's incidents %+v", up, camp)
	}
	// paths joins the company to the group through its claim.
	var paths struct{ Paths []struct{ Length int } }
	e.must("", `query($a: ID!, $b: ID!) { paths(from: $a, to: $b) { length } }`, map[string]any{"a": ids.contoso, "b": ids.actor}, &paths)
	if len(paths.Paths) == 0 || paths.Paths[0].Length != 2 {
		t.Errorf("paths from the company to the group: %+v, want one of 2 links through its claim", paths)
	}

	// node and nodes cover every new type.
	var nodes struct {
		Nodes []struct {
			Typename string `json:"__typename"`
		}
	}
	e.must("", `query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }`, map[string]any{"ids": []string{ids.actor, ids.campaign, ids.malware, ids.pattern}}, &nodes)
	var types []string
	for _, n := range nodes.Nodes {
		types = append(types, n.Typename)
	}
	if strings.Join(types, ",") != "ThreatActor,Campaign,Malware,AttackPattern" {
		t.Errorf("nodes = %v", types)
	}
}

// The lists filter as the other lists do, and count what they filter.
func TestThreatIntelligenceListsFilterAndCount(t *testing.T) {
	e := newEnv(t, false)
	ids := e.addVendorReport()
	// The company's claim that the persona ran the campaign.
	e.must(aliceToken, `mutation($in: AttributionInput!) { addAttribution(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"date": "2022-09-20", "attributor": ids.contoso, "blamed": []string{ids.actor}, "subject": ids.campaign, "band": "LIKELY",
		"cite": []map[string]any{{"document": ids.doc, "exact": "assesses with high confidence that the persona HomeLand Justice carried out"}},
	}}, nil)
	count := func(query string, vars map[string]any) int {
		t.Helper()
		var out map[string]struct{ TotalCount int }
		e.must("", query, vars, &out)
		for _, v := range out {
			return v.TotalCount
		}
		return -1
	}
	cases := []struct {
		name, query string
		vars        map[string]any
		want        int
	}{
		{"actors", `{ threatActors { totalCount } }`, nil, 1},
		{"actors by kind", `{ threatActors(kind: "GROUP") { totalCount } }`, nil, 0},
		{"actors using the malware", `query($id: ID) { threatActors(uses: $id) { totalCount } }`, map[string]any{"id": ids.malware}, 1},
		{"actors using the technique directly", `query($id: ID) { threatActors(uses: $id) { totalCount } }`, map[string]any{"id": ids.pattern}, 0},
		{"campaigns", `{ campaigns { totalCount } }`, nil, 1},
		{"actors the company blames", `query($id: ID) { threatActors(blamedBy: $id) { totalCount } }`, map[string]any{"id": ids.contoso}, 1},
		{"actors Albania blames", `query($id: ID) { threatActors(blamedBy: $id) { totalCount } }`, map[string]any{"id": store.NodeID("State", "AL")}, 0},
		{"campaigns attributed to the persona", `query($id: ID) { campaigns(attributedTo: $id) { totalCount } }`, map[string]any{"id": ids.actor}, 1},
		{"campaigns attributed to Iran", `query($id: ID) { campaigns(attributedTo: $id) { totalCount } }`, map[string]any{"id": ir}, 0},
		{"campaigns by name, any case", `{ campaigns(name: "albania 2022") { totalCount } }`, nil, 1},
		{"campaigns first seen later", `{ campaigns(from: "2022-08-01") { totalCount } }`, nil, 0},
		{"malware of the actor", `query($id: ID) { malware(usedBy: $id) { totalCount } }`, map[string]any{"id": ids.actor}, 1},
		{"malware by kind", `{ malware(kind: "wiper") { totalCount } }`, nil, 1},
		{"tools", `{ tools { totalCount } }`, nil, 0},
		{"patterns by ATT&CK id", `{ attackPatterns(externalId: "t0809") { totalCount } }`, nil, 1},
		{"patterns of the malware", `query($id: ID) { attackPatterns(usedBy: $id) { totalCount } }`, map[string]any{"id": ids.malware}, 1},
	}
	for _, c := range cases {
		if got := count(c.query, c.vars); got != c.want {
			t.Errorf("%s: totalCount %d, want %d", c.name, got, c.want)
		}
	}
	r := e.gql("", `{ threatActors(kind: "GANG") { totalCount } }`, nil)
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "GROUP") {
		t.Errorf("unknown kind: want an error naming the kinds, got %s", r.Body)
	}
}

// Every write rule holds for the new mutations: a field named on error,
// nothing written; the same input twice writes once.
func TestThreatIntelligenceWritesAreValidatedAndIdempotent(t *testing.T) {
	e := newEnv(t, false)
	ids := e.addVendorReport()
	var feed struct{ Changes struct{ TotalCount int } }
	e.must(adminToken, `{ changes { totalCount } }`, nil, &feed)
	before, feedBefore := dump(t, e.store), feed.Changes.TotalCount

	// The same actor again changes nothing.
	e.must(aliceToken, `mutation($in: ThreatActorInput!) { upsertThreatActor(input: $in) { id } }`, map[string]any{"in": threatActorInput(ids, nil)}, nil)
	const upsertActor = `mutation($in: ThreatActorInput!) { upsertThreatActor(input: $in) { id } }`
	const add = `mutation($in: AttributionInput!) { addAttribution(input: $in) { id } }`
	claim := func(with map[string]any) map[string]any {
		in := map[string]any{"date": "2022-09-20", "attributor": ids.contoso, "blamed": []string{ids.actor}, "incident": incident,
			"band": "LIKELY", "cite": []map[string]any{{"document": ids.doc, "exact": "Contoso tracks the operators as Storm-0842"}}}
		for k, v := range with {
			in[k] = v
		}
		return in
	}
	cases := []struct {
		name, query string
		in          map[string]any
		field, says string
	}{
		{"actor kind", upsertActor, threatActorInput(ids, map[string]any{"kind": "GANG"}), "input.kind", `"GANG" is not one of`},
		{"seen backwards", upsertActor, threatActorInput(ids, map[string]any{"lastSeen": "2021-01-01"}), "input.lastSeen", "before firstSeen"},
		{"uses a state", upsertActor, threatActorInput(ids, map[string]any{"uses": []string{ir}}), "input.uses[0]", `State "Iran (Islamic Republic of)" is not a Malware, a Tool or an AttackPattern`},
		{"via outside the claimant", add, claim(map[string]any{"via": []string{store.NodeID("Person", "edi-rama")}}), "input.via[0]", "not a member or part of the attributor"},
		{"claimant a person", add, claim(map[string]any{"attributor": store.NodeID("Person", "edi-rama")}), "input.attributor", `Person "Edi Rama" is not a State or an Organization`},
		{"subject a state", add, claim(map[string]any{"incident": nil, "subject": ir}), "input.subject", `State "Iran (Islamic Republic of)" is not an Incident, a Campaign or a ThreatActor`},
		{"two subjects", add, claim(map[string]any{"subject": ids.campaign}), "input.subject", "not both"},
		{"no subject", add, claim(map[string]any{"incident": nil}), "input.incident", "is required"},
	}
	for _, c := range cases {
		r := e.gql(aliceToken, c.query, map[string]any{"in": c.in})
		if r.Code() != "VALIDATION" {
			t.Errorf("%s: want a VALIDATION error, got %s", c.name, r.Body)
			continue
		}
		if msg := r.Errors[0].Message; !strings.HasPrefix(msg, c.field+": ") || !strings.Contains(msg, c.says) {
			t.Errorf("%s: message %q does not name %s and say %q", c.name, msg, c.field, c.says)
		}
	}
	if after := dump(t, e.store); after != before {
		t.Error("a repeated upsert or a refused mutation changed the store")
	}
	e.must(adminToken, `{ changes { totalCount } }`, nil, &feed)
	if feed.Changes.TotalCount != feedBefore {
		t.Errorf("changes feed grew from %d to %d", feedBefore, feed.Changes.TotalCount)
	}
	// Each new fact has its audit trail: the actor and the two links it
	// owns (USES, TARGETS), each created once.
	var h struct {
		Node struct {
			History []struct{ Op, Mutation string }
		}
	}
	e.must(aliceToken, `query($id: ID!) { node(id: $id) { ... on ThreatActor { history { op mutation } } } }`, map[string]any{"id": ids.actor}, &h)
	ok := len(h.Node.History) == 3
	for _, c := range h.Node.History {
		ok = ok && c.Op == "create" && c.Mutation == "upsertThreatActor"
	}
	if !ok {
		raw, _ := json.Marshal(h.Node.History)
		t.Errorf("actor history = %s, want three creates by upsertThreatActor", raw)
	}
}

// importGraph reports one line per STIX type, as attrib import prints.
func TestImportGraphReportsPerSTIXType(t *testing.T) {
	e := newEnv(t, false)
	bundle := `{"type": "bundle", "id": "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "objects": [
 {"type": "intrusion-set", "spec_version": "2.1", "id": "intrusion-set--4e78f46f-a023-4e5f-bc24-71b3ca22ec29", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z", "name": "Grid Storm", "aliases": ["STORM-9"]},
 {"type": "x-acme-widget", "spec_version": "2.1", "id": "x-acme-widget--7e150503-88e7-4861-866b-ff1ac82c4475", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z"}
]}`
	var out struct {
		ImportGraph struct {
			Written int
			ByType  []string
		}
	}
	e.must(aliceToken, `mutation($data: String!) { importGraph(data: $data) { written byType } }`, map[string]any{"data": bundle}, &out)
	want := "intrusion-set: 1: kept 1 as ThreatActor\nx-acme-widget: 1: skipped 1: no attrib type for custom x- objects: they have no standard meaning to map"
	if got := strings.Join(out.ImportGraph.ByType, "\n"); got != want || out.ImportGraph.Written == 0 {
		t.Errorf("byType:\n%s\nwant:\n%s", got, want)
	}
}
