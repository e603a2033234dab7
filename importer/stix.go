package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// The STIX import mapping is documented in docs/export.md.

// span is where a JSON value stands in the bundle text, in code points.
type span struct{ start, end int }

// stixObject is one object of the bundle with its span.
type stixObject struct {
	raw  json.RawMessage
	at   span
	head struct {
		Type          string   `json:"type"`
		ID            string   `json:"id"`
		Name          string   `json:"name"`
		Created       string   `json:"created"`
		IdentityClass string   `json:"identity_class"`
		Sectors       []string `json:"sectors"`
		Country       string   `json:"country"`
		Relationship  string   `json:"relationship_type"`
		Source        string   `json:"source_ref"`
		Target        string   `json:"target_ref"`
		CreatedBy     string   `json:"created_by_ref"`
		Confidence    *int     `json:"confidence"`
		StartTime     string   `json:"start_time"`
		Description   string   `json:"description"`
		ctiHead
	}
}

// scanBundle returns the bundle's id span and its objects with their spans,
// reading the text once: byte offsets come from the decoder and are turned
// into code points as it goes.
func scanBundle(data []byte) (idAt span, objs []*stixObject, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	runes, last := 0, 0 // code points in data[:last]
	toRunes := func(b int) int {
		runes += utf8.RuneCount(data[last:b])
		last = b
		return runes
	}
	value := func() (json.RawMessage, span, error) {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, span{}, err
		}
		end := int(dec.InputOffset())
		start := end - len(raw)
		if start < 0 || !bytes.Equal(data[start:end], raw) {
			return nil, span{}, fmt.Errorf("cannot locate a value in the text")
		}
		s := toRunes(start)
		return raw, span{s, toRunes(end)}, nil
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return span{}, nil, fmt.Errorf("a bundle is a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return span{}, nil, err
		}
		switch t {
		case "id":
			raw, at, err := value()
			if err != nil {
				return span{}, nil, err
			}
			if len(raw) < 2 || raw[0] != '"' || bytes.IndexByte(raw, '\\') >= 0 {
				return span{}, nil, fmt.Errorf("bundle id is not a plain string")
			}
			idAt = span{at.start + 1, at.end - 1} // without the quotes
		case "objects":
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return span{}, nil, fmt.Errorf("objects is not an array")
			}
			for dec.More() {
				raw, at, err := value()
				if err != nil {
					return span{}, nil, fmt.Errorf("object %d: %v", len(objs)+1, err)
				}
				o := &stixObject{raw: raw, at: at}
				if err := json.Unmarshal(raw, &o.head); err != nil {
					return span{}, nil, fmt.Errorf("object %d: %v", len(objs)+1, err)
				}
				objs = append(objs, o)
			}
			if _, err := dec.Token(); err != nil {
				return span{}, nil, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return span{}, nil, err
			}
		}
	}
	if idAt.end == 0 {
		return span{}, nil, fmt.Errorf("the bundle has no id")
	}
	return idAt, objs, nil
}

// stixPlanner maps STIX objects onto attrib nodes and edges.
type stixPlanner struct {
	tx     *store.Txn
	text   []rune
	docID  string
	p      *plan
	mapped map[string]mappedNode // STIX id -> attrib node
	nodes  map[string]int        // attrib node ID -> index in p.nodes
	edges  map[string]bool
	// inBundle holds the type of every object of the bundle, by STIX id,
	// to tell a reference to a skipped object from one to nothing.
	inBundle map[string]string
	// revoked holds the revoked objects until a revoked-by relationship
	// merges each into its replacement.
	revoked map[string]*stixObject
	merged  map[string]bool
	// standIns are the threat-actor objects attrib's own export writes
	// for a state or organization blamed directly, by STIX id; each is
	// the party it stands for (x_attrib_stands_for).
	standIns map[string]*stixObject
	report   *STIXReport
}

type mappedNode struct{ id, typ string }

