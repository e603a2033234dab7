// Package ontology names what the attribution graph may hold: node and edge
// types, their enumerations, and the estimative-language scale that maps
// words of certainty onto STIX 2.1 confidence. seed/FORMAT.md documents the
// same for people who edit facts files.
package ontology

import "slices"

// Node types.
const (
	Document     = "Document"
	State        = "State"
	Organization = "Organization"
	Person       = "Person"
	Incident     = "Incident"
	Attribution  = "Attribution"
	Response     = "Response"
	Statement    = "Statement"
	// Assessment is an analyst's own judgement, not something a source
	// said: it names its author and date, carries a confidence, and may
	// cite documents it rests on, but needs no citation.
	Assessment = "Assessment"
	// ThreatActor is a tracked group, persona or individual (STIX
	// intrusion-set and threat-actor): a name the CTI world blames, apart
	// from any state or organization it may be claimed to work for.
	ThreatActor = "ThreatActor"
	// Campaign is a set of operations over time (STIX campaign).
	Campaign      = "Campaign"
	Malware       = "Malware"
	Tool          = "Tool"
	AttackPattern = "AttackPattern"
	// Stance is one party's position on a claim (an Attribution or
	// another Stance): it endorses, denies, contests or qualifies it. It
	// is a claim of its own, with its date, words, band and citations; a
	// denial is never a negative attribution.
	Stance = "Stance"
)

// NodeTypes lists every node type.
var NodeTypes = []string{Document, State, Organization, Person, Incident, Attribution, Response, Statement, Assessment,
	ThreatActor, Campaign, Malware, Tool, AttackPattern, Stance}

// CTITypes are the node types that threat intelligence tracks, each named,
// with aliases, and importable from STIX.
var CTITypes = []string{ThreatActor, Campaign, Malware, Tool, AttackPattern}

// Edge types.
const (
	Targeted     = "TARGETED"
	AttributedBy = "ATTRIBUTED_BY"
	Via          = "VIA"
	Blames       = "BLAMES"
	Concerns     = "CONCERNS"
	RespondedBy  = "RESPONDED_BY"
	DirectedAt   = "DIRECTED_AT"
	Answers      = "ANSWERS"
	Follows      = "FOLLOWS"
	SaidBy       = "SAID_BY"
	OnBehalfOf   = "ON_BEHALF_OF"
	About        = "ABOUT"
	MemberOf     = "MEMBER_OF"
	PartOf       = "PART_OF"
	LocatedIn    = "LOCATED_IN"
	AllyOf       = "ALLY_OF"
	ReportedBy   = "REPORTED_BY"
	Assesses     = "ASSESSES"
	// Uses joins an actor, a campaign or a piece of malware to the
	// malware, tools and techniques it uses.
	Uses = "USES"
	// Targets joins a CTI object to the state or organization (or sector,
	// an Organization of kind SECTOR) it goes after.
	Targets = "TARGETS"
	// On joins a stance to the claim it takes a position on.
	On = "ON"
	// HeldBy joins a stance to the party whose position it is.
	HeldBy = "HELD_BY"
)

// EdgeRule says which node types an edge type may join.
type EdgeRule struct {
	From, To []string // empty means any type
	// Or lists further (From, To) pairs the edge may join, for an edge
	// type whose meaning holds between unrelated pairs of types (PART_OF:
	// an organization of a state, an incident of a campaign).
	Or []EdgeRule
}

var actors = []string{State, Organization}

// Claimants may make an attribution: a government or any organization
// (an agency, a company such as Microsoft or MITRE), each in its own name.
var Claimants = []string{State, Organization}

// Blameable are the parties an attribution may hold responsible.
var Blameable = []string{State, Organization, ThreatActor}

// Attributable are what an attribution may be about: an incident, a
// campaign, or a group (whose sponsor the claim names).
var Attributable = []string{Incident, Campaign, ThreatActor}

// users are the node types that may use malware, tools and techniques.
var users = []string{ThreatActor, Campaign, Malware, Tool}
var speakers = []string{Person, Organization}

