package export

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// The STIX 2.1 mapping is documented in docs/export.md; keep the two in step.

// stixNamespace is the UUIDv5 namespace of every STIX id attrib writes: the
// same record always gets the same id, in every data directory.
var stixNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/attrib/attrib/stix"))

// stixID returns the deterministic STIX id of the object of type typ made
// from attrib record id (role tells apart several objects of one record).
func stixID(typ, id, role string) string {
	return typ + "--" + uuid.NewSHA1(stixNamespace, []byte(typ+"\x00"+id+"\x00"+role)).String()
}

// TLP 2.0 marking definitions, with the ids the STIX TLP 2.0 extension
// (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d) fixes.
var tlpIDs = map[string]string{
	"CLEAR":        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
	"GREEN":        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	"AMBER":        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	"AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
	"RED":          "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}

const tlpExtension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// epoch stands in for a time when no document gives one: STIX needs
// created and modified, and attrib takes them from the record, never the
// clock.
const epoch = "1970-01-01T00:00:00.000Z"

func tlpMarking(level string) map[string]any {
	return map[string]any{
		"type":         "marking-definition",
		"spec_version": "2.1",
		"id":           tlpIDs[level],
		"created":      "2022-10-01T00:00:00.000Z",
		"name":         "TLP:" + level,
		"extensions": map[string]any{
			tlpExtension: map[string]any{"extension_type": "property-extension", "tlp_2_0": strings.ToLower(level)},
		},
	}
}

// folded edge types are carried inside the claim object they start from
// (created_by_ref, object_refs, the attributed-to relationship) rather than
// as relationships of their own.
var folded = map[string]bool{
	ontology.AttributedBy: true, ontology.Blames: true, ontology.Concerns: true, ontology.Via: true,
	ontology.RespondedBy: true, ontology.DirectedAt: true, ontology.Answers: true, ontology.Follows: true,
	ontology.SaidBy: true, ontology.OnBehalfOf: true, ontology.About: true,
	ontology.On: true, ontology.HeldBy: true,
}

// relationshipTypes names the STIX relationship of each edge type that is
// not folded.
var relationshipTypes = map[string]string{
	ontology.Targeted:   "targets",
	ontology.MemberOf:   "member-of",
	ontology.PartOf:     "part-of",
	ontology.LocatedIn:  "located-at",
	ontology.AllyOf:     "ally-of",
	ontology.ReportedBy: "reported-by",
	ontology.Uses:       "uses",
	ontology.Targets:    "targets",
}

// primaryID is the STIX object that stands for an attrib node.
func primaryID(typ, id string) string {
	switch typ {
	case ontology.State, ontology.Organization, ontology.Person:
		return stixID("identity", id, "")
	case ontology.Incident:
		return stixID("incident", id, "")
	case ontology.Attribution, ontology.Document:
		return stixID("report", id, "")
	case ontology.Stance:
		return stixID("opinion", id, "")
	default: // Response, Statement
		return stixID("note", id, "")
	}
}

type stixWriter struct {
	src       *source
	l         *list
	published map[string]string   // document ID -> its publication time
	supports  map[string][]string // document ID -> STIX ids citing it
	markings  map[string]bool
	refs      map[string]string // node ID -> STIX id of its primary object
	standIns  map[string]string // blamed State or Organization -> its threat-actor
}

func writeSTIX(w *bufio.Writer, src *source) error {
	h := sha256.New()
	for _, ids := range [][]string{src.sel.Nodes, src.sel.Edges, src.sel.Documents} {
		for _, id := range ids {
			h.Write([]byte(id + "\x00"))
		}
		h.Write([]byte{1})
	}
	bundleID := "bundle--" + uuid.NewSHA1(stixNamespace, h.Sum(nil)).String()
	sw := &stixWriter{src: src, published: map[string]string{}, supports: map[string][]string{}, markings: map[string]bool{},
		refs: map[string]string{}, standIns: map[string]string{}}
	for _, id := range src.sel.Documents {
		d, err := src.node(id)
		if err != nil {
			return err
		}
		if p := d.Props.String("published"); p != "" {
			sw.published[id] = p + "T00:00:00.000Z"
		}
	}
	w.WriteString("{\n  \"type\": \"bundle\",\n  \"id\": \"" + bundleID + "\",\n  \"objects\": [")
	sw.l = &list{w: w, indent: "    "}
	for _, id := range src.sel.Nodes {
		n, err := src.node(id)
		if err != nil {
			return err
		}
		if err := sw.node(n); err != nil {
			return fmt.Errorf("stix: %s %s: %w", n.Type, n.ID, err)
		}
	}
	for _, id := range src.sel.Edges {
		e, err := src.edge(id)
		if err != nil {
			return err
		}
		if folded[e.Type] {
			continue
		}
		if err := sw.relationship(e); err != nil {
			return fmt.Errorf("stix: edge %s: %w", e.ID, err)
		}
	}
	for _, id := range src.sel.Documents {
		d, err := src.node(id)
		if err != nil {
			return err
		}
		if err := sw.document(d); err != nil {
			return fmt.Errorf("stix: document %s: %w", d.ID, err)
		}
	}
	levels := make([]string, 0, len(sw.markings))
	for m := range sw.markings {
		levels = append(levels, m)
	}
	slices.Sort(levels)
	for _, m := range levels {
		if err := sw.l.add(tlpMarking(m)); err != nil {
			return err
		}
	}
	sw.l.close("]\n}\n")
	return nil
}

// created is the time of a record: the earliest publication date among
// the documents its citations point into.
func (sw *stixWriter) created(cs []store.Citation) string {
	t := ""
	for _, c := range cs {
		if p, ok := sw.published[c.Document]; ok && (t == "" || p < t) {
			t = p
		}
	}
	if t == "" {
		return epoch
	}
	return t
}

// common fills the properties every object attrib writes carries: its
// record's id, type and properties, its citations (as external references
// and in full), times and marking.
func (sw *stixWriter) common(typ, id string, rec recordView, extra []store.Citation) map[string]any {
	cs := append(slices.Clone(rec.citations), extra...)
	t := sw.created(cs)
	level := rec.meta.Marking
	if level == "" {
		level = "CLEAR"
	}
	if _, ok := tlpIDs[level]; !ok {
		level = "RED" // an unknown marking is treated as the most restrictive
	}
	sw.markings[level] = true
	o := map[string]any{
		"type":                typ,
		"spec_version":        "2.1",
		"id":                  id,
		"created":             t,
		"modified":            t,
		"object_marking_refs": []string{tlpIDs[level]},
		"x_attrib_id":         rec.id,
		"x_attrib_type":       rec.typ,
		"x_attrib_properties": rec.props,
		"x_attrib_citations":  cs,
	}
	if rec.meta.CreatedBy != "" {
		o["x_attrib_created_by"] = rec.meta.CreatedBy
	}
	if rec.meta.Retraction != nil {
		o["revoked"] = true
		o["x_attrib_retraction"] = rec.meta.Retraction
	}
	if len(cs) > 0 {
		refs := make([]map[string]any, len(cs))
		for i, c := range cs {
			refs[i] = map[string]any{
				"source_name": "attrib citation",
				"description": c.Exact,
				"external_id": fmt.Sprintf("%s#%d-%d", c.Document, c.Start, c.End),
			}
			sw.cites(c.Document, id)
		}
		o["external_references"] = refs
	}
	return o
}

// cites records that STIX object id is supported by document doc.
func (sw *stixWriter) cites(doc, id string) {
	s := sw.supports[doc]
	if len(s) == 0 || s[len(s)-1] != id {
		sw.supports[doc] = append(s, id)
	}
}

type recordView struct {
	id, typ   string
	props     store.Props
	citations []store.Citation
	meta      store.Meta
}

func nodeView(n *store.Node) recordView {
	return recordView{n.ID, n.Type, n.Props, n.Citations, n.Meta}
}

// claimLinks returns the selected out-edges of a claim node, by type.
func (sw *stixWriter) claimLinks(id string) (map[string][]*store.Edge, []store.Citation, error) {
	refs, err := sw.src.tx.Edges(id, store.Out, "")
	if err != nil {
		return nil, nil, err
	}
	out := map[string][]*store.Edge{}
	var cs []store.Citation
	for _, r := range refs {
		if _, ok := slices.BinarySearch(sw.src.sel.Edges, r.ID); !ok {
			continue
		}
		e, err := sw.src.edge(r.ID)
		if err != nil {
			return nil, nil, err
		}
		out[e.Type] = append(out[e.Type], e)
		cs = append(cs, e.Citations...)
	}
	return out, cs, nil
}

// targetID is the primary STIX id of the node an edge points to.
func (sw *stixWriter) targetID(e *store.Edge) string { return sw.ref(e.To) }

// ctiTypes is the STIX type of each threat-intelligence node type (a
// ThreatActor other than a GROUP is a threat-actor).
var ctiTypes = map[string]string{ontology.ThreatActor: "intrusion-set", ontology.Campaign: "campaign",
	ontology.Malware: "malware", ontology.Tool: "tool", ontology.AttackPattern: "attack-pattern"}

// ref is the STIX id of a node's primary object. An object that came
// from a bundle keeps its id: the stix_id it carries, or its key when the
// key is a STIX id of the right type (identities and incidents a STIX
// import made).
func (sw *stixWriter) ref(id string) string {
	if r, ok := sw.refs[id]; ok {
		return r
	}
	typ, key, err := store.DecodeNodeID(id)
	if err != nil {
		return ""
	}
	r := primaryID(typ, id)
	if st, ok := ctiTypes[typ]; ok {
		n, err := sw.src.tx.Node(id)
		if err == nil && typ == ontology.ThreatActor && n.Props.String("kind") != "GROUP" {
			st = "threat-actor"
		}
		r = stixID(st, id, "")
		if err == nil && strings.HasPrefix(n.Props.String("stix_id"), st+"--") {
			r = n.Props.String("stix_id")
		}
	} else if want, _, _ := strings.Cut(r, "--"); strings.HasPrefix(key, want+"--") && uuid.Validate(strings.TrimPrefix(key, want+"--")) == nil {
		r = key
	}
	sw.refs[id] = r
	return r
}

func dateTime(p store.Props) string {
	if d := p.String("date"); d != "" {
		return d + "T00:00:00.000Z"
	}
	return ""
}

func (sw *stixWriter) node(n *store.Node) error {
	v := nodeView(n)
	switch n.Type {
	case ontology.State:
		o := sw.common("identity", sw.ref(n.ID), v, nil)
		o["name"] = n.Props.String("name_en")
		o["identity_class"] = "organization"
		o["sectors"] = []string{"government-national"}
		if err := sw.l.add(o); err != nil {
			return err
		}
		loc := sw.common("location", stixID("location", n.ID, ""), v, nil)
		loc["name"] = n.Props.String("name_en")
		loc["country"] = n.Props.String("code")
		if err := sw.l.add(loc); err != nil {
			return err
		}
		rel := sw.common("relationship", stixID("relationship", n.ID, "located-at"), v, nil)
		rel["relationship_type"] = "located-at"
		rel["source_ref"] = o["id"]
		rel["target_ref"] = loc["id"]
		return sw.l.add(rel)
	case ontology.Organization, ontology.Person:
		o := sw.common("identity", sw.ref(n.ID), v, nil)
		o["name"] = n.Props.String("name_en")
		switch {
		case n.Type == ontology.Person:
			o["identity_class"] = "individual"
			if r := n.Props.String("role_en"); r != "" {
				o["roles"] = []string{r}
			}
		case n.Props.String("kind") == "GROUP":
			o["identity_class"] = "group"
		default:
			o["identity_class"] = "organization"
		}
		switch n.Props.String("kind") {
		case "GOVERNMENT", "GOVERNMENT_BODY", "EMBASSY", "SECURITY_AGENCY":
			o["sectors"] = []string{"government-national"}
		case "NEWS_AGENCY", "PHOTO_AGENCY":
			o["sectors"] = []string{"communications"}
		}
		return sw.l.add(o)
	case ontology.Incident:
		o := sw.common("incident", sw.ref(n.ID), v, nil)
		o["name"] = n.Props.String("name_en")
		// Consumers read an incident's time from first_seen (OpenCTI
		// does); the date with its precision stays in x_attrib_properties.
		if t := dateTime(n.Props); t != "" {
			o["first_seen"] = t
		}
		if ar := n.Props.String("name_ar"); ar != "" {
			o["description"] = ar
		}
		return sw.l.add(o)
	case ontology.Attribution:
		return sw.attribution(n)
	case ontology.ThreatActor, ontology.Campaign, ontology.Malware, ontology.Tool, ontology.AttackPattern:
		return sw.cti(n)
	case ontology.Stance:
		return sw.opinion(n)
	}
	// Response, Statement, and any node type added after this mapping was
	// written: a note about what the node links to, so an export never
	// fails on a new type.
	return sw.note(n)
}

// attribution writes one attributed-to relationship per (subject, blamed
// party) the claim links, and the claim's own report, so that two states'
// claims stay apart in platforms that merge relationships by endpoints.
// The relationship follows the STIX 2.1 tables: a state or organization
// blamed for an incident, a campaign or a group is a threat-actor standing
// for it (attributed-to its identity); a threat-actor is attributed to the
// identity itself.
func (sw *stixWriter) attribution(n *store.Node) error {
	links, linkCites, err := sw.claimLinks(n.ID)
	if err != nil {
		return err
	}
	v := nodeView(n)
	creator := ""
	if by := links[ontology.AttributedBy]; len(by) > 0 {
		creator = sw.targetID(by[0])
	}
	conf, hasConf := ontology.Band(n.Props.String("band")).Confidence()
	var refs []string
	pairs := len(links[ontology.Concerns]) * len(links[ontology.Blames])
	for _, sub := range links[ontology.Concerns] {
		for _, bl := range links[ontology.Blames] {
			source := sw.targetID(sub)
			target, err := sw.blamedRef(bl.To, strings.HasPrefix(source, "threat-actor--"))
			if err != nil {
				return err
			}
			id := attributedToID(n.ID, sub.To, bl.To, pairs)
			rel := sw.common("relationship", id, v, append(slices.Clone(sub.Citations), bl.Citations...))
			rel["relationship_type"] = "attributed-to"
			rel["source_ref"] = source
			rel["target_ref"] = target
			if creator != "" {
				rel["created_by_ref"] = creator
			}
			if hasConf {
				rel["confidence"] = conf
			}
			if t := dateTime(n.Props); t != "" {
				rel["start_time"] = t
			}
			if d := n.Props.String("basis_en"); d != "" {
				rel["description"] = d
			}
			if err := sw.l.add(rel); err != nil {
				return err
			}
			refs = append(refs, rel["id"].(string), source, target)
		}
	}
	for _, typ := range []string{ontology.Concerns, ontology.Blames, ontology.Via} {
		for _, e := range links[typ] {
			refs = append(refs, sw.targetID(e))
		}
	}
	o := sw.common("report", primaryID(n.Type, n.ID), v, linkCites)
	o["name"] = sw.claimName(n, links)
	o["report_types"] = []string{"threat-report"}
	o["published"] = publishedOr(dateTime(n.Props), o["created"].(string))
	o["object_refs"] = refsOr(refs, sw.citedReports(n.Citations))
	if d := n.Props.String("basis_en"); d != "" {
		o["description"] = d
	}
	if creator != "" {
		o["created_by_ref"] = creator
	}
	if hasConf {
		o["confidence"] = conf
	}
	return sw.l.add(o)
}

// blamedRef is the STIX id an attributed-to relationship points to for a
// blamed node: a threat actor's own object; for a State or Organization,
// its identity when the source is a threat-actor (a table entry), else the
// threat-actor standing for it, written once per export with its own
// attributed-to its identity.
func (sw *stixWriter) blamedRef(id string, fromThreatActor bool) (string, error) {
	typ, _, err := store.DecodeNodeID(id)
	if err != nil {
		return "", err
	}
	if typ != ontology.State && typ != ontology.Organization || fromThreatActor {
		return sw.ref(id), nil
	}
	if ta, ok := sw.standIns[id]; ok {
		return ta, nil
	}
	n, err := sw.src.node(id)
	if err != nil {
		return "", err
	}
	v := nodeView(n)
	ta := sw.common("threat-actor", stixID("threat-actor", id, "stand-in"), v, nil)
	ta["name"] = n.Props.String("name_en")
	kinds := []string{"unknown"}
	switch {
	case typ == ontology.State:
		kinds = []string{"nation-state"}
	case slices.Contains([]string{"GOVERNMENT", "GOVERNMENT_BODY", "SECURITY_AGENCY", "EMBASSY"}, n.Props.String("kind")):
		kinds = []string{"nation-state"}
	case n.Props.String("kind") == "GROUP":
		kinds = []string{"crime-syndicate"}
	}
	ta["threat_actor_types"] = kinds
	ta["x_attrib_stands_for"] = sw.ref(id)
	if err := sw.l.add(ta); err != nil {
		return "", err
	}
	rel := sw.common("relationship", stixID("relationship", id, "stand-in"), v, nil)
	rel["relationship_type"] = "attributed-to"
	rel["source_ref"] = ta["id"]
	rel["target_ref"] = sw.ref(id)
	if err := sw.l.add(rel); err != nil {
		return "", err
	}
	sw.standIns[id] = ta["id"].(string)
	return sw.standIns[id], nil
}

// cti writes a threat actor, campaign, malware, tool or attack pattern as
// its own STIX type, with the standard properties it has; an alias's
// source rides as an external reference of that name, as ATT&CK writes it.
func (sw *stixWriter) cti(n *store.Node) error {
	id := sw.ref(n.ID)
	typ, _, _ := strings.Cut(id, "--")
	o := sw.common(typ, id, nodeView(n), nil)
	p := n.Props
	o["name"] = p.String("name_en")
	if d := p.String("description"); d != "" {
		o["description"] = d
	}
	var aliases []string
	var aliasRefs []map[string]any
	if list, ok := p["aliases"].([]any); ok {
		for _, a := range list {
			ap := store.Props(a.(map[string]any))
			aliases = append(aliases, ap.String("text"))
			if src := ap.String("source"); src != "" {
				aliasRefs = append(aliasRefs, map[string]any{"source_name": ap.String("text"), "description": src})
			}
		}
	}
	if len(aliases) > 0 && typ != "attack-pattern" {
		o["aliases"] = aliases
	}
	for _, k := range []string{"first_seen", "last_seen"} {
		if d := p.String(k); d != "" && (typ == "intrusion-set" || typ == "threat-actor" || typ == "campaign") {
			o[k] = d + "T00:00:00.000Z"
		}
	}
	if d, _ := p["deprecated"].(bool); d {
		// ATT&CK's own flag, which its consumers read; STIX has none.
		o["x_mitre_deprecated"] = true
	}
	switch typ {
	case "intrusion-set", "threat-actor":
		if m := p.Strings("motivation"); len(m) > 0 {
			o["primary_motivation"] = m[0]
			if len(m) > 1 {
				o["secondary_motivations"] = m[1:]
			}
		}
		if typ == "threat-actor" {
			o["x_attrib_kind"] = p.String("kind")
			if s := p.String("sophistication"); s != "" {
				o["sophistication"] = s
			}
		}
	case "campaign":
		if s := p.String("objective"); s != "" {
			o["objective"] = s
		}
	case "malware":
		o["is_family"] = true
		if k := p.Strings("kinds"); len(k) > 0 {
			o["malware_types"] = k
		}
	case "tool":
		if k := p.Strings("kinds"); len(k) > 0 {
			o["tool_types"] = k
		}
	case "attack-pattern":
		if list, ok := p["external_ids"].([]any); ok {
			for _, x := range list {
				xp := store.Props(x.(map[string]any))
				r := map[string]any{"source_name": xp.String("source")}
				for _, k := range []string{"external_id", "url"} {
					if s := xp.String(k); s != "" {
						r[k] = s
					}
				}
				aliasRefs = append(aliasRefs, r)
			}
		}
	}
	if len(aliasRefs) > 0 {
		// Catalogue IDs and who uses each name come first, then the
		// citations.
		refs, _ := o["external_references"].([]map[string]any)
		o["external_references"] = append(aliasRefs, refs...)
	}
	return sw.l.add(o)
}

// note writes a Response or Statement as a STIX note about what it links
// to, created by the state that acted or on whose behalf it was said.
func (sw *stixWriter) note(n *store.Node) error {
	links, linkCites, err := sw.claimLinks(n.ID)
	if err != nil {
		return err
	}
	o := sw.common("note", primaryID(n.Type, n.ID), nodeView(n), linkCites)
	var refs []string
	creatorEdge, refTypes := ontology.RespondedBy, []string{ontology.DirectedAt, ontology.Answers, ontology.Follows, ontology.Via}
	if n.Type == ontology.Statement {
		creatorEdge, refTypes = ontology.OnBehalfOf, []string{ontology.About, ontology.SaidBy}
	}
	if by := links[creatorEdge]; len(by) > 0 {
		o["created_by_ref"] = sw.targetID(by[0])
	}
	for _, typ := range refTypes {
		for _, e := range links[typ] {
			refs = append(refs, sw.targetID(e))
		}
	}
	o["abstract"] = n.Type + ": " + describe(n)
	content := n.Props.String("summary_en")
	if ar := n.Props.String("text_ar"); ar != "" {
		content += "\n\n" + ar
	}
	if content == "" {
		content = describe(n)
	}
	o["content"] = content
	o["object_refs"] = refsOr(refs, sw.citedReports(n.Citations))
	return sw.l.add(o)
}

// relationship writes an edge that is not folded into a claim.
func (sw *stixWriter) relationship(e *store.Edge) error {
	id := stixID("relationship", e.ID, "")
	if k := e.Props.String("stix_id"); strings.HasPrefix(k, "relationship--") {
		id = k // a relationship that came from a bundle keeps its id
	}
	o := sw.common("relationship", id, recordView{e.ID, e.Type, e.Props, e.Citations, e.Meta}, nil)
	rt, ok := relationshipTypes[e.Type]
	if !ok { // an edge type added after this mapping was written
		rt = strings.ReplaceAll(strings.ToLower(e.Type), "_", "-")
	}
	o["relationship_type"] = rt
	o["source_ref"] = sw.ref(e.From)
	o["target_ref"] = sw.targetID(e)
	o["x_attrib_from"] = e.From
	o["x_attrib_to"] = e.To
	return sw.l.add(o)
}

// document writes a source document as a report whose object_refs are the
// objects it supports; its full text rides in x_attrib_properties.text so
// citations can be checked from the bundle too.
func (sw *stixWriter) document(d *store.Node) error {
	if d.Props.String("kind") == "REFERENCE" {
		return sw.reference(d)
	}
	o := sw.common("report", primaryID(d.Type, d.ID), nodeView(d), nil)
	o["name"] = d.Props.String("title")
	o["report_types"] = []string{"threat-report"}
	o["published"] = publishedOr(sw.published[d.ID], epoch)
	if lang := d.Props.String("language"); lang != "" {
		o["lang"] = lang
	}
	refs := slices.DeleteFunc(slices.Clone(sw.supports[d.ID]), func(s string) bool { return s == o["id"] })
	o["object_refs"] = refsOr(refs, []string{o["id"].(string)})
	return sw.l.add(o)
}

// reference writes a reference list (the ISO 3166-1 list) as a note on
// what cites it, not as a report: platforms file reports as threat
// reports, and a list of country codes is none.
func (sw *stixWriter) reference(d *store.Node) error {
	o := sw.common("note", sw.docRef(d.ID), nodeView(d), nil)
	o["abstract"] = "Reference: " + d.Props.String("title")
	o["content"] = d.Props.String("title") + "\n\nA reference list that facts cite for names and codes; its text is in x_attrib_properties."
	if lang := d.Props.String("language"); lang != "" {
		o["lang"] = lang
	}
	refs := slices.DeleteFunc(slices.Clone(sw.supports[d.ID]), func(s string) bool { return s == o["id"] })
	o["object_refs"] = refsOr(refs, []string{o["id"].(string)})
	return sw.l.add(o)
}

// docRef is the STIX id of a document: a report, or a note for a
// reference list.
func (sw *stixWriter) docRef(id string) string {
	if r, ok := sw.refs[id]; ok {
		return r
	}
	r := primaryID(ontology.Document, id)
	if d, err := sw.src.node(id); err == nil && d.Props.String("kind") == "REFERENCE" {
		r = stixID("note", id, "")
	}
	sw.refs[id] = r
	return r
}

// citedReports are the STIX reports of the documents cs point into.
func (sw *stixWriter) citedReports(cs []store.Citation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, sw.docRef(c.Document))
	}
	return out
}