func planSTIX(data []byte, tx *store.Txn) (*plan, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%w: the bundle is not UTF-8", ErrMalformed)
	}
	idAt, objs, err := scanBundle(data)
	if err != nil {
		return nil, fmt.Errorf("%w: STIX bundle: %v", ErrMalformed, err)
	}
	sum := sha256.Sum256(data)
	text := string(data)
	sp := &stixPlanner{
		tx:       tx,
		text:     []rune(text),
		docID:    store.NodeID(ontology.Document, "stix-"+hex.EncodeToString(sum[:8])),
		mapped:   map[string]mappedNode{},
		nodes:    map[string]int{},
		edges:    map[string]bool{},
		inBundle: map[string]string{},
		revoked:  map[string]*stixObject{},
		standIns: map[string]*stixObject{},
		merged:   map[string]bool{},
		report:   &STIXReport{Types: map[string]*TypeTally{}},
	}
	sp.p = &plan{report: &Report{Format: "stix-2.1", Kept: map[string]int{}, STIX: sp.report}}
	sp.p.report.Document = sp.docID
	bundleID := string(sp.text[idAt.start:idAt.end])
	doc := store.Node{ID: sp.docID, Type: ontology.Document, Props: store.Props{
		"title":      "STIX 2.1 bundle " + bundleID,
		"published":  nil,
		"language":   "und",
		"publisher":  nil,
		"sources":    []any{},
		"media_type": "application/json",
		"kind":       "STIX_BUNDLE",
		"text":       text,
	}, Citations: []store.Citation{sp.cite(idAt)}}
	sp.p.docs = append(sp.p.docs, doc)
	sp.p.report.Kept[ontology.Document]++

	objs, err = sp.dedupe(objs)
	if err != nil {
		return nil, err
	}
	// Nodes first (relationships refer to them), then the revoked-by
	// relationships that merge a revoked object into its replacement, so
	// that every other relationship finds the replacement.
	for _, o := range objs {
		if o.head.Type != "relationship" {
			sp.object(o)
		}
	}
	sp.resolveStandIns()
	for _, o := range objs {
		if o.head.Type == "relationship" && o.head.Relationship == "revoked-by" {
			sp.revokedBy(o)
		}
	}
	for _, o := range objs {
		if o.head.Type == "relationship" && o.head.Relationship != "revoked-by" {
			sp.relationship(o)
		}
	}
	// Opinions are about claims, which the relationships made.
	sp.opinions(objs)
	sp.unmerged()
	return sp.p, nil
}

// cite is the citation of a span of the bundle text.
func (sp *stixPlanner) cite(at span) store.Citation {
	pre := max(0, at.start-cite.ContextLen)
	post := min(len(sp.text), at.end+cite.ContextLen)
	return store.Citation{
		Document: sp.docID,
		Exact:    string(sp.text[at.start:at.end]),
		Prefix:   string(sp.text[pre:at.start]),
		Suffix:   string(sp.text[at.end:post]),
		Start:    at.start,
		End:      at.end,
	}
}

// skip reports o as not imported. The reason is one phrase per kind of
// skip, so that the per-type summary can count objects by reason.
func (sp *stixPlanner) skip(o *stixObject, format string, a ...any) {
	reason := fmt.Sprintf(format, a...)
	sp.p.report.Skipped = append(sp.p.report.Skipped, Skip{ID: o.head.ID, Type: o.head.Type, Reason: reason})
	sp.report.skipped(o, reason)
}

// addNode keeps a node made from o, cited by o's span.
func (sp *stixPlanner) addNode(o *stixObject, typ, key string, props store.Props) {
	id := store.NodeID(typ, key)
	sp.mapped[o.head.ID] = mappedNode{id, typ}
	sp.report.kept(o, typ, id)
	if _, ok := sp.nodes[id]; ok {
		return
	}
	sp.nodes[id] = len(sp.p.nodes)
	sp.p.nodes = append(sp.p.nodes, store.Node{ID: id, Type: typ, Props: props, Citations: []store.Citation{sp.cite(o.at)}})
	sp.p.report.Kept[typ]++
}

