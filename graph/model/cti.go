package model

import (
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// ExternalID is an identifier another catalogue gives an object.
type ExternalID struct {
	Source     string
	ExternalID *string
	URL        *string
}

// cti is what the threat-intelligence types share: a name, aliases, a
// description, a deprecation flag and the STIX id they came with.
type cti struct {
	Audit
	ID          string
	Aliases     []*Alias
	Description *string
	Deprecated  bool
	StixID      *string
	Citations   []*Citation
	names
}

// ThreatActor is a tracked group, persona or individual.
type ThreatActor struct {
	cti
	Kind           string
	FirstSeen      *Date
	LastSeen       *Date
	Motivation     []string
	Sophistication *string
}

// Code is always null: a threat actor is not a state.
func (ThreatActor) Code() *string { return nil }

// Campaign is a set of operations over time.
type Campaign struct {
	cti
	FirstSeen *Date
	LastSeen  *Date
	Objective *string
}

// Malware is malicious software.
type Malware struct {
	cti
	Kinds []string
}

// Tool is legitimate software put to use.
type Tool struct {
	cti
	Kinds []string
}

// AttackPattern is a technique.
type AttackPattern struct {
	cti
	ExternalIds []*ExternalID
}

// Code is always null: an organization has no ISO 3166-1 code.
func (Organization) Code() *string { return nil }

func ctiOf(n *store.Node) cti {
	p := n.Props
	deprecated, _ := p["deprecated"].(bool)
	return cti{ID: n.ID, Aliases: aliases(p["aliases"]), Description: optString(p, "description"),
		Deprecated: deprecated, StixID: optString(p, "stix_id"), Citations: Citations(n.Citations), names: namesOf(p)}
}

func optDate(p store.Props, name string) *Date {
	if s := p.String(name); s != "" {
		d := Date(s)
		return &d
	}
	return nil
}

// fromCTI converts the threat-intelligence node types; ok is false for
// any other type.
func fromCTI(n *store.Node) (Node, bool) {
	p := n.Props
	switch n.Type {
	case ontology.ThreatActor:
		return &ThreatActor{cti: ctiOf(n), Kind: p.String("kind"), FirstSeen: optDate(p, "first_seen"),
			LastSeen: optDate(p, "last_seen"), Motivation: p.Strings("motivation"),
			Sophistication: optString(p, "sophistication")}, true
	case ontology.Campaign:
		return &Campaign{cti: ctiOf(n), FirstSeen: optDate(p, "first_seen"), LastSeen: optDate(p, "last_seen"),
			Objective: optString(p, "objective")}, true
	case ontology.Malware:
		return &Malware{cti: ctiOf(n), Kinds: p.Strings("kinds")}, true
	case ontology.Tool:
		return &Tool{cti: ctiOf(n), Kinds: p.Strings("kinds")}, true
	case ontology.AttackPattern:
		return &AttackPattern{cti: ctiOf(n), ExternalIds: externalIDs(p["external_ids"])}, true
	}
	return nil, false
}

func externalIDs(v any) []*ExternalID {
	list, _ := v.([]any)
	out := make([]*ExternalID, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		p := store.Props(m)
		out = append(out, &ExternalID{Source: p.String("source"), ExternalID: optString(p, "external_id"), URL: optString(p, "url")})
	}
	return out
}

func (ThreatActor) IsNode()         {}
func (Campaign) IsNode()            {}
func (Malware) IsNode()             {}
func (Tool) IsNode()                {}
func (AttackPattern) IsNode()       {}
func (ThreatActor) IsSourced()      {}
func (Campaign) IsSourced()         {}
func (Malware) IsSourced()          {}
func (Tool) IsSourced()             {}
func (AttackPattern) IsSourced()    {}
func (ThreatActor) IsAudited()      {}
func (Campaign) IsAudited()         {}
func (Malware) IsAudited()          {}
func (Tool) IsAudited()             {}
func (AttackPattern) IsAudited()    {}
func (ThreatActor) IsParty()        {}
func (State) IsParty()              {}
func (Organization) IsParty()       {}
func (ThreatActor) IsSubject()      {}
func (Campaign) IsSubject()         {}
func (Incident) IsSubject()         {}
func (Malware) IsCapability()       {}
func (Tool) IsCapability()          {}
func (AttackPattern) IsCapability() {}