// EdgeRules maps each edge type to the node types it joins.
var EdgeRules = map[string]EdgeRule{
	Targeted:     {From: []string{Incident}, To: actors},
	AttributedBy: {From: []string{Attribution}, To: Claimants},
	Via:          {From: []string{Attribution, Response, Statement, Stance}, To: speakers},
	Blames:       {From: []string{Attribution}, To: Blameable},
	Concerns:     {From: []string{Attribution}, To: Attributable},
	RespondedBy:  {From: []string{Response}, To: []string{State}},
	DirectedAt:   {From: []string{Response}, To: actors},
	Answers:      {From: []string{Response}, To: []string{Incident}},
	Follows:      {From: []string{Response}, To: []string{Attribution}},
	SaidBy:       {From: []string{Statement}, To: speakers},
	OnBehalfOf:   {From: []string{Statement}, To: []string{State}},
	About:        {From: []string{Statement}},
	MemberOf:     {From: []string{Person}, To: actors},
	PartOf:       {From: []string{Organization}, To: actors, Or: []EdgeRule{{From: []string{Incident}, To: []string{Campaign}}}},
	LocatedIn:    {From: []string{Organization}, To: []string{State}},
	AllyOf:       {From: []string{State}, To: actors},
	ReportedBy:   {From: []string{Document}, To: []string{Organization}},
	Assesses:     {From: []string{Assessment}},
	Uses:         {From: users, To: []string{Malware, Tool, AttackPattern}},
	Targets:      {From: []string{ThreatActor, Campaign, Malware, Tool, AttackPattern}, To: actors},
	On:           {From: []string{Stance}, To: StanceTargets},
	HeldBy:       {From: []string{Stance}, To: Claimants},
}

// ClaimTypes are the node types that are claims: each is one party's word,
// never changed in place, and may be cited from more than one report.
var ClaimTypes = []string{Attribution, Response, Statement, Stance}

// StanceTargets are the claims a stance may take a position on.
var StanceTargets = []string{Attribution, Stance}

// Stance kinds.
const (
	Endorses  = "ENDORSES"
	Denies    = "DENIES"
	Contests  = "CONTESTS"
	Qualifies = "QUALIFIES"
)

// StanceKinds lists the positions a stance may take on a claim.
var StanceKinds = []string{Endorses, Denies, Contests, Qualifies}

// Opposes reports whether a stance of kind k opposes its claim.
func Opposes(k string) bool { return k == Denies || k == Contests }

// Citation roles: whether a citation is the claimant's own statement or
// publication (PRIMARY) or a report of it (SECONDARY). A citation with no
// role states neither.
const (
	Primary   = "PRIMARY"
	Secondary = "SECONDARY"
)

// CitationRoles lists the roles a citation may have.
var CitationRoles = []string{Primary, Secondary}

// Unsourced reports whether facts of node type typ, and the edges leaving
// them, may stand without a citation: an analyst's assessment is the
// analyst's word, not a source's.
func Unsourced(typ string) bool { return typ == Assessment }

// Allows reports whether an edge of type typ may join from to to.
func (r EdgeRule) Allows(from, to string) bool {
	if (len(r.From) == 0 || slices.Contains(r.From, from)) &&
		(len(r.To) == 0 || slices.Contains(r.To, to)) {
		return true
	}
	for _, o := range r.Or {
		if o.Allows(from, to) {
			return true
		}
	}
	return false
}

// Band is a word of certainty placed on the ICD 203 / UK PHIA yardstick.
type Band string

// Estimative bands, from least to most certain, and UNSTATED.
const (
	Remote        Band = "REMOTE"
	VeryUnlikely  Band = "VERY_UNLIKELY"
	Unlikely      Band = "UNLIKELY"
	RoughlyEven   Band = "ROUGHLY_EVEN"
	Likely        Band = "LIKELY"
	VeryLikely    Band = "VERY_LIKELY"
	AlmostCertain Band = "ALMOST_CERTAIN"
	Unstated      Band = "UNSTATED"
)

// Bands lists the bands from least to most certain, then UNSTATED.
var Bands = []Band{Remote, VeryUnlikely, Unlikely, RoughlyEven, Likely, VeryLikely, AlmostCertain, Unstated}

