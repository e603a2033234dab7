package query

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// StanceRef is one party's position on a claim, as the composed reads see
// it.
type StanceRef struct {
	ID     string
	Kind   string // ENDORSES, DENIES, CONTESTS or QUALIFIES
	Holder string // "" when the reader may not see the holder
	Date   string
	On     string
}

// StancesOn returns the unretracted stances on claim that the reader may
// see, by date then ID.
func StancesOn(tx *view.Txn, claim string) ([]StanceRef, error) {
	refs, err := tx.Edges(claim, store.In, ontology.On)
	if err != nil {
		return nil, err
	}
	var out []StanceRef
	seen := map[string]bool{}
	for _, r := range refs {
		if seen[r.Other] {
			continue
		}
		seen[r.Other] = true
		s, ok, err := stanceRef(tx, r.Other)
		if err != nil {
			return nil, err
		}
		if ok {
			s.On = claim
			out = append(out, s)
		}
	}
	sortStances(out)
	return out, nil
}

// stanceRef reads stance id; ok is false when it is hidden, retracted or
// not a stance.
func stanceRef(tx *view.Txn, id string) (StanceRef, bool, error) {
	n, err := tx.Node(id)
	if errors.Is(err, store.ErrNotFound) {
		return StanceRef{}, false, nil
	}
	if err != nil {
		return StanceRef{}, false, err
	}
	if n.Type != ontology.Stance || n.Retraction != nil {
		return StanceRef{}, false, nil
	}
	s := StanceRef{ID: n.ID, Kind: n.Props.String("kind"), Date: n.Props.String("date")}
	for _, typ := range ontology.Claimants {
		by, err := linkedOfType(tx, n.ID, ontology.HeldBy, typ)
		if err != nil {
			return StanceRef{}, false, err
		}
		if len(by) > 0 && s.Holder == "" {
			s.Holder = by[0]
		}
	}
	return s, true, nil
}

func sortStances(s []StanceRef) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Date != s[j].Date {
			return s[i].Date < s[j].Date
		}
		return s[i].ID < s[j].ID
	})
}

// holders returns the holders of the stances of the given kinds, each once,
// sorted.
func holders(ss []StanceRef, kinds ...string) []string {
	var out []string
	for _, s := range ss {
		if s.Holder != "" && slices.Contains(kinds, s.Kind) && !slices.Contains(out, s.Holder) {
			out = append(out, s.Holder)
		}
	}
	slices.Sort(out)
	return out
}

// Dispute is a claim that is denied or contested, with every stance on it
// side by side.
type Dispute struct {
	Claim          string
	Date           string
	Endorsements   []string // ENDORSES stances, by date
	Oppositions    []string // DENIES and CONTESTS stances, by date
	Qualifications []string // QUALIFIES stances, by date
}

// MaxDisputes is the most disputes one request may ask for.
const MaxDisputes = 100

