package model

// TimeToResponse is the lag from an incident to one response or statement.
type TimeToResponse struct {
	IncidentID string
	NodeID     string
	Kind       string
	Date       Date
	Days       int
	Precision  string
	Inferred   bool
}
