package graph

import (
	"context"
	"sort"

	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/query"
	"github.com/attrib/attrib/store"
)

// This file turns the composed reads of stances (package query) into
// model values; the resolvers of stance.resolvers.go call it.

func stanceInput(in model.StanceInput) edit.Stance {
	return edit.Stance{Key: str(in.Key), Dated: dated(in.Date, in.DatePrecision, in.DateInferred, in.DateBasis),
		Kind: string(in.Kind), On: in.On, Holder: in.Holder, Via: in.Via, Band: in.Band,
		Text: str(in.Text), TextEn: str(in.TextEn), Cite: quotes(in.Cite)}
}

// stancesByID loads stances in the order given, leaving out those the
// request may not see.
func (r *Resolver) stancesByID(ctx context.Context, ids []string) ([]*model.Stance, error) {
	ns, err := r.nodesByID(ctx, ids)
	return only[*model.Stance](ns), err
}

// partiesByID loads parties in the order given, leaving out those the
// request may not see.
func (r *Resolver) partiesByID(ctx context.Context, ids []string) ([]model.Party, error) {
	ns, err := r.nodesByID(ctx, ids)
	return only[model.Party](ns), err
}

// stancesOn lists the stances on a claim, by date then ID.
func (r *Resolver) stancesOn(ctx context.Context, claim string) ([]*model.Stance, error) {
	ss, err := linked[*model.Stance](ctx, r, claim, store.In, ontology.On)
	sort.SliceStable(ss, func(i, j int) bool {
		if ss[i].Date.Date != ss[j].Date.Date {
			return ss[i].Date.Date < ss[j].Date.Date
		}
		return ss[i].ID < ss[j].ID
	})
	return ss, err
}

// chainModel converts a chain.
func chainModel(c query.Chain) *model.AttributionChain {
	out := &model.AttributionChain{EndID: c.End, Strength: model.EstimativeBand(c.Strength), Disputed: c.Disputed(),
		DeniedByIDs: c.DeniedBy, ContestedByIDs: c.ContestedBy}
	for _, l := range c.Links {
		ml := &model.ChainLink{Kind: l.Kind, ClaimID: l.Claim, FromID: l.From, ToID: l.To, Citations: model.Citations(l.Citations)}
		if l.Kind == query.LinkAttribution {
			b := model.EstimativeBand(l.Band)
			ml.Band = &b
		}
		for _, s := range l.Opposed {
			ml.OpposedIDs = append(ml.OpposedIDs, s.ID)
		}
		out.Links = append(out.Links, ml)
	}
	out.Weakest = out.Links[c.Weakest]
	return out
}

// chainsModel converts the chains a search found.
func chainsModel(cs *query.Chains) *model.AttributionChains {
	out := &model.AttributionChains{Chains: []*model.AttributionChain{}, Truncated: cs.Truncated}
	for _, c := range cs.Chains {
		out.Chains = append(out.Chains, chainModel(c))
	}
	return out
}

// addStanceSummary adds the stances of a summary to its model.
func addStanceSummary(out *model.AttributionSummary, ss *query.StanceSummary) {
	for _, c := range out.Claims {
		c.EndorsedByIDs, c.DeniedByIDs = ss.EndorsedBy[c.AttributionID], ss.DeniedBy[c.AttributionID]
	}
	out.Stances = []*model.SummaryStance{}
	for _, s := range ss.Stances {
		out.Stances = append(out.Stances, &model.SummaryStance{StanceID: s.ID, Days: s.Days})
	}
	out.StrongestChains = []*model.AttributionChain{}
	for _, c := range ss.Strongest {
		out.StrongestChains = append(out.StrongestChains, chainModel(c))
	}
}

// intOr is an optional Int argument, def when null.
func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// claimOf loads the claim id, which must be visible.
func claimOf(ctx context.Context, r *Resolver, id string) (model.Claim, error) {
	n, err := r.node(ctx, id)
	if err != nil {
		return nil, err
	}
	c, ok := n.(model.Claim)
	if !ok {
		return nil, errNotFound("claim", id)
	}
	return c, nil
}
