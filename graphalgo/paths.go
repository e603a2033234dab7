// Package graphalgo holds the bounded walks of the graph: shortest paths
// and neighbourhoods, over a reader's adjacency indexes. They know nothing
// of what the nodes mean (claims, dates, incidents): the questions built
// on them live in package query. Every walk is bounded and says so when
// asked to go past a bound.
package graphalgo

import (
	"errors"
	"fmt"
	"slices"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Bounds on walks. They keep one request from reading the whole graph.
const (
	MaxHops     = 6   // longest path paths will look for
	MaxPaths    = 20  // most shortest paths returned
	MaxDepth    = 3   // deepest neighbourhood
	MaxNodes    = 500 // most nodes a neighbourhood may hold
	maxVisited  = 20000
	defaultHops = 4
)

// ErrBounds marks a request past one of the bounds; the message says which
// and what to do.
var ErrBounds = errors.New("out of bounds")

// KindError is an argument naming a node of a kind the read does not
// apply to, such as the timeline of a State.
type KindError struct {
	ID, Kind, Want string
}

func (e *KindError) Error() string { return e.ID + " is a " + e.Kind + ", not " + e.Want }

// Path is one path: Nodes[0] is the start, Nodes[len-1] the end, and
// Edges[i] joins Nodes[i] and Nodes[i+1] (in either direction).
type Path struct {
	Nodes []string
	Edges []store.EdgeRef
}

// PathOptions narrow a path search.
type PathOptions struct {
	MaxHops   int      // 0 means 4
	EdgeTypes []string // follow only these edge types; empty follows all
	Limit     int      // most paths returned; 0 means MaxPaths
}

// ShortestPaths returns the shortest paths between from and to, following
// edges either way, in a stable order; none when they are not connected
// within opts.MaxHops.
func ShortestPaths(tx *view.Txn, from, to string, opts PathOptions) ([]Path, error) {
	hops := opts.MaxHops
	if hops == 0 {
		hops = defaultHops
	}
	if hops < 1 || hops > MaxHops {
		return nil, fmt.Errorf("%w: maxHops must be between 1 and %d, got %d", ErrBounds, MaxHops, hops)
	}
	limit := opts.Limit
	if limit <= 0 || limit > MaxPaths {
		limit = MaxPaths
	}
	for _, id := range []string{from, to} {
		if _, err := tx.Node(id); err != nil {
			return nil, err
		}
	}
	if from == to {
		return []Path{{Nodes: []string{from}}}, nil
	}
	// Breadth-first from `from`, remembering for each node every edge that
	// reaches it from the previous layer, until the layer holding `to`.
	type parent struct {
		node string
		edge store.EdgeRef
	}
	dist := map[string]int{from: 0}
	parents := map[string][]parent{}
	layer := []string{from}
	for d := 1; d <= hops && len(layer) > 0; d++ {
		var next []string
		for _, id := range layer {
			refs, err := edgesOf(tx, id, opts.EdgeTypes)
			if err != nil {
				return nil, err
			}
			for _, r := range refs {
				if od, seen := dist[r.Other]; seen && od < d {
					continue
				}
				if _, seen := dist[r.Other]; !seen {
					dist[r.Other] = d
					next = append(next, r.Other)
					if len(dist) > maxVisited {
						return nil, fmt.Errorf("%w: more than %d nodes within %d hops of %s; lower maxHops or name edgeTypes", ErrBounds, maxVisited, d, from)
					}
				}
				parents[r.Other] = append(parents[r.Other], parent{node: id, edge: r})
			}
		}
		if _, found := dist[to]; found {
			break
		}
		layer = next
	}
	if _, found := dist[to]; !found {
		return nil, nil
	}
	// Walk back from `to` through the parents: every walk is a shortest path.
	var out []Path
	var walk func(id string, nodes []string, edges []store.EdgeRef)
	walk = func(id string, nodes []string, edges []store.EdgeRef) {
		if len(out) >= limit {
			return
		}
		if id == from {
			p := Path{Nodes: slices.Clone(nodes), Edges: slices.Clone(edges)}
			slices.Reverse(p.Nodes)
			slices.Reverse(p.Edges)
			out = append(out, p)
			return
		}
		for _, p := range parents[id] {
			walk(p.node, append(nodes, p.node), append(edges, p.edge))
		}
	}
	walk(to, []string{to}, nil)
	return out, nil
}

// edgesOf lists a node's edges both ways, of the given types (all when
// none), sorted so walks are repeatable.
func edgesOf(tx *view.Txn, id string, types []string) ([]store.EdgeRef, error) {
	var refs []store.EdgeRef
	if len(types) == 0 {
		var err error
		if refs, err = tx.Edges(id, store.Both, ""); err != nil {
			return nil, err
		}
	} else {
		for _, t := range types {
			rs, err := tx.Edges(id, store.Both, t)
			if err != nil {
				return nil, err
			}
			refs = append(refs, rs...)
		}
	}
	slices.SortFunc(refs, func(a, b store.EdgeRef) int {
		if a.Other != b.Other {
			if a.Other < b.Other {
				return -1
			}
			return 1
		}
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return refs, nil
}

// Neighbourhood is the graph within some hops of a node.
type Neighbourhood struct {
	Center   string
	Nodes    []string       // in breadth-first order, the center first
	Distance map[string]int // hops from the center
	Edges    []store.EdgeRef
}

// Around returns the nodes within depth hops of id and the edges that join
// them, following edges either way. It fails, rather than cut the graph
// short, when the neighbourhood holds more than MaxNodes nodes.
func Around(tx *view.Txn, id string, depth int) (*Neighbourhood, error) {
	if depth < 0 || depth > MaxDepth {
		return nil, fmt.Errorf("%w: depth must be between 0 and %d, got %d", ErrBounds, MaxDepth, depth)
	}
	if _, err := tx.Node(id); err != nil {
		return nil, err
	}
	nb := &Neighbourhood{Center: id, Nodes: []string{id}, Distance: map[string]int{id: 0}}
	seenEdge := map[string]bool{}
	layer := []string{id}
	for d := 1; d <= depth; d++ {
		var next []string
		for _, n := range layer {
			refs, err := edgesOf(tx, n, nil)
			if err != nil {
				return nil, err
			}
			for _, r := range refs {
				if _, seen := nb.Distance[r.Other]; !seen {
					nb.Distance[r.Other] = d
					nb.Nodes = append(nb.Nodes, r.Other)
					next = append(next, r.Other)
					if len(nb.Nodes) > MaxNodes {
						return nil, fmt.Errorf("%w: more than %d nodes within %d hops of %s; lower depth", ErrBounds, MaxNodes, d, id)
					}
				}
				if !seenEdge[r.ID] {
					seenEdge[r.ID] = true
					nb.Edges = append(nb.Edges, r)
				}
			}
		}
		layer = next
	}
	return nb, nil
}
