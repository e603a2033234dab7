package query

import (
	"fmt"
	"slices"

	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Claim is one attribution as a summary sees it.
type Claim struct {
	Attribution string
	Attributor  string   // the claimant: a State or an Organization
	Blamed      []string // the parties held responsible
	Date        string
	Days        *int // from the subject's date to the claim; nil when the subject has none
	Confidence  *int // STIX confidence; nil when the claim states none
	Involvement []string
}

// Position is one party blamed for the incident: who blames it and which
// attributors of the same incident do not.
type Position struct {
	Blamed   string
	Agree    []string // attributors that blame it
	Disagree []string // attributors of the incident that blame others only
}

// Summary is what had been claimed about one incident by a date.
type Summary struct {
	Incident  string
	AsOf      string
	Claims    []Claim // by date then ID
	Positions []Position
	// Highest and Lowest are the claims of highest and lowest stated
	// confidence (ties: the earlier); nil when no claim states any.
	Highest, Lowest *Claim
	// First and Latest are the earliest and latest claims by date.
	First, Latest *Claim
	// InvolvementDiffers is true when the claims name different degrees of
	// state involvement (for example, sponsored versus state-linked).
	InvolvementDiffers bool
}

// Summarize gathers who blamed whom for incident, who agrees and who
// differs, the confidence range and the first and latest claim, counting
// only claims dated on or before asOf ("" for all).
func Summarize(tx *view.Txn, incident, asOf string) (*Summary, error) {
	inc, err := tx.Node(incident)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ontology.Attributable, inc.Type) {
		return nil, &graphalgo.KindError{ID: incident, Kind: inc.Type, Want: "an Incident, a Campaign or a ThreatActor"}
	}
	// An incident has its date; a campaign or a group counts from when it
	// was first seen, and has no days to count when the source gives none.
	since := inc.Props.String("date")
	if since == "" {
		since = inc.Props.String("first_seen")
	}
	nodes, err := claimsOf(tx, incident, asOf)
	if err != nil {
		return nil, err
	}
	s := &Summary{Incident: incident, AsOf: asOf}
	for _, n := range nodes {
		c := Claim{Attribution: n.ID, Date: n.Props.String("date")}
		if since != "" {
			d, err := Days(since, c.Date)
			if err != nil {
				return nil, fmt.Errorf("summary of %s: %w", incident, err)
			}
			c.Days = &d
		}
		// The claimant is a State or, for an agency's or a company's own
		// claim, an Organization.
		for _, typ := range ontology.Claimants {
			by, err := linkedOfType(tx, n.ID, ontology.AttributedBy, typ)
			if err != nil {
				return nil, err
			}
			if len(by) > 0 && c.Attributor == "" {
				c.Attributor = by[0]
			}
		}
		refs, err := tx.Edges(n.ID, store.Out, ontology.Blames)
		if err != nil {
			return nil, err
		}
		for _, r := range refs {
			if !slices.Contains(c.Blamed, r.Other) {
				c.Blamed = append(c.Blamed, r.Other)
			}
		}
		slices.Sort(c.Blamed)
		if conf, ok := ontology.Band(n.Props.String("band")).Confidence(); ok {
			c.Confidence = &conf
		}
		if list, ok := n.Props["involvement"].([]any); ok {
			for _, v := range list {
				if str, ok := v.(string); ok {
					c.Involvement = append(c.Involvement, str)
				}
			}
		}
		s.Claims = append(s.Claims, c)
	}
	for i := range s.Claims {
		c := &s.Claims[i]
		if s.First == nil {
			s.First = c
		}
		s.Latest = c
		if c.Confidence != nil {
			if s.Highest == nil || *c.Confidence > *s.Highest.Confidence {
				s.Highest = c
			}
			if s.Lowest == nil || *c.Confidence < *s.Lowest.Confidence {
				s.Lowest = c
			}
		}
		if i > 0 && !slices.Equal(sorted(c.Involvement), sorted(s.Claims[0].Involvement)) {
			s.InvolvementDiffers = true
		}
	}
	s.Positions = positions(s.Claims)
	return s, nil
}

// positions groups the claims by party blamed.
func positions(claims []Claim) []Position {
	var attributors, blamed []string
	for _, c := range claims {
		if c.Attributor != "" && !slices.Contains(attributors, c.Attributor) {
			attributors = append(attributors, c.Attributor)
		}
		for _, b := range c.Blamed {
			if !slices.Contains(blamed, b) {
				blamed = append(blamed, b)
			}
		}
	}
	slices.Sort(attributors)
	slices.Sort(blamed)
	out := make([]Position, 0, len(blamed))
	for _, b := range blamed {
		p := Position{Blamed: b}
		for _, a := range attributors {
			blames := false
			for _, c := range claims {
				if c.Attributor == a && slices.Contains(c.Blamed, b) {
					blames = true
				}
			}
			if blames {
				p.Agree = append(p.Agree, a)
			} else {
				p.Disagree = append(p.Disagree, a)
			}
		}
		out = append(out, p)
	}
	return out
}

func sorted(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}
