package query

import (
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Bounds of a chain search.
const (
	MaxChainHops = 6 // most claims in one chain
	// defaultChainHops is maxHops when not given, as the schema says.
	defaultChainHops = 4
	MaxChains        = 50 // most chains returned
	// maxChainSteps bounds the claims a search may follow in all, so a
	// densely linked graph cannot make one request walk it whole.
	maxChainSteps = 20000
)

// Link kinds of a chain.
const (
	LinkAttribution = "ATTRIBUTION"
	LinkPartOf      = "PART_OF"
)

// ChainLink is one step of a chain: an attribution claim about From that
// blames To, or a state body's PART_OF link to its state.
type ChainLink struct {
	Kind  string
	Claim string // the Attribution; "" for PART_OF
	From  string
	To    string
	Band  ontology.Band // "" for PART_OF
	Date  string
	// Edge is the PART_OF link ("" for a claim), and Citations its
	// citations, as the reader may see them.
	Edge      string
	Citations []store.Citation
	// Opposed are the stances that deny or contest the claim, by date.
	Opposed []StanceRef
}

// Chain is a path of claims from a subject to a blamed party.
type Chain struct {
	Links []ChainLink
	End   string
	// Strength is the band of the weakest claim (see ontology.BandRank:
	// UNSTATED is the weakest), and Weakest its index in Links.
	Strength ontology.Band
	Weakest  int
	// DeniedBy and ContestedBy are the holders of stances denying or
	// contesting any claim of the chain, sorted.
	DeniedBy, ContestedBy []string
}

// Disputed reports whether any claim of the chain is denied or contested.
func (c Chain) Disputed() bool { return len(c.DeniedBy)+len(c.ContestedBy) > 0 }

// Chains are the chains a search found, strongest first, and whether it
// stopped at a bound before finding them all.
type Chains struct {
	Chains    []Chain
	Truncated bool
}

// AttributionChains returns every chain of attribution claims from from
// (an Incident, a Campaign or a ThreatActor) to a blamed party: a claim
// about from that blames X, then a claim about X that blames Y, and so on,
// at most maxHops claims (0 means 4; at most MaxChainHops). A chain that
// reaches an Organization may end with its PART_OF link to a State, as a
// state body's chain ends at its state; that step is not a claim and does
// not count to the chain's strength. With to set, only chains ending there;
// with through set, only chains that pass through it on the way. No party
// appears twice in a chain. Only what the reader may see is
// followed; retracted claims and stances are left out. Strongest first, at
// most MaxChains, with Truncated set when there were more.
func AttributionChains(tx *view.Txn, from, to, through string, maxHops int) (*Chains, error) {
	if maxHops == 0 {
		maxHops = defaultChainHops
	}
	if maxHops < 1 || maxHops > MaxChainHops {
		return nil, invalid("maxHops", "must be between 1 and %d, got %d", MaxChainHops, maxHops)
	}
	return findChains(tx, from, to, through, maxHops, "")
}

// findChains is AttributionChains counting only claims dated by asOf ("" for
// all).
func findChains(tx *view.Txn, from, to, through string, maxHops int, asOf string) (*Chains, error) {
	start, err := tx.Node(from)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ontology.Attributable, start.Type) {
		return nil, invalid("from", "names a %s; a chain starts at an Incident, a Campaign or a ThreatActor", start.Type)
	}
	for _, id := range []string{to, through} {
		if id != "" {
			if _, err := tx.Node(id); err != nil {
				return nil, err
			}
		}
	}
	w := &chainWalk{tx: tx, to: to, through: through, maxHops: maxHops, asOf: asOf,
		about: map[string][]ChainLink{}, opposed: map[string][]StanceRef{}}
	if err := w.walk(from, []string{from}, nil); err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	sort.SliceStable(w.out, func(i, j int) bool { return stronger(w.out[i], w.out[j]) })
	if err := citePartOf(tx, w.out); err != nil {
		return nil, err
	}
	return &Chains{Chains: w.out, Truncated: w.truncated}, nil
}

// citePartOf gives the PART_OF steps of chains their links' citations,
// once the walk is done: each link is read once, and only for a chain
// that is returned, not at every step the walk tries.
func citePartOf(tx *view.Txn, chains []Chain) error {
	cited := map[string][]store.Citation{}
	for _, c := range chains {
		for i := range c.Links {
			l := &c.Links[i]
			if l.Kind != LinkPartOf {
				continue
			}
			cs, ok := cited[l.Edge]
			if !ok {
				e, err := tx.Edge(l.Edge)
				if err != nil {
					return err
				}
				cs = e.Citations
				cited[l.Edge] = cs
			}
			l.Citations = cs
		}
	}
	return nil
}

// errStop ends a walk that reached a bound.
var errStop = errors.New("stop")

type chainWalk struct {
	tx        *view.Txn
	to        string
	through   string
	maxHops   int
	asOf      string
	steps     int
	truncated bool
	out       []Chain
	about     map[string][]ChainLink // subject -> the links of the claims about it
	opposed   map[string][]StanceRef // claim -> stances denying or contesting it
}

