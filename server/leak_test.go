package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/attrib/attrib/apierr"
	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
	"github.com/attrib/attrib/store"
)

// The leak tests write facts at every marking above CLEAR, each carrying
// a marker word, and then ask the server everything they can think of as
// every role below admin, checking that nothing of a fact above the
// role's clearance comes back: not in data, not in errors, not in counts.
// The questions are not listed by hand: every root field of Query is found
// by introspection and called with arguments taken from the graph, so a
// field added later is covered with no one listing it.

// leakLevels are the markings the marked facts are written at.
var leakLevels = []string{"GREEN", "AMBER", "RED"}

// leakRoles are the roles below admin, with their tokens.
var leakRoles = []struct {
	role  auth.Role
	token string
}{{auth.Anonymous, ""}, {auth.Reader, readerToken}, {auth.Editor, aliceToken}}

// markedFacts is what was written at one marking.
type markedFacts struct {
	level  string
	marker string   // a word found nowhere else
	ids    []string // the document, the attribution and the statement
}

func markerOf(level string) string { return "zq" + strings.ToLower(level) + "marker" }

// writeMarked writes, as admin, a document, an attribution and a statement
// at each of levels, each carrying its level's marker word, with keys that
// make their IDs the same in every store.
func writeMarked(t *testing.T, e *env, levels []string) []markedFacts {
	t.Helper()
	var out []markedFacts
	for _, level := range levels {
		m := markerOf(level)
		text := "Report " + m + ". Iran was almost certainly responsible for the July cyberattack on the Albanian government, the " + m + " team found. A spokesman said " + m + " evidence exists."
		var d struct{ AddDocument struct{ ID string } }
		e.must(adminToken, `mutation($in: DocumentInput!, $marking: String) { addDocument(input: $in, marking: $marking) { id } }`,
			map[string]any{"marking": level, "in": map[string]any{"key": "leak-" + strings.ToLower(level), "title": "Report " + m,
				"text": text, "language": "en", "published": "2022-09-08"}}, &d)
		in := attributionInput(d.AddDocument.ID)
		in["key"] = "leak-" + strings.ToLower(level)
		in["certaintyText"] = "almost certainly " + m
		in["basisEn"] = m + " evidence"
		in["cite"] = []map[string]any{{"document": d.AddDocument.ID, "exact": "the " + m + " team found"}}
		var a struct{ AddAttribution struct{ ID string } }
		e.must(adminToken, `mutation($in: AttributionInput!, $marking: String) { addAttribution(input: $in, marking: $marking) { id } }`,
			map[string]any{"in": in, "marking": level}, &a)
		var s struct{ AddStatement struct{ ID string } }
		e.must(adminToken, `mutation($in: StatementInput!, $marking: String) { addStatement(input: $in, marking: $marking) { id } }`,
			map[string]any{"marking": level, "in": map[string]any{"key": "leak-" + strings.ToLower(level), "date": "2022-09-08",
				"kind": "QUOTE", "summary": "A spokesman speaks of " + m + " evidence", "text": m + " evidence exists",
				"speaker": []string{store.NodeID("Person", "edi-rama")}, "about": []string{incident, ir},
				"cite": []map[string]any{{"document": d.AddDocument.ID, "exact": m + " evidence exists"}}}}, &s)
		// A stance on the seed's own (CLEAR) claim, so that chains,
		// disputes and summaries over visible claims reach it.
		var st struct{ AddStance struct{ ID string } }
		e.must(adminToken, `mutation($in: StanceInput!, $marking: String) { addStance(input: $in, marking: $marking) { id } }`,
			map[string]any{"marking": level, "in": map[string]any{"key": "leak-" + strings.ToLower(level), "date": "2022-09-08",
				"kind": "DENIES", "on": store.NodeID("Attribution", "al-blames-ir"), "holder": ir, "band": "UNSTATED",
				"text": m + " evidence exists", "cite": []map[string]any{{"document": d.AddDocument.ID, "exact": m + " evidence exists", "role": "SECONDARY"}}}}, &st)
		out = append(out, markedFacts{level: level, marker: m, ids: []string{d.AddDocument.ID, a.AddAttribution.ID, s.AddStatement.ID, st.AddStance.ID}})
	}
	return out
}

// hiddenFrom lists the marked facts role may not see.
func hiddenFrom(role auth.Role, facts []markedFacts) []markedFacts {
	var out []markedFacts
	for _, f := range facts {
		if !ontology.Covers(role.Clearance(), f.level) {
			out = append(out, f)
		}
	}
	return out
}

