package graph

import (
	"context"
	"strings"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/query"
)

// The answers of package query, turned into model types. Nodes and links
// are loaded through the request's loaders, which share their reads with
// the fields resolved below.

// search answers a full-text search and converts its hits. Each hit
// comes with the record it was described from, read in the search's own
// snapshot: converting it spares a second read per hit.
func (r *Resolver) search(ctx context.Context, text string, types []model.NodeType, lang *string, first *int, after *string) (*model.SearchConnection, error) {
	if r.Index == nil {
		return nil, errUnavailable("search: this server runs without a search index; start it with attrib serve, or rebuild it with attrib reindex")
	}
	ts := make([]string, len(types))
	for i, t := range types {
		ts[i] = string(t)
	}
	l := ""
	if lang != nil {
		l = *lang
	}
	w, err := r.q(ctx).Search(r.Index, text, ts, l, query.FirstPage(first, after))
	if err != nil {
		return nil, fail("", err)
	}
	edges := make([]*model.SearchEdge, 0, len(w.Items))
	for i, h := range w.Items {
		if h.Node == nil {
			continue
		}
		m, err := model.FromNode(h.Node)
		if err != nil {
			return nil, err
		}
		e := &model.SearchEdge{Cursor: query.Cursor(w.Start + i), Node: m, Score: h.Score, Snippet: h.Snippet,
			Highlights: highlights(h.Highlights), Field: h.Field, MatchedIn: h.Fields, DocumentID: h.Document}
		if h.Document != "" {
			s, end := h.Start, h.End
			e.Start, e.End = &s, &end
		}
		edges = append(edges, e)
	}
	return &model.SearchConnection{Edges: edges, PageInfo: pageInfo(w, len(edges)), TotalCount: w.Total}, nil
}

// paths loads the nodes and links of each path.
func (r *Resolver) paths(ctx context.Context, paths []graphalgo.Path) ([]*model.Path, error) {
	out := make([]*model.Path, 0, len(paths))
	for _, p := range paths {
		nodes, err := r.nodesByID(ctx, p.Nodes)
		if err != nil {
			return nil, err
		}
		links, err := r.linksByRef(ctx, p.Edges)
		if err != nil {
			return nil, err
		}
		out = append(out, &model.Path{Length: len(p.Edges), Nodes: nodes, Links: links})
	}
	return out, nil
}

// neighbourhood loads the nodes and links of the neighbourhood of id.
func (r *Resolver) neighbourhood(ctx context.Context, id string, depth int, nb *graphalgo.Neighbourhood) (*model.Neighbourhood, error) {
	nodes, err := r.nodesByID(ctx, nb.Nodes)
	if err != nil {
		return nil, err
	}
	links, err := r.linksByRef(ctx, nb.Edges)
	if err != nil {
		return nil, err
	}
	out := &model.Neighbourhood{Depth: depth, Links: links}
	for _, m := range nodes {
		nid := idOf(m)
		if nid == id {
			out.Center = m
		}
		out.Nodes = append(out.Nodes, &model.NeighbourhoodNode{Node: m, Distance: nb.Distance[nid]})
	}
	return out, nil
}

// timeline converts a timeline and its measures.
func timeline(c *query.Chronicle, asOf *model.Date) (*model.Timeline, error) {
	out := &model.Timeline{AsOf: asOf, Events: []*model.TimelineEvent{}, TimeToAttribution: []*model.TimeToAttribution{},
		TimeToResponse: timesToResponse(c.TimeToResponse)}
	for _, ev := range c.Events {
		m, err := model.FromNode(ev.Node)
		if err != nil {
			return nil, err
		}
		cutAt(m, asOf)
		te := &model.TimelineEvent{Date: model.DateOf(ev.Node.Props), Kind: strings.ToUpper(ev.Node.Type),
			Node: m, IncidentIDs: ev.Incidents}
		if ev.Node.Type == ontology.Campaign {
			basis := "first seen"
			te.Date = &model.DateInfo{Date: model.Date(ev.Date), Precision: "DAY", Basis: &basis}
		}
		if d, ok := c.DaysSince[ev.Node.ID]; ok {
			te.DaysSinceIncident = &d
		}
		out.Events = append(out.Events, te)
	}
	for _, l := range c.TimeToAttribution {
		out.TimeToAttribution = append(out.TimeToAttribution, &model.TimeToAttribution{IncidentID: l.Incident, AttributionID: l.Attribution, Days: l.Days})
	}
	return out, nil
}

// summary converts an attribution summary and its times to response.
func summary(s *query.Summary, lags []query.ResponseLag, asOf *model.Date) *model.AttributionSummary {
	out := &model.AttributionSummary{IncidentID: s.Incident, AsOf: asOf, InvolvementDiffers: s.InvolvementDiffers,
		TimeToResponse: timesToResponse(lags)}
	if len(out.TimeToResponse) > 0 {
		out.FirstResponse = out.TimeToResponse[0]
	}
	claims := map[string]*model.AttributionClaim{}
	for _, c := range s.Claims {
		mc := &model.AttributionClaim{AttributionID: c.Attribution, AttributorID: c.Attributor, BlamedIDs: c.Blamed,
			Date: model.Date(c.Date), Days: c.Days, Confidence: c.Confidence, Involvement: c.Involvement}
		if mc.Involvement == nil {
			mc.Involvement = []string{}
		}
		claims[c.Attribution] = mc
		out.Claims = append(out.Claims, mc)
	}
	pick := func(c *query.Claim) *model.AttributionClaim {
		if c == nil {
			return nil
		}
		return claims[c.Attribution]
	}
	out.Highest, out.Lowest, out.First, out.Latest = pick(s.Highest), pick(s.Lowest), pick(s.First), pick(s.Latest)
	for _, p := range s.Positions {
		out.Positions = append(out.Positions, &model.AttributionPosition{BlamedID: p.Blamed, AgreeIDs: p.Agree, DisagreeIDs: p.Disagree})
	}
	if out.Claims == nil {
		out.Claims = []*model.AttributionClaim{}
	}
	if out.Positions == nil {
		out.Positions = []*model.AttributionPosition{}
	}
	return out
}
