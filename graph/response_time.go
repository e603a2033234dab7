package graph

import (
	"context"
	"strings"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/graphalgo"
)

// timesToResponse converts lags to what the request may see: a response
// or statement above its clearance, or retracted, is left out.
func timesToResponse(ctx context.Context, lags []graphalgo.ResponseLag) []*model.TimeToResponse {
	out := []*model.TimeToResponse{}
	for _, l := range lags {
		if !visible(ctx, l.Node.Meta) {
			continue
		}
		out = append(out, &model.TimeToResponse{IncidentID: l.Incident, NodeID: l.Node.ID, Kind: strings.ToUpper(l.Node.Type),
			Date: model.Date(l.Date), Days: l.Days, Precision: l.Precision, Inferred: l.Inferred})
	}
	return out
}