// refsOr returns refs deduplicated in order, or fallback when refs is empty
// (object_refs may not be empty).
func refsOr(refs, fallback []string) []string {
	if len(refs) == 0 {
		refs = fallback
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		if r != "" && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func publishedOr(t, fallback string) string {
	if t != "" {
		return t
	}
	return fallback
}

// claimName names an attribution's report after who blames whom for what,
// so that each state's claim reads as its own in a platform's list.
func (sw *stixWriter) claimName(n *store.Node, links map[string][]*store.Edge) string {
	names := func(typ string) string {
		var out []string
		for _, e := range links[typ] {
			if m, err := sw.src.tx.Node(e.To); err == nil {
				out = append(out, fullName(m))
			}
		}
		if len(out) == 0 {
			return "?"
		}
		return strings.Join(out, ", ")
	}
	name := fmt.Sprintf("%s attributes %s to %s", names(ontology.AttributedBy), names(ontology.Concerns), names(ontology.Blames))
	if c := n.Props.String("certainty_en"); c != "" {
		name += " (" + c + ")"
	}
	return name
}

// fullName is a node's full English name (a state's ISO name), for STIX
// report names, which read as sentences.
func fullName(n *store.Node) string {
	for _, p := range []string{"name_en", "title", "summary_en"} {
		if s := n.Props.String(p); s != "" {
			return s
		}
	}
	return n.Type + " " + n.ID
}

// describe is a one-line English description of a claim.
func describe(n *store.Node) string {
	for _, p := range []string{"summary_en", "certainty_en", "basis_en", "name_en"} {
		if s := n.Props.String(p); s != "" {
			return s
		}
	}
	return n.ID
}
