package graph

import (
	"strings"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/query"
)

// timesToResponse converts lags, which the query layer read through the
// request's view and so hold only what it may see.
func timesToResponse(lags []query.ResponseLag) []*model.TimeToResponse {
	out := []*model.TimeToResponse{}
	for _, l := range lags {
		out = append(out, &model.TimeToResponse{IncidentID: l.Incident, NodeID: l.Node.ID, Kind: strings.ToUpper(l.Node.Type),
			Date: model.Date(l.Date), Days: l.Days, Precision: l.Precision, Inferred: l.Inferred})
	}
	return out
}
