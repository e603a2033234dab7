package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// The STIX objects that threat intelligence tracks (intrusion sets, threat
// actors, campaigns, malware, tools, attack patterns) are read into
// hand-written structs: the properties attrib keeps are few, every object's
// citation must come from its own span of the raw bundle text (which
// scanBundle finds), and a bundle's custom properties (x_mitre_deprecated)
// matter. No maintained STIX 2.1 library is reachable through the module
// proxy used to build attrib.

// ctiHead is what the import reads of the threat-intelligence objects.
type ctiHead struct {
	Aliases              []string      `json:"aliases"`
	FirstSeen            string        `json:"first_seen"`
	LastSeen             string        `json:"last_seen"`
	Objective            string        `json:"objective"`
	MalwareTypes         []string      `json:"malware_types"`
	ToolTypes            []string      `json:"tool_types"`
	PrimaryMotivation    string        `json:"primary_motivation"`
	SecondaryMotivations []string      `json:"secondary_motivations"`
	Sophistication       string        `json:"sophistication"`
	Revoked              bool          `json:"revoked"`
	Deprecated           bool          `json:"x_mitre_deprecated"`
	Published            string        `json:"published"`
	ExternalReferences   []externalRef `json:"external_references"`
	// AttribKind is the kind (PERSONA, INDIVIDUAL) attrib's own export
	// gives a threat-actor, so that a round trip keeps it.
	AttribKind string `json:"x_attrib_kind"`
	// AttribType is set on every object attrib's own export writes.
	AttribType string `json:"x_attrib_type"`
	// StandsFor is the identity a stand-in threat-actor of attrib's
	// export stands for (a state blamed directly).
	StandsFor string `json:"x_attrib_stands_for"`
}

type externalRef struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description"`
	URL         string `json:"url"`
	ExternalID  string `json:"external_id"`
}

// ctiObject maps a threat-intelligence object or a report; false for any
// other type.
func (sp *stixPlanner) ctiObject(o *stixObject) bool {
	h := &o.head
	typ := ""
	switch h.Type {
	case "intrusion-set", "threat-actor":
		if h.StandsFor != "" {
			sp.standIns[h.ID] = o
			return true
		}
		typ = ontology.ThreatActor
	case "campaign":
		typ = ontology.Campaign
	case "malware":
		typ = ontology.Malware
	case "tool":
		typ = ontology.Tool
	case "attack-pattern":
		typ = ontology.AttackPattern
	case "report":
		if h.AttribType != "" {
			sp.skip(o, "a report attrib wrote for one of its own records (a document or a claim): the bundle is the document")
			return true
		}
		sp.reportObject(o)
		return true
	default:
		return false
	}
	if h.Name == "" {
		sp.skip(o, "it has no name")
		return true
	}
	props := store.Props{"name_en": h.Name, "aliases": sp.aliases(o), "deprecated": h.Deprecated, "stix_id": h.ID}
	if h.Description != "" {
		props["description"] = h.Description
	}
	first, last := day(h.FirstSeen), day(h.LastSeen)
	if first != "" && last != "" && last < first {
		sp.skip(o, "its last_seen is before its first_seen")
		return true
	}
	switch typ {
	case ontology.ThreatActor:
		kind := "GROUP"
		if h.Type == "threat-actor" && slices.Contains(ontology.ThreatActorKinds, h.AttribKind) {
			kind = h.AttribKind
		}
		props["kind"] = kind
		motivation := []any{}
		if h.PrimaryMotivation != "" {
			motivation = append(motivation, h.PrimaryMotivation)
		}
		for _, m := range h.SecondaryMotivations {
			motivation = append(motivation, m)
		}
		props["motivation"] = motivation
		if h.Sophistication != "" {
			props["sophistication"] = h.Sophistication
		}
	case ontology.Malware:
		props["kinds"] = anyList(h.MalwareTypes)
	case ontology.Tool:
		props["kinds"] = anyList(h.ToolTypes)
	case ontology.AttackPattern:
		delete(props, "aliases")
		ids := []any{}
		for _, r := range h.ExternalReferences {
			if r.ExternalID == "" {
				continue // a reference to a report, not an identifier
			}
			x := map[string]any{"source": r.SourceName, "external_id": r.ExternalID}
			if r.URL != "" {
				x["url"] = r.URL
			}
			ids = append(ids, x)
		}
		props["external_ids"] = ids
	}
	if typ == ontology.ThreatActor || typ == ontology.Campaign {
		if first != "" {
			props["first_seen"] = first
		}
		if last != "" {
			props["last_seen"] = last
		}
	}
	if typ == ontology.Campaign && h.Objective != "" {
		props["objective"] = h.Objective
	}
	sp.addNode(o, typ, h.ID, props)
	return true
}

// aliases lists an object's other names, each with the source that uses
// it where the object says (ATT&CK gives each alias an external reference
// of that name whose description cites who uses it).
func (sp *stixPlanner) aliases(o *stixObject) []any {
	h := &o.head
	out := []any{}
	for _, a := range h.Aliases {
		if strings.EqualFold(a, h.Name) {
			continue
		}
		out = append(out, alias(a, "NAME", sourceOf(h.ExternalReferences, a)))
	}
	return out
}

func alias(text, kind, source string) map[string]any {
	m := map[string]any{"text": text, "lang": "en", "kind": kind}
	if source != "" {
		m["source"] = source
	}
	return m
}

func sourceOf(refs []externalRef, name string) string {
	for _, r := range refs {
		if r.SourceName == name && r.Description != "" {
			return r.Description
		}
	}
	return ""
}