func (sp *stixPlanner) addEdge(o *stixObject, typ string, from, to string) {
	id := store.EdgeID(typ, from, to)
	if sp.edges[id] {
		return
	}
	sp.edges[id] = true
	props := store.Props{}
	if o.head.Type == "relationship" && !claimEdges[typ] {
		// The link is the relationship: its id goes back out on export.
		props["stix_id"] = o.head.ID
	}
	sp.p.edges = append(sp.p.edges, store.Edge{ID: id, Type: typ, From: from, To: to, Props: props, Citations: []store.Citation{sp.cite(o.at)}})
	sp.p.report.Kept["edge"]++
}

// claimEdges join an Attribution made from an attributed-to relationship
// to its ends: the relationship is the claim, not any one of them.
var claimEdges = map[string]bool{ontology.Concerns: true, ontology.Blames: true, ontology.AttributedBy: true}

func day(ts string) string {
	if len(ts) >= 10 && ontology.ValidDate(ts[:10]) == nil {
		return ts[:10]
	}
	return ""
}

func (sp *stixPlanner) object(o *stixObject) {
	h := &o.head
	if h.ID == "" {
		sp.skip(o, "it has no id")
		return
	}
	if h.Revoked {
		// Kept aside: a revoked-by relationship makes it an alias of its
		// replacement (revokedBy); without one it is reported (unmerged).
		sp.revoked[h.ID] = o
		return
	}
	if sp.ctiObject(o) {
		return
	}
	if h.Type == "opinion" {
		return // kept as a stance once the claims are made (opinions)
	}
	switch h.Type {
	case "identity":
		if h.Name == "" {
			sp.skip(o, "identity without a name")
			return
		}
		if h.IdentityClass == "individual" {
			sp.addNode(o, ontology.Person, h.ID, store.Props{"name_en": h.Name})
			return
		}
		props := store.Props{"name_en": h.Name, "name_ar": nil, "aliases": []any{}}
		switch {
		case h.IdentityClass == "group":
			props["kind"] = "GROUP"
		case h.IdentityClass == "class":
			props["kind"] = "SECTOR"
		case hasPrefixAny(h.Sectors, "government"):
			props["kind"] = "GOVERNMENT_BODY"
		}
		sp.addNode(o, ontology.Organization, h.ID, props)
	case "location":
		code := strings.ToUpper(h.Country)
		if len(code) != 2 {
			sp.skip(o, "a location without an ISO 3166-1 country has no attrib type (regions and coordinates are not kept)")
			return
		}
		// A state already in the graph is linked to, never overwritten:
		// its record holds citations into its own sources.
		if id, err := sp.tx.StateByCode(code); err == nil {
			sp.mapped[h.ID] = mappedNode{id, ontology.State}
			sp.p.report.Kept["State (existing)"]++
			sp.report.kept(o, ontology.State, id)
			return
		}
		name := h.Name
		if name == "" {
			name = code
		}
		sp.addNode(o, ontology.State, code, store.Props{"code": code, "name_en": name, "aliases": []any{}})
	case "incident":
		d := day(h.Created)
		if d == "" {
			sp.skip(o, "incident without a valid created timestamp to date it by")
			return
		}
		name := h.Name
		sp.addNode(o, ontology.Incident, h.ID, store.Props{
			"name_en": name, "date": d, "date_precision": "DAY", "date_inferred": true,
			"date_basis": "created timestamp of the STIX incident", "effects": []any{},
		})
	default:
		sp.skip(o, "%s", unheld(h.Type))
	}
}