// stixConfidence is the STIX 2.1 confidence (Appendix A, "DNI scale") of
// each band.
var stixConfidence = map[Band]int{
	Remote: 5, VeryUnlikely: 15, Unlikely: 30, RoughlyEven: 50,
	Likely: 70, VeryLikely: 85, AlmostCertain: 95,
}

// Confidence returns the STIX 2.1 confidence of band b; ok is false for
// UNSTATED and unknown bands, whose confidence is null.
func (b Band) Confidence() (c int, ok bool) {
	c, ok = stixConfidence[b]
	return c, ok
}

// Enumerations of string properties, by node type and property name.
var Enums = map[string]map[string][]string{
	Document:     {"kind": {"ARTICLE", "REFERENCE", "STIX_BUNDLE", "REPORT"}},
	Organization: {"kind": {"GOVERNMENT", "GOVERNMENT_BODY", "SECURITY_AGENCY", "EMBASSY", "ALLIANCE", "NEWS_AGENCY", "PHOTO_AGENCY", "GROUP", "COMPANY", "SECTOR"}},
	ThreatActor:  {"kind": ThreatActorKinds},
	Incident:     {"kind": {"CYBERATTACK"}},
	Response:     {"kind": ResponseKinds, "effective": {"IMMEDIATE"}},
	Statement:    {"kind": {"QUOTE", "PARAPHRASE"}},
	Attribution:  {"band": bandNames()},
	Assessment:   {"band": bandNames()},
	Stance:       {"kind": StanceKinds, "band": bandNames()},
}

// Markings are the TLP 2.0 markings, from least to most restricted. An
// empty marking means CLEAR.
var Markings = []string{"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"}

// MarkingLevel returns the position of marking m in Markings (0 for "" and
// CLEAR), or -1 when m is not a TLP marking.
func MarkingLevel(m string) int {
	if m == "" {
		return 0
	}
	return slices.Index(Markings, m)
}

// Covers reports whether a reader cleared up to clearance may read a
// record marked marking. An unknown marking is treated as stricter than
// every TLP marking, and an empty clearance as CLEAR, so a mistake hides a
// record rather than shows it.
func Covers(clearance, marking string) bool {
	level := MarkingLevel(marking)
	if level < 0 {
		level = len(Markings)
	}
	return level <= MarkingLevel(clearance)
}

// ResponseKinds is the response taxonomy.
var ResponseKinds = []string{
	"DIPLOMATIC_SEVERANCE", // breaks off diplomatic relations
	"EXPULSION",            // orders diplomats or staff out, usually with a deadline
	"VOW_OF_MEASURES",      // promises further, unspecified measures
	"CALL_ON_ALLIES",       // urges partners and allies to act with it
	"CONDEMNATION",         // condemns or publicly exposes the act
	"STATEMENT_OF_SUPPORT", // stands with, or pledges support to, the victim
	"SANCTION",             // economic or legal measures against named parties
}

// ThreatActorKinds: a tracked group (STIX intrusion-set), a persona that
// speaks for an operation (such as "HomeLand Justice"), or one person.
var ThreatActorKinds = []string{"GROUP", "PERSONA", "INDIVIDUAL"}

// Involvements are the degrees of state involvement an attribution claims.
var Involvements = []string{"ORCHESTRATED", "SPONSORED", "STATE_LINKED_ACTORS", "RESPONSIBLE"}

// DatePrecisions are the precisions a date may carry.
var DatePrecisions = []string{"DAY", "MONTH", "YEAR"}

// Dated lists the node types that carry a date of their own.
var Dated = []string{Incident, Attribution, Response, Statement, Assessment, Stance}

// BandRank orders bands by certainty for comparing the strength of claims:
// REMOTE is 1 and ALMOST_CERTAIN 7. UNSTATED (and an unknown band) is 0,
// weaker than every stated band: a claim that states no certainty gives a
// chain nothing to rest on.
func BandRank(b Band) int {
	for i, x := range Bands {
		if x == b && b != Unstated {
			return i + 1
		}
	}
	return 0
}

func bandNames() []string {
	s := make([]string, len(Bands))
	for i, b := range Bands {
		s[i] = string(b)
	}
	return s
}