func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// reportObject gives the bundle's document the first report's name and
// publication date: the report is the document, not a fact in it.
func (sp *stixPlanner) reportObject(o *stixObject) {
	doc := &sp.p.docs[0]
	if doc.Props.String("stix_report") != "" {
		sp.skip(o, "a second report: the bundle's document carries the first report's title and date")
		return
	}
	if o.head.Name != "" {
		doc.Props["title"] = o.head.Name
	}
	if d := day(o.head.Published); d != "" {
		doc.Props["published"] = d
	}
	doc.Props["stix_report"] = o.head.ID
	doc.Citations = append(doc.Citations, sp.cite(o.at))
	sp.report.kept(o, "the bundle document's title and date", doc.ID)
}

// revokedBy merges a revoked object into its replacement: its names
// become the replacement's aliases, cited by the revoked object and by the
// relationship, so that searching for the old name finds the new object.
func (sp *stixPlanner) revokedBy(o *stixObject) {
	h := &o.head
	for _, ref := range []string{h.Source, h.Target} {
		if _, ok := sp.inBundle[ref]; !ok {
			sp.skip(o, "it refers to an object that is not in the bundle")
			return
		}
	}
	old, ok := sp.revoked[h.Source]
	if !ok {
		sp.skip(o, "revoked-by from an object that is not marked revoked")
		return
	}
	dst, ok := sp.mapped[h.Target]
	i, isNode := sp.nodes[dst.id]
	if !ok || !isNode || !slices.Contains(ontology.CTITypes, dst.typ) {
		sp.skip(o, "revoked-by to a %s, which is not imported", sp.inBundle[h.Target])
		return
	}
	n := &sp.p.nodes[i]
	have := []string{n.Props.String("name_en")}
	list, _ := n.Props["aliases"].([]any)
	for _, a := range list {
		have = append(have, a.(map[string]any)["text"].(string))
	}
	add := func(text, kind, source string) {
		if text == "" || slices.ContainsFunc(have, func(s string) bool { return strings.EqualFold(s, text) }) {
			return
		}
		have = append(have, text)
		list = append(list, alias(text, kind, source))
	}
	add(old.head.Name, "REVOKED", attackID(old.head.ExternalReferences))
	for _, a := range old.head.Aliases {
		add(a, "REVOKED", sourceOf(old.head.ExternalReferences, a))
	}
	n.Props["aliases"] = list
	n.Citations = append(n.Citations, sp.cite(old.at), sp.cite(o.at))
	sp.merged[old.head.ID] = true
	sp.mapped[old.head.ID] = dst
	sp.report.kept(old, "an alias of its replacement", dst.id)
	sp.report.kept(o, "an alias of its replacement", dst.id)
}

// attackID names the catalogue entry of an object ("mitre-attack G0057").
func attackID(refs []externalRef) string {
	for _, r := range refs {
		if r.ExternalID != "" {
			return r.SourceName + " " + r.ExternalID
		}
	}
	return ""
}

// unmerged reports the revoked objects no revoked-by relationship merged.
func (sp *stixPlanner) unmerged() {
	ids := make([]string, 0, len(sp.revoked))
	for id := range sp.revoked {
		if !sp.merged[id] {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		sp.skip(sp.revoked[id], "revoked, and no revoked-by relationship names its replacement")
	}
}

// dedupe drops exact repeats of an object and refuses an id that stands
// for two different objects: which one is the fact cannot be told, so
// nothing is imported. It also records the type of every id.
func (sp *stixPlanner) dedupe(objs []*stixObject) ([]*stixObject, error) {
	first := map[string]*stixObject{}
	out := objs[:0]
	for _, o := range objs {
		id := o.head.ID
		if prev, ok := first[id]; ok && id != "" {
			if !sameJSON(prev.raw, o.raw) {
				return nil, fmt.Errorf("%w: STIX bundle: %s appears twice with different content; keep one version of it and import again (nothing was imported)", ErrMalformed, id)
			}
			sp.skip(o, "an exact repeat of an earlier object")
			continue
		}
		first[id] = o
		sp.inBundle[id] = o.head.Type
		out = append(out, o)
	}
	return out, nil
}

// sameJSON compares two JSON values regardless of layout.
func sameJSON(a, b json.RawMessage) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// unheld is why an object of a type attrib has no place for is skipped.
func unheld(typ string) string {
	switch {
	case typ == "indicator":
		return "no attrib type for indicators: they are detection patterns, not claims"
	case typ == "course-of-action":
		return "no attrib type for courses of action: mitigations are advice, not claims"
	case typ == "vulnerability":
		return "no attrib type for vulnerabilities"
	case typ == "observed-data":
		return "no attrib type for observed data: raw observations, not cited claims"
	case typ == "marking-definition":
		return "no attrib type for marking definitions: attrib marks records with TLP itself"
	case strings.HasPrefix(typ, "x-"):
		return "no attrib type for custom x- objects: they have no standard meaning to map"
	}
	return fmt.Sprintf("no attrib type for STIX type %q", typ)
}

// resolveStandIns maps each stand-in threat-actor onto the node of the
// party it stands for, so that a claim blaming it blames the party.
func (sp *stixPlanner) resolveStandIns() {
	ids := make([]string, 0, len(sp.standIns))
	for id := range sp.standIns {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		o := sp.standIns[id]
		party, ok := sp.mapped[o.head.StandsFor]
		if !ok {
			sp.skip(o, "it stands for a party that is not imported")
			continue
		}
		sp.mapped[id] = party
		sp.report.kept(o, "the party it stands for", party.id)
	}
}