func (w *chainWalk) walk(at string, seen []string, links []ChainLink) error {
	claims, err := w.claimsAbout(at)
	if err != nil {
		return err
	}
	for _, l := range claims {
		if slices.Contains(seen, l.To) {
			continue
		}
		if w.steps++; w.steps > maxChainSteps {
			w.truncated = true
			return errStop
		}
		path := append(slices.Clone(links), l)
		if w.to == "" || l.To == w.to {
			if err := w.emit(path); err != nil {
				return err
			}
		}
		// A state body's chain may end at its state.
		parts, err := w.partOf(l.To)
		if err != nil {
			return err
		}
		for _, p := range parts {
			if slices.Contains(seen, p.To) || (w.to != "" && p.To != w.to) {
				continue
			}
			if err := w.emit(append(slices.Clone(path), p)); err != nil {
				return err
			}
		}
		if len(path) < w.maxHops {
			if err := w.walk(l.To, append(slices.Clone(seen), l.To), path); err != nil {
				return err
			}
		}
	}
	return nil
}

// emit adds a finished chain, or stops the walk when there are enough.
func (w *chainWalk) emit(links []ChainLink) error {
	if w.through != "" && !slices.ContainsFunc(links[:len(links)-1], func(l ChainLink) bool { return l.To == w.through }) {
		return nil
	}
	if len(w.out) == MaxChains {
		w.truncated = true
		return errStop
	}
	c := Chain{Links: links, End: links[len(links)-1].To, Weakest: -1}
	var denied, contested []string
	for i, l := range links {
		if l.Kind != LinkAttribution {
			continue
		}
		if c.Weakest < 0 || ontology.BandRank(l.Band) < ontology.BandRank(c.Strength) {
			c.Strength, c.Weakest = l.Band, i
		}
		for _, s := range l.Opposed {
			if s.Holder == "" {
				continue
			}
			if s.Kind == ontology.Denies && !slices.Contains(denied, s.Holder) {
				denied = append(denied, s.Holder)
			}
			if s.Kind == ontology.Contests && !slices.Contains(contested, s.Holder) {
				contested = append(contested, s.Holder)
			}
		}
	}
	slices.Sort(denied)
	slices.Sort(contested)
	c.DeniedBy, c.ContestedBy = denied, contested
	w.out = append(w.out, c)
	return nil
}

// claimsAbout returns a link for each party blamed by each visible,
// unretracted attribution about subject, in a stable order.
func (w *chainWalk) claimsAbout(subject string) ([]ChainLink, error) {
	if ls, ok := w.about[subject]; ok {
		return ls, nil
	}
	claims, err := claimsOf(w.tx, subject, w.asOf)
	if err != nil {
		return nil, err
	}
	var out []ChainLink
	for _, n := range claims {
		refs, err := w.tx.Edges(n.ID, store.Out, ontology.Blames)
		if err != nil {
			return nil, err
		}
		blamed := make([]string, 0, len(refs))
		for _, r := range refs {
			if !slices.Contains(blamed, r.Other) {
				blamed = append(blamed, r.Other)
			}
		}
		slices.Sort(blamed)
		opp, err := w.opposition(n.ID)
		if err != nil {
			return nil, err
		}
		for _, b := range blamed {
			out = append(out, ChainLink{Kind: LinkAttribution, Claim: n.ID, From: subject, To: b,
				Band: ontology.Band(n.Props.String("band")), Date: n.Props.String("date"), Opposed: opp})
		}
	}
	w.about[subject] = out
	return out, nil
}

// opposition returns the stances denying or contesting claim, dated by
// asOf.
func (w *chainWalk) opposition(claim string) ([]StanceRef, error) {
	if ss, ok := w.opposed[claim]; ok {
		return ss, nil
	}
	all, err := StancesOn(w.tx, claim)
	if err != nil {
		return nil, err
	}
	var out []StanceRef
	for _, s := range all {
		if ontology.Opposes(s.Kind) && (w.asOf == "" || s.Date <= w.asOf) {
			out = append(out, s)
		}
	}
	w.opposed[claim] = out
	return out, nil
}

// partOf returns the PART_OF steps from an Organization to the States it is
// part of.
func (w *chainWalk) partOf(id string) ([]ChainLink, error) {
	if t, _, err := store.DecodeNodeID(id); err != nil || t != ontology.Organization {
		return nil, nil
	}
	refs, err := w.tx.Edges(id, store.Out, ontology.PartOf)
	if err != nil {
		return nil, err
	}
	var out []ChainLink
	for _, r := range refs {
		if t, _, err := store.DecodeNodeID(r.Other); err == nil && t == ontology.State {
			out = append(out, ChainLink{Kind: LinkPartOf, From: id, To: r.Other, Edge: r.ID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].To < out[j].To })
	return out, nil
}

// stronger orders chains: stronger weakest link first, then fewer links,
// then by their claims' IDs, so the order is repeatable.
func stronger(a, b Chain) bool {
	ra, rb := ontology.BandRank(a.Strength), ontology.BandRank(b.Strength)
	if ra != rb {
		return ra > rb
	}
	if len(a.Links) != len(b.Links) {
		return len(a.Links) < len(b.Links)
	}
	return chainKey(a) < chainKey(b)
}

func chainKey(c Chain) string {
	var b strings.Builder
	for _, l := range c.Links {
		b.WriteString(l.Claim)
		b.WriteByte('/')
		b.WriteString(l.To)
		b.WriteByte(' ')
	}
	return b.String()
}