// Disputes lists the claims the reader may see that a stance denies or
// contests, by the claim's date then ID, at most limit of them. With
// incident set, only the attributions about it (and the stances on them).
func Disputes(tx *view.Txn, incident string, limit int) ([]Dispute, error) {
	if limit < 1 || limit > MaxDisputes {
		return nil, invalid("first", "must be between 1 and %d, got %d", MaxDisputes, limit)
	}
	var candidates []string
	if incident != "" {
		inc, err := tx.Node(incident)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(ontology.Attributable, inc.Type) {
			return nil, fmt.Errorf("%w: incident names a %s, not an Incident, a Campaign or a ThreatActor", store.ErrInvalid, inc.Type)
		}
		claims, err := claimsOf(tx, incident, "")
		if err != nil {
			return nil, err
		}
		for _, c := range claims {
			candidates = append(candidates, c.ID)
			ss, err := StancesOn(tx, c.ID)
			if err != nil {
				return nil, err
			}
			for _, s := range ss {
				candidates = append(candidates, s.ID)
			}
		}
	} else {
		ids, err := tx.NodeIDsByType(ontology.Stance)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, id := range ids {
			refs, err := tx.Edges(id, store.Out, ontology.On)
			if err != nil {
				return nil, err
			}
			for _, r := range refs {
				if !seen[r.Other] {
					seen[r.Other] = true
					candidates = append(candidates, r.Other)
				}
			}
		}
	}
	var out []Dispute
	done := map[string]bool{}
	for _, c := range candidates {
		if done[c] {
			continue
		}
		done[c] = true
		n, err := tx.Node(c)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n.Retraction != nil || !slices.Contains(ontology.StanceTargets, n.Type) {
			continue
		}
		ss, err := StancesOn(tx, c)
		if err != nil {
			return nil, err
		}
		d := Dispute{Claim: c, Date: n.Props.String("date")}
		for _, s := range ss {
			switch {
			case s.Kind == ontology.Endorses:
				d.Endorsements = append(d.Endorsements, s.ID)
			case ontology.Opposes(s.Kind):
				d.Oppositions = append(d.Oppositions, s.ID)
			default:
				d.Qualifications = append(d.Qualifications, s.ID)
			}
		}
		if len(d.Oppositions) > 0 {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].Claim < out[j].Claim
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// SummaryStance is a stance on one of a summary's claims.
type SummaryStance struct {
	StanceRef
	Days *int // from the subject's date; nil when it has none
}

// StanceSummary is what the stances on an incident's claims add to its
// summary.
type StanceSummary struct {
	Stances    []SummaryStance     // by date then ID
	EndorsedBy map[string][]string // claim -> holders of ENDORSES stances
	DeniedBy   map[string][]string // claim -> holders of DENIES or CONTESTS stances
	// Strongest holds, for each State at the end of a chain from the
	// subject, the strongest chain to it, by State ID.
	Strongest []Chain
}

// SummarizeStances adds to summary s who endorses and who denies each of
// its claims, the days from the subject to each stance, and, with chains,
// the strongest chain to each State blamed at a chain's end, counting only
// stances and claims dated by s.AsOf. The chains are a bounded search of
// their own, so a summary asked without them does not make it.
func SummarizeStances(tx *view.Txn, s *Summary, chains bool) (*StanceSummary, error) {
	inc, err := tx.Node(s.Incident)
	if err != nil {
		return nil, err
	}
	since := inc.Props.String("date")
	if since == "" {
		since = inc.Props.String("first_seen")
	}
	out := &StanceSummary{EndorsedBy: map[string][]string{}, DeniedBy: map[string][]string{}}
	for _, c := range s.Claims {
		ss, err := StancesOn(tx, c.Attribution)
		if err != nil {
			return nil, err
		}
		ss = slices.DeleteFunc(ss, func(x StanceRef) bool { return s.AsOf != "" && x.Date > s.AsOf })
		out.EndorsedBy[c.Attribution] = holders(ss, ontology.Endorses)
		out.DeniedBy[c.Attribution] = holders(ss, ontology.Denies, ontology.Contests)
		for _, x := range ss {
			st := SummaryStance{StanceRef: x}
			if since != "" {
				d, err := Days(since, x.Date)
				if err != nil {
					return nil, fmt.Errorf("summary of %s: %w", s.Incident, err)
				}
				st.Days = &d
			}
			out.Stances = append(out.Stances, st)
		}
	}
	sort.SliceStable(out.Stances, func(i, j int) bool {
		if out.Stances[i].Date != out.Stances[j].Date {
			return out.Stances[i].Date < out.Stances[j].Date
		}
		return out.Stances[i].ID < out.Stances[j].ID
	})
	if !chains {
		return out, nil
	}
	found, err := findChains(tx, s.Incident, "", "", defaultChainHops, s.AsOf)
	if err != nil {
		return nil, err
	}
	best := map[string]int{}
	var states []string
	for i, c := range found.Chains {
		if t, _, err := store.DecodeNodeID(c.End); err != nil || t != ontology.State {
			continue
		}
		j, ok := best[c.End]
		if !ok {
			states = append(states, c.End)
		}
		// Chains come strongest first: the first to each state is its best.
		if !ok || stronger(c, found.Chains[j]) {
			best[c.End] = i
		}
	}
	slices.Sort(states)
	for _, st := range states {
		out.Strongest = append(out.Strongest, found.Chains[best[st]])
	}
	return out, nil
}
