package model

// Subgraph is a selection made by package subgraph: IDs only, each list
// sorted; its nodes, links and documents load through the request's
// loaders.
type Subgraph struct {
	NodeIDs     []string
	LinkIDs     []string
	DocumentIDs []string
}
