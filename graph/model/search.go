package model

import "github.com/attrib/attrib/store"

// SearchEdge is one search hit. Document resolves from DocumentID.
type SearchEdge struct {
	Cursor     string
	Node       Node
	Score      float64
	Snippet    string
	Highlights []*TextRange
	Field      string
	MatchedIn  []string
	DocumentID string
	Start      *int
	End        *int
}

// SearchConnection is a page of search hits.
type SearchConnection struct {
	Edges      []*SearchEdge
	PageInfo   *PageInfo
	TotalCount int
}

// Path is a path between two nodes.
type Path struct {
	Length int
	Nodes  []Node
	Links  []*Link
}

// Neighbourhood is the graph around a node.
type Neighbourhood struct {
	Center Node
	Depth  int
	Nodes  []*NeighbourhoodNode
	Links  []*Link
}

// NeighbourhoodNode is a node and its distance from the center.
type NeighbourhoodNode struct {
	Node     Node
	Distance int
}

// TimelineEvent is a dated node; Incidents resolve from IncidentIDs.
type TimelineEvent struct {
	Date              *DateInfo
	Kind              string
	Node              Node
	IncidentIDs       []string
	DaysSinceIncident *int
}

// TimeToAttribution is the lag from an incident to one claim.
type TimeToAttribution struct {
	IncidentID    string
	AttributionID string
	Days          int
}

// Timeline is a timeline with the time to each attribution.
type Timeline struct {
	AsOf              *Date
	Events            []*TimelineEvent
	TimeToAttribution []*TimeToAttribution
	TimeToResponse    []*TimeToResponse
}

// AttributionClaim is one claim as a summary counts it.
type AttributionClaim struct {
	AttributionID string
	AttributorID  string
	BlamedIDs     []string
	Date          Date
	Days          *int
	Confidence    *int
	Involvement   []string
	EndorsedByIDs []string
	DeniedByIDs   []string
}

// AttributionPosition is one blamed party and who agrees.
type AttributionPosition struct {
	BlamedID    string
	AgreeIDs    []string
	DisagreeIDs []string
}

// AttributionSummary is what had been claimed about an incident.
type AttributionSummary struct {
	IncidentID         string
	AsOf               *Date
	Claims             []*AttributionClaim
	Positions          []*AttributionPosition
	InvolvementDiffers bool
	Highest            *AttributionClaim
	Lowest             *AttributionClaim
	First              *AttributionClaim
	Latest             *AttributionClaim
	TimeToResponse     []*TimeToResponse
	FirstResponse      *TimeToResponse
	Stances            []*SummaryStance
	StrongestChains    []*AttributionChain
}

// DateOf reads a dated node's date, precision and provenance.
func DateOf(p store.Props) *DateInfo { return dateInfo(p) }

// SetCutoff makes the incident's attributions, responses and statements
// stop at d (inclusive): an as-of query shows what had been claimed and done
// by then.
func (i *Incident) SetCutoff(d Date) { i.cutoff = d }

// Cutoff returns the as-of date set on the incident, or "".
func (i *Incident) Cutoff() Date { return i.cutoff }

// Before reports whether a claim dated d falls within the incident's
// cutoff (always, when none is set).
func (i *Incident) Before(d *DateInfo) bool {
	return i.cutoff == "" || d == nil || d.Date <= i.cutoff
}
