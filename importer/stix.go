package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
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
	nodes  map[string]bool
	edges  map[string]bool
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
		tx:     tx,
		text:   []rune(text),
		docID:  store.NodeID(ontology.Document, "stix-"+hex.EncodeToString(sum[:8])),
		mapped: map[string]mappedNode{},
		nodes:  map[string]bool{},
		edges:  map[string]bool{},
	}
	sp.p = &plan{report: &Report{Format: "stix-2.1", Kept: map[string]int{}}}
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

	// Nodes first (relationships refer to them), then relationships.
	for _, o := range objs {
		if o.head.Type != "relationship" {
			sp.object(o)
		}
	}
	for _, o := range objs {
		if o.head.Type == "relationship" {
			sp.relationship(o)
		}
	}
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

func (sp *stixPlanner) skip(o *stixObject, format string, a ...any) {
	sp.p.report.Skipped = append(sp.p.report.Skipped, Skip{ID: o.head.ID, Type: o.head.Type, Reason: fmt.Sprintf(format, a...)})
}

// addNode keeps a node made from o, cited by o's span.
func (sp *stixPlanner) addNode(o *stixObject, typ, key string, props store.Props) {
	id := store.NodeID(typ, key)
	sp.mapped[o.head.ID] = mappedNode{id, typ}
	if sp.nodes[id] {
		return
	}
	sp.nodes[id] = true
	sp.p.nodes = append(sp.p.nodes, store.Node{ID: id, Type: typ, Props: props, Citations: []store.Citation{sp.cite(o.at)}})
	sp.p.report.Kept[typ]++
}

func (sp *stixPlanner) addEdge(o *stixObject, typ string, from, to string) {
	id := store.EdgeID(typ, from, to)
	if sp.edges[id] {
		return
	}
	sp.edges[id] = true
	sp.p.edges = append(sp.p.edges, store.Edge{ID: id, Type: typ, From: from, To: to, Props: store.Props{}, Citations: []store.Citation{sp.cite(o.at)}})
	sp.p.report.Kept["edge"]++
}

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
		sp.skip(o, "no attrib type for STIX type %q", h.Type)
	}
}

// relationship keeps attributed-to (as an Attribution claim), targets and
// located-at between mapped objects.
func (sp *stixPlanner) relationship(o *stixObject) {
	h := &o.head
	src, okS := sp.mapped[h.Source]
	dst, okT := sp.mapped[h.Target]
	if !okS || !okT {
		sp.skip(o, "its source or target (%s, %s) was not imported", h.Source, h.Target)
		return
	}
	actor := dst.typ == ontology.State || dst.typ == ontology.Organization
	switch {
	case h.Relationship == "attributed-to" && src.typ == ontology.Incident && actor:
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
		if by, ok := sp.mapped[h.CreatedBy]; ok && by.typ == ontology.State {
			sp.addEdge(o, ontology.AttributedBy, claim, by.id)
		}
	case h.Relationship == "targets" && src.typ == ontology.Incident && actor:
		sp.addEdge(o, ontology.Targeted, src.id, dst.id)
	case h.Relationship == "located-at" && src.typ == ontology.Organization && dst.typ == ontology.State:
		sp.addEdge(o, ontology.LocatedIn, src.id, dst.id)
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