// leaks returns what of hidden appears in an answer. Data must hold none
// of it, whatever was asked; an error may echo a word or an ID the caller
// itself sent (worded as for an absent ID or a malformed string), and
// nothing else.
func leaks(body string, hidden []markedFacts, sent string) []string {
	var ans struct {
		Data   json.RawMessage `json:"data"`
		Errors json.RawMessage `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &ans) != nil {
		ans.Data = []byte(body) // not GraphQL (an export): all of it is data
	}
	var found []string
	check := func(where, text string, echo bool) {
		for _, f := range hidden {
			if strings.Contains(strings.ToLower(text), f.marker) && !(echo && strings.Contains(sent, f.marker)) {
				found = append(found, where+": marker "+f.marker)
			}
			for _, id := range f.ids {
				if strings.Contains(text, id) && !(echo && strings.Contains(sent, id)) {
					found = append(found, where+": "+f.level+" id "+id)
				}
			}
		}
	}
	check("data", string(ans.Data), false)
	check("errors", string(ans.Errors), true)
	return found
}

// schemaType is the part of an introspected type the walk needs.
type schemaType struct {
	Kind          string
	Name          string
	Fields        []schemaField
	PossibleTypes []struct{ Name string }
	EnumValues    []struct{ Name string }
}

type schemaField struct {
	Name string
	Args []struct {
		Name         string
		DefaultValue *string
		Type         typeRef
	}
	Type typeRef
}

type typeRef struct {
	Kind   string
	Name   *string
	OfType *typeRef
}

// named unwraps NON_NULL and LIST.
func (r typeRef) named() (kind, name string, required, list bool) {
	required = r.Kind == "NON_NULL"
	for t := &r; t != nil; t = t.OfType {
		if t.Kind == "LIST" {
			list = true
		}
		if t.Name != nil {
			return t.Kind, *t.Name, required, list
		}
	}
	return "", "", required, list
}

const introspect = `{ __schema { queryType { name } types { kind name possibleTypes { name }
  enumValues { name }
  fields { name type { ...T } args { name defaultValue type { ...T } } } } } }
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`

type schemaIndex map[string]schemaType

func loadSchema(t *testing.T, e *env) (schemaIndex, string) {
	t.Helper()
	var out struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []schemaType
		} `json:"__schema"`
	}
	e.must(adminToken, introspect, nil, &out)
	idx := schemaIndex{}
	for _, ty := range out.Schema.Types {
		idx[ty.Name] = ty
	}
	return idx, out.Schema.QueryType.Name
}

// selection writes a selection set for type name, depth levels deep:
// every field that needs no argument, lists paged small, and every
// possible type of an interface or union.
func (s schemaIndex) selection(name string, depth int) string {
	return s.selectionAliased(name, depth, nil)
}

// selectionAliased is selection, with the fields named in conflicts
// aliased by their type: two possible types of one interface may have
// fields of one name and different types, which cannot share a name.
func (s schemaIndex) selectionAliased(name string, depth int, conflicts map[string]bool) string {
	ty := s[name]
	field := func(f string) string {
		if conflicts[f] {
			return name + "_" + f + ": " + f
		}
		return f
	}
	var b strings.Builder
	b.WriteString("{ __typename")
	switch ty.Kind {
	case "INTERFACE", "UNION":
		// A fragment is no level of nesting: each possible type gets
		// the depth the field had.
		sig := map[string]string{}
		conflict := map[string]bool{}
		for _, p := range ty.PossibleTypes {
			for _, f := range s[p.Name].Fields {
				t, _ := json.Marshal(f.Type)
				if prev, ok := sig[f.Name]; ok && prev != string(t) {
					conflict[f.Name] = true
				}
				sig[f.Name] = string(t)
			}
		}
		for _, p := range ty.PossibleTypes {
			fmt.Fprintf(&b, " ... on %s %s", p.Name, s.selectionAliased(p.Name, depth, conflict))
		}
	case "OBJECT":
		for _, f := range ty.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			args, ok := s.smallArgs(f)
			if !ok {
				continue
			}
			kind, fname, _, _ := f.Type.named()
			switch kind {
			case "SCALAR", "ENUM":
				b.WriteString(" " + field(f.Name) + args)
			default:
				if depth > 0 {
					b.WriteString(" " + field(f.Name) + args + " " + s.selection(fname, depth-1))
				}
			}
		}
	}
	b.WriteString(" }")
	return b.String()
}

// smallArgs gives a nested field's arguments: `first` small, the rest as
// defaulted; ok is false when the field needs an argument it cannot fill.
func (s schemaIndex) smallArgs(f schemaField) (string, bool) {
	var parts []string
	for _, a := range f.Args {
		_, _, required, _ := a.Type.named()
		switch {
		case a.Name == "first":
			parts = append(parts, "first: 3")
		case required && a.DefaultValue == nil:
			return "", false
		}
	}
	if len(parts) == 0 {
		return "", true
	}
	return "(" + strings.Join(parts, ", ") + ")", true
}

// argValues are the values tried for an argument of a scalar type: the
// graph's IDs (the marked facts' among them), words including the marker
// words, and dates around the marked facts.
func argValues(scalar string, ids, words []string) []any {
	switch scalar {
	case "ID":
		return toAny(ids)
	case "String":
		return toAny(words)
	case "Date":
		return []any{"2022-09-06", "2022-09-08", "2022-09-30"}
	case "Int":
		return []any{1, 4}
	case "Boolean":
		return []any{true, false}
	}
	return nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// calls makes the calls of one root field: the required arguments filled
// in turn with each value, and each optional argument tried alone with
// each value on top of the first filling.
func (s schemaIndex) calls(f schemaField, ids, words []string) []map[string]any {
	value := func(a struct {
		Name         string
		DefaultValue *string
		Type         typeRef
	}) []any {
		kind, name, _, list := a.Type.named()
		var vs []any
		switch kind {
		case "SCALAR":
			vs = argValues(name, ids, words)
		case "ENUM":
			for _, e := range s[name].EnumValues {
				vs = append(vs, e.Name)
			}
		}
		if a.Name == "first" {
			vs = []any{5}
		}
		if list {
			for i, v := range vs {
				vs[i] = []any{v}
			}
		}
		return vs
	}
	base := map[string]any{}
	var required []string
	for _, a := range f.Args {
		if _, _, req, _ := a.Type.named(); req && a.DefaultValue == nil {
			vs := value(a)
			if len(vs) == 0 {
				return nil
			}
			base[a.Name] = vs[0]
			required = append(required, a.Name)
		}
	}
	var out []map[string]any
	with := func(name string, v any) map[string]any {
		m := map[string]any{}
		for k, x := range base {
			m[k] = x
		}
		m[name] = v
		return m
	}
	out = append(out, base)
	for _, a := range f.Args {
		for _, v := range value(a) {
			out = append(out, with(a.Name, v))
		}
	}
	return out
}

// literal writes v as a GraphQL value of an argument (enums bare).
func literal(v any, enum bool) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = literal(e, enum)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		if enum {
			return x
		}
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

// rootQuery writes the query calling field with args, its selection depth
// levels deep.
func (s schemaIndex) rootQuery(f schemaField, args map[string]any, depth int) string {
	var parts []string
	names := make([]string, 0, len(args))
	for k := range args {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, a := range f.Args {
			if a.Name == k {
				kind, _, _, _ := a.Type.named()
				parts = append(parts, k+": "+literal(args[k], kind == "ENUM"))
			}
		}
	}
	q := "{ " + f.Name
	if len(parts) > 0 {
		q += "(" + strings.Join(parts, ", ") + ")"
	}
	if kind, name, _, _ := f.Type.named(); kind != "SCALAR" && kind != "ENUM" {
		q += " " + s.selection(name, depth)
	}
	return q + " }"
}

// withIndex serves e's store again with a search index of it.
func withIndex(t *testing.T, e *env) {
	t.Helper()
	x, err := search.Open(filepath.Join(t.TempDir(), "search.bleve"), e.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	tokens, err := auth.Parse(strings.NewReader(tokenFile))
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Config.Handler = server.Handler(server.Config{Store: e.store, Index: x, Limits: server.DefaultLimits, Tokens: tokens})
}

func TestNoReadShowsAFactAboveTheCallersClearance(t *testing.T) {
	e := newEnv(t, false)
	facts := writeMarked(t, e, leakLevels)
	withIndex(t, e)
	// The index must hold the marked facts, or search proves nothing.
	var found struct{ Search struct{ TotalCount int } }
	e.must(adminToken, `{ search(query: "`+facts[2].marker+`") { totalCount } }`, nil, &found)
	if found.Search.TotalCount == 0 {
		t.Fatal("an admin's search finds no RED fact: the index does not hold the marked facts")
	}
	schema, queryType := loadSchema(t, e)

	ids := []string{incident, gb, ir, store.NodeID("State", "AL"), store.NodeID("Person", "edi-rama")}
	words := []string{"Iran", "ألبانيا"}
	for _, f := range facts {
		ids = append(ids, f.ids...)
		words = append(words, f.marker)
	}

	fields := schema[queryType].Fields
	if len(fields) < 15 {
		t.Fatalf("introspection found %d root fields of Query; the walk is not seeing the schema", len(fields))
	}
	ran, asked := 0, map[string]bool{}
	for _, f := range fields {
		for _, args := range schema.calls(f, ids, words) {
			sent, _ := json.Marshal(args)
			for _, r := range leakRoles {
				hidden := hiddenFrom(r.role, facts)
				// Deep selections first; a query over a limit is asked
				// again shallower, so that every field really runs.
				for depth := 3; depth >= 0; depth-- {
					q := schema.rootQuery(f, args, depth)
					res := e.gql(r.token, q, nil)
					if res.Code() == apierr.Limit && depth > 0 {
						continue
					}
					if l := leaks(res.Body, hidden, string(sent)); len(l) > 0 {
						t.Errorf("%s as %s: %v\nquery: %s\nanswer: %.600s", f.Name, r.role, l, q, res.Body)
					}
					ran++
					asked[f.Name] = true
					break
				}
			}
		}
	}
	for _, f := range fields {
		if !asked[f.Name] {
			t.Errorf("root field %s was never asked: its arguments could not be filled", f.Name)
		}
	}
	t.Logf("%d root fields, %d calls", len(fields), ran)

	// Every export format, rooted at the incident and at each marked fact.
	roots := append([]string{incident, gb}, ids[5:]...)
	for _, r := range leakRoles {
		hidden := hiddenFrom(r.role, facts)
		for _, format := range export.Formats {
			for _, root := range append(roots, "") {
				q := url.Values{"format": {string(format)}, "depth": {"3"}}
				if root != "" {
					q.Set("root", root)
				}
				status, body := e.fetch(r.token, "/export?"+q.Encode())
				if status != 200 {
					// A refusal is an error, which may echo the root sent.
					b, _ := json.Marshal(map[string]any{"errors": body})
					body = string(b)
				}
				if l := leaks(body, hidden, root); len(l) > 0 {
					t.Errorf("/export %s root %q as %s (%d): %v", format, root, r.role, status, l)
				}
			}
		}
	}
}

// equalityQueries are the composed reads that once leaked: each must
// answer exactly as it would were the facts above the caller's clearance
// not there at all.
var equalityQueries = []string{
	`{ timeline(incident: "` + incident + `") { asOf events { date { date } kind incidents { id } daysSinceIncident node { __typename ... on Attribution { id certaintyText band } ... on Statement { id summary } ... on Incident { id } } } timeToAttribution { incident { id } attribution { id } days } } }`,
	`{ timeline { events { kind node { __typename ... on Attribution { id } ... on Statement { id } } } } }`,
	`{ attributionSummary(incident: "` + incident + `") { incident { id } claims { attribution { id certaintyText } attributor { code } blamed { __typename } date days confidence involvement } } }`,
	`{ paths(from: "` + gb + `", to: "` + ir + `") { length nodes { __typename } links { id type } } }`,
	`{ paths(from: "` + incident + `", to: "` + ir + `", maxHops: 2) { length links { id type } } }`,
	`{ neighbourhood(id: "` + incident + `", depth: 2) { depth nodes { distance node { __typename ... on Attribution { id certaintyText } ... on Statement { id } ... on Document { id title } } } links { id type } } }`,
	`{ neighbourhood(id: "` + ir + `") { nodes { node { __typename } } links { id } } }`,
	`{ attributionChains(from: "` + incident + `", to: "` + ir + `") { truncated chains { strength disputed end { id } deniedBy { id } weakest { claim { id } }
	  links { kind band claim { id certaintyText stances { id text } } opposedBy { id text holder { id } } } } } }`,
	`{ disputes { claim { __typename ... on Attribution { id certaintyText } } endorsements { id } oppositions { id text citations { exact role } } } }`,
	`{ attributionSummary(incident: "` + incident + `") { claims { attribution { id } endorsedBy { id } deniedBy { id } } stances { stance { id text } days } strongestChains { strength end { id } deniedBy { id } } } }`,
	// Scores (and so the order of hits) are bleve's, over every indexed
	// record: a search is compared by what it counts.
	`{ search(query: "Iran almost certainly responsible") { totalCount } }`,
}

func TestComposedReadsAnswerAsIfHiddenFactsWereAbsent(t *testing.T) {
	full := newEnv(t, false)
	writeMarked(t, full, leakLevels)
	withIndex(t, full)
	for _, r := range leakRoles {
		var shown []string
		for _, level := range leakLevels {
			if ontology.Covers(r.role.Clearance(), level) {
				shown = append(shown, level)
			}
		}
		// The same store with only the facts the role may see.
		twin := newEnv(t, false)
		writeMarked(t, twin, shown)
		withIndex(t, twin)
		for _, q := range equalityQueries {
			got, want := full.gql(r.token, q, nil), twin.gql(r.token, q, nil)
			if got.Status != want.Status || !bytes.Equal([]byte(got.Body), []byte(want.Body)) {
				t.Errorf("as %s, %s\nanswers with the hidden facts: %.800s\nwithout them:                %.800s", r.role, q, got.Body, want.Body)
			}
			if len(want.Errors) > 0 {
				t.Errorf("as %s, %s fails: %s", r.role, q, want.Body)
			}
		}
	}
}

// A write tells its writer no more than a read would: naming a fact above
// the writer's clearance, in a link, a citation or a retraction, is
// answered exactly as naming one that does not exist.
func TestWritesAnswerAsIfHiddenFactsWereAbsent(t *testing.T) {
	e := newEnv(t, false)
	facts := writeMarked(t, e, leakLevels)
	red := hiddenFrom(auth.Editor, facts)[0]
	doc, claim, statement := red.ids[0], red.ids[1], red.ids[2]
	// Absent twins of the same types.
	absent := map[string]string{
		doc:       store.NodeID("Document", "leak-absent"),
		claim:     store.NodeID("Attribution", "leak-absent"),
		statement: store.NodeID("Statement", "leak-absent"),
	}
	attribution := func(id string) map[string]any {
		in := attributionInput(facts[0].ids[0])
		in["cite"] = []map[string]any{{"document": facts[0].ids[0], "exact": "the " + facts[0].marker + " team found"}}
		in["blamed"] = []string{id}
		return in
	}
	cited := func(id string) map[string]any {
		in := attributionInput(id)
		in["cite"] = []map[string]any{{"document": id, "exact": "the " + red.marker + " team found"}}
		return in
	}
	addClaim := `mutation($in: AttributionInput!) { addAttribution(input: $in) { id } }`
	addStance := `mutation($in: StanceInput!) { addStance(input: $in) { id } }`
	stance := func(id string) map[string]any {
		return map[string]any{"in": map[string]any{"date": "2022-09-08", "kind": "DENIES", "on": id, "holder": ir, "band": "UNSTATED",
			"cite": []map[string]any{{"document": facts[0].ids[0], "exact": "the " + facts[0].marker + " team found"}}}}
	}
	addCitation := `mutation($claim: ID!, $cite: [QuoteInput!]!) { addCitation(claim: $claim, cite: $cite, role: SECONDARY) { id } }`
	citeAgain := func(id string) map[string]any {
		return map[string]any{"claim": id, "cite": []map[string]any{{"document": facts[0].ids[0], "exact": "the " + facts[0].marker + " team found"}}}
	}
	retract := `mutation($id: ID!) { retract(id: $id, reason: "test") { seq } }`
	for _, c := range []struct {
		name, query string
		vars        func(id string) map[string]any
		ids         []string
	}{
		{"blamed", addClaim, func(id string) map[string]any { return map[string]any{"in": attribution(id)} }, []string{claim, statement}},
		{"cited", addClaim, func(id string) map[string]any { return map[string]any{"in": cited(id)} }, []string{doc}},
		{"retracted", retract, func(id string) map[string]any { return map[string]any{"id": id} }, []string{doc, claim, statement}},
		{"stance on", addStance, stance, []string{claim}},
		{"cited again", addCitation, citeAgain, []string{claim, statement}},
	} {
		for _, id := range c.ids {
			got := e.gql(aliceToken, c.query, c.vars(id))
			want := e.gql(aliceToken, c.query, c.vars(absent[id]))
			g := strings.ReplaceAll(got.Body, id, "ID")
			w := strings.ReplaceAll(want.Body, absent[id], "ID")
			if g != w || len(got.Errors) == 0 {
				t.Errorf("%s %s as an editor:\nhidden: %s\nabsent: %s", c.name, id, got.Body, want.Body)
			}
			if l := leaks(got.Body, []markedFacts{red}, id); len(l) > 0 {
				t.Errorf("%s %s: %v", c.name, id, l)
			}
		}
	}
}