// relationship keeps attributed-to (as an Attribution claim), targets and
// located-at between mapped objects.
func (sp *stixPlanner) relationship(o *stixObject) {
	h := &o.head
	for _, ref := range []string{h.Source, h.Target} {
		if _, ok := sp.inBundle[ref]; !ok {
			sp.skip(o, "it refers to an object that is not in the bundle")
			return
		}
	}
	if so, ok := sp.standIns[h.Source]; ok && so.head.StandsFor == h.Target {
		sp.skip(o, "it joins a stand-in to the party it stands for, which the stand-in already is")
		return
	}
	src, okS := sp.mapped[h.Source]
	dst, okT := sp.mapped[h.Target]
	if !okS || !okT {
		missing := h.Target
		if !okS {
			missing = h.Source
		}
		sp.skip(o, "it joins a %s, which is not imported", sp.inBundle[missing])
		return
	}
	actor := dst.typ == ontology.State || dst.typ == ontology.Organization
	switch {
	case h.Relationship == "attributed-to" && slices.Contains(ontology.Attributable, src.typ) && slices.Contains(ontology.Blameable, dst.typ):
		d := day(h.StartTime)
		basis := "start_time of the STIX relationship"
		if d == "" {
			d, basis = day(h.Created), "created timestamp of the STIX relationship"
		}
		if d == "" {
			sp.skip(o, "attributed-to without a valid start_time or created timestamp to date the claim by")
			return
		}
		props := store.Props{
			"date": d, "date_precision": "DAY", "date_inferred": true, "date_basis": basis,
			"band": string(band(h.Confidence)), "certainty_text": nil, "involvement": []any{},
		}
		if h.Description != "" {
			props["basis_en"] = h.Description
		}
		sp.addNode(o, ontology.Attribution, h.ID, props)
		claim := sp.mapped[h.ID].id
		sp.addEdge(o, ontology.Concerns, claim, src.id)
		sp.addEdge(o, ontology.Blames, claim, dst.id)
		// The claimant is whoever created the relationship: a State, or an
		// Organization (for ATT&CK, The MITRE Corporation) in its own name.
		if by, ok := sp.mapped[h.CreatedBy]; ok && slices.Contains(ontology.Claimants, by.typ) {
			sp.addEdge(o, ontology.AttributedBy, claim, by.id)
		}
	case h.Relationship == "attributed-to":
		sp.skip(o, "attributed-to from %s to %s: attrib holds claims about an incident, campaign or threat actor blaming a state, organization or threat actor", src.typ, dst.typ)
	case h.Relationship == "targets" && src.typ == ontology.Incident && actor:
		sp.addEdge(o, ontology.Targeted, src.id, dst.id)
		sp.report.kept(o, ontology.Targeted+" link", "")
	case h.Relationship == "targets" && slices.Contains(ontology.CTITypes, src.typ) && actor:
		sp.addEdge(o, ontology.Targets, src.id, dst.id)
		sp.report.kept(o, ontology.Targets+" link", "")
	case h.Relationship == "uses" && ontology.EdgeRules[ontology.Uses].Allows(src.typ, dst.typ):
		sp.addEdge(o, ontology.Uses, src.id, dst.id)
		sp.report.kept(o, ontology.Uses+" link", "")
	case h.Relationship == "located-at" && src.typ == ontology.Organization && dst.typ == ontology.State:
		sp.addEdge(o, ontology.LocatedIn, src.id, dst.id)
		sp.report.kept(o, ontology.LocatedIn+" link", "")
	default:
		sp.skip(o, "no attrib edge for %s from %s to %s", h.Relationship, src.typ, dst.typ)
	}
}

// band is the estimative band whose STIX confidence is nearest c.
func band(c *int) ontology.Band {
	if c == nil {
		return ontology.Unstated
	}
	best, dist := ontology.Unstated, 1<<30
	for _, b := range ontology.Bands {
		v, ok := b.Confidence()
		if !ok {
			continue
		}
		if d := abs(v - *c); d < dist {
			best, dist = b, d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func hasPrefixAny(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}
