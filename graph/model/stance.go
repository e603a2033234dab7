package model

// Stance is one party's position on a claim.
type Stance struct {
	Audit
	ID         string
	Kind       string
	Date       *DateInfo
	Text       *string
	TextEn     *string
	Band       EstimativeBand
	Confidence *int
	Citations  []*Citation
}

func (Stance) IsNode()    {}
func (Stance) IsSourced() {}
func (Stance) IsAudited() {}
func (Stance) IsClaim()   {}

// ChainLink is one step of an attribution chain.
type ChainLink struct {
	Kind       string
	ClaimID    string // "" for a PART_OF step
	FromID     string
	ToID       string
	Band       *EstimativeBand
	Citations  []*Citation
	OpposedIDs []string
}

// AttributionChain is a path of claims from a subject to a blamed party.
type AttributionChain struct {
	Links          []*ChainLink
	EndID          string
	Strength       EstimativeBand
	Weakest        *ChainLink
	Disputed       bool
	DeniedByIDs    []string
	ContestedByIDs []string
}

// AttributionChains are the chains found, and whether there were more.
type AttributionChains struct {
	Chains    []*AttributionChain
	Truncated bool
}

// Dispute is a denied or contested claim with its stances.
type Dispute struct {
	ClaimID          string
	EndorsementIDs   []string
	OppositionIDs    []string
	QualificationIDs []string
}

// SummaryStance is a stance on a summary's claim.
type SummaryStance struct {
	StanceID string
	Days     *int
}

func (Attribution) IsClaim() {}
