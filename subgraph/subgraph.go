// Package subgraph selects a piece of the graph: the nodes within some hops
// of a set of roots, the edges among them, and the documents their citations
// point into. The GraphQL subgraph field and every export go through Walk,
// so what a user sees and what a user exports cannot drift apart. It knows
// nothing of GraphQL or of file formats.
package subgraph

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Hops from the roots a walk follows: Request.Depth.
const (
	DefaultHops = 2
	MaxHops     = 6
)

// DefaultMaxNodes is the node cap (Request.MaxNodes) of the GraphQL
// subgraph and exportSubgraph fields unless the server is configured
// otherwise. GET /export and the CLI stream with no cap.
const DefaultMaxNodes = 10000

// ErrLimit means a request is outside a documented limit (depth, node
// cap); the error text states the limit.
var ErrLimit = errors.New("limit exceeded")

// Request says what to select.
type Request struct {
	// Roots are node IDs; none means the whole graph.
	Roots []string
	// Depth is the number of hops from the roots, 0 to MaxHops.
	Depth int
	// EdgeTypes, when set, are the only edge types followed and kept.
	EdgeTypes []string
	// Direction is which way edges are followed from a node; zero means both.
	Direction store.Direction
	// NodeTypes, when set, are the only node types entered (roots are
	// always kept).
	NodeTypes []string
	// MaxNodes caps the selected nodes; 0 means no cap.
	MaxNodes int
	// IncludeRetracted asks for retracted nodes and edges too. What the
	// walk shows is decided by the scope of the read it is given (see
	// package view): the caller opens that read with this choice, once it
	// has checked the reader may make it.
	IncludeRetracted bool
}

// Selection is what Walk selected, every list sorted by ID. Nodes holds the
// selected nodes that are not Documents; Documents holds Document nodes
// that were selected or that a selected record's citations point into,
// leaving out documents above the request's clearance: a citation into a
// document not in Documents must not be shown (see Cites).
type Selection struct {
	Nodes     []string
	Edges     []string
	Documents []string
	// Withheld holds the documents that selected records cite but the
	// reader may not see. When it is empty no citation has to be dropped,
	// and an export can copy records without reading their citations.
	Withheld []string
}

// Cites reports whether a citation into document id may be shown with the
// selection: the reader may see the document.
func (s *Selection) Cites(id string) bool {
	_, ok := slices.BinarySearch(s.Documents, id)
	return ok
}

// Validate checks the request's limits and types without touching the
// store: a limit passed is ErrLimit, an unknown type an *ArgError.
func (r Request) Validate() error {
	if r.Depth < 0 || r.Depth > MaxHops {
		return fmt.Errorf("%w: depth %d is out of range: depth must be 0 to %d", ErrLimit, r.Depth, MaxHops)
	}
	if r.MaxNodes < 0 {
		return fmt.Errorf("%w: node cap %d is negative", ErrLimit, r.MaxNodes)
	}
	for _, t := range r.EdgeTypes {
		if _, ok := ontology.EdgeRules[t]; !ok {
			return &ArgError{"edgeType", fmt.Sprintf("unknown edge type %q", t)}
		}
	}
	for _, t := range r.NodeTypes {
		if !slices.Contains(ontology.NodeTypes, t) {
			return &ArgError{"nodeType", fmt.Sprintf("unknown node type %q (one of %v)", t, ontology.NodeTypes)}
		}
	}
	return nil
}

// Walk selects the subgraph r asks for within tx. An unknown root is
// store.ErrNotFound; a request past a limit is ErrLimit. Memory grows with
// the number of IDs selected and rejected, never with the size of the
// records: the walk reads only each record's outline (type, marking,
// retraction, cited documents), one at a time, and keeps IDs.
//
// Only what t's scope shows is met: a node, edge or document above its
// clearance (or retracted, unless the scope shows retracted facts) is
// neither selected nor followed nor counted against MaxNodes, exactly as
// if it were absent.
func Walk(t *view.Txn, r Request) (*Selection, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	w := walker{t: t, r: r, nodes: map[string]bool{}, rejected: map[string]bool{},
		edges: map[string]bool{}, hidden: map[string]bool{}, docs: map[string]bool{}}
	if r.Direction == 0 {
		w.r.Direction = store.Both
	}
	var err error
	if len(r.Roots) == 0 {
		err = w.all()
	} else {
		err = w.bfs()
	}
	if err != nil {
		return nil, err
	}
	return w.selection()
}

// The walk reads each record it meets at most once where it can: a node is
// read when first reached (and remembered as selected or rejected), and an
// edge only when its far end is new or when it joins two selected nodes.
// Reading every edge met, and reading it whole, was most of an export.
// Every read goes through one cursor, whose iterators are reused.
type walker struct {
	t        *view.Txn
	refBuf   []store.EdgeRef // reused by refs
	r        Request
	nodes    map[string]bool // selected node ID -> is a Document
	rejected map[string]bool // nodes read and not selected
	edges    map[string]bool // selected edges
	hidden   map[string]bool // edges read and not selected (marked or retracted)
	docs     map[string]bool // documents cited by selected records
}

func (w *walker) selected(id string) bool {
	_, ok := w.nodes[id]
	return ok
}

// add selects node id with outline o, enforcing the cap.
func (w *walker) add(id string, o store.Outline) error {
	if _, ok := w.nodes[id]; ok {
		return nil
	}
	if w.r.MaxNodes > 0 && len(w.nodes) >= w.r.MaxNodes {
		return fmt.Errorf("%w: the subgraph has more than %d nodes, the node cap; ask for fewer roots, a smaller depth or narrower types, or raise the cap", ErrLimit, w.r.MaxNodes)
	}
	w.nodes[id] = o.Type == ontology.Document
	w.cite(o.CitedDocs)
	return nil
}

func (w *walker) cite(docs []string) {
	for _, d := range docs {
		w.docs[d] = true
	}
}

// keep reports whether a node the scope shows may be selected.
func (w *walker) keep(o store.Outline) bool {
	return len(w.r.NodeTypes) == 0 || slices.Contains(w.r.NodeTypes, o.Type)
}

func (w *walker) all() error {
	for _, typ := range ontology.NodeTypes {
		ids, err := w.t.NodeIDsByType(typ)
		if err != nil {
			return err
		}
		for _, id := range ids {
			o, err := w.t.Outline(id)
			if err != nil {
				return err
			}
			if !w.keep(o) {
				continue
			}
			if err := w.add(id, o); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *walker) bfs() error {
	frontier := make([]string, 0, len(w.r.Roots))
	for _, id := range w.r.Roots {
		typ, key, err := store.DecodeNodeID(id)
		if err != nil {
			return fmt.Errorf("root %q: %w: %v", id, store.ErrNotFound, err)
		}
		o, err := w.t.Outline(id)
		if errors.Is(err, store.ErrNotFound) {
			if w.t.Retracted(id) {
				return fmt.Errorf("root %s is retracted: %w (ask to include retracted facts to export it)", id, store.ErrNotFound)
			}
			// A root above the clearance is worded as an absent one:
			// its existence is itself not for this reader.
			return fmt.Errorf("root %s (%s %s): %w in this graph", id, typ, key, store.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("root %s: %w", id, err)
		}
		if _, seen := w.nodes[id]; seen {
			continue
		}
		if err := w.add(id, o); err != nil {
			return err
		}
		frontier = append(frontier, id)
	}
	for hop := 0; hop < w.r.Depth && len(frontier) > 0; hop++ {
		var err error
		if frontier, err = w.hop(frontier); err != nil {
			return err
		}
	}
	return nil
}

// step is an edge from the frontier to a node not yet selected.
type step struct {
	edge, node string
}

// hop selects the nodes one hop from frontier and returns them.
//
// It reads the nodes met first, each once: most are selected, and every
// edge between two selected nodes is in the subgraph and must be read
// anyway. Of the edges to a node it may select it then reads only until
// one the reader may see; selection reads the others, so each edge is read
// once. Nodes and edges are read in ID order, not in the order met, which
// walks Badger's tables forward. Which nodes are selected depends on
// neither order: the node cap refuses, it does not truncate.
func (w *walker) hop(frontier []string) ([]string, error) {
	var steps []step
	for _, id := range frontier {
		refs, err := w.refs(id, w.r.Direction)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			// An edge to a node already selected joins two selected
			// nodes: selection reads it, with the others.
			if w.selected(ref.Other) || w.rejected[ref.Other] {
				continue
			}
			steps = append(steps, step{edge: ref.ID, node: ref.Other})
		}
	}
	nodes := make([]string, 0, len(steps))
	for _, st := range steps {
		nodes = append(nodes, st.node)
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	kept := map[string]store.Outline{}
	for _, id := range nodes {
		o, err := w.t.Outline(id)
		if errors.Is(err, store.ErrNotFound) {
			w.rejected[id] = true
			continue
		}
		if err != nil {
			return nil, err
		}
		if !w.keep(o) {
			w.rejected[id] = true
			continue
		}
		kept[id] = o
	}
	slices.SortFunc(steps, func(a, b step) int { return strings.Compare(a.edge, b.edge) })
	reached := map[string]bool{}
	for _, st := range steps {
		if _, ok := kept[st.node]; !ok || reached[st.node] || w.edges[st.edge] || w.hidden[st.edge] {
			continue
		}
		eo, err := w.t.EdgeOutline(st.edge)
		if errors.Is(err, store.ErrNotFound) {
			w.hidden[st.edge] = true
			continue
		}
		if err != nil {
			return nil, err
		}
		// Both ends will be selected: the edge is in the subgraph.
		reached[st.node] = true
		w.edges[st.edge] = true
		w.cite(eo.CitedDocs)
	}
	// A node met only through edges the reader may not see is not
	// selected, and may still be reached later by another edge.
	next := nodes[:0]
	for _, id := range nodes {
		if !reached[id] {
			continue
		}
		if err := w.add(id, kept[id]); err != nil {
			return nil, err
		}
		next = append(next, id)
	}
	return next, nil
}

// refs lists the edges of id in dir whose type the request allows, from
// the adjacency index alone. The list is valid until the next call.
func (w *walker) refs(id string, dir store.Direction) ([]store.EdgeRef, error) {
	refs := w.refBuf[:0]
	types := w.r.EdgeTypes
	if len(types) == 0 {
		types = []string{""}
	}
	for _, t := range types {
		var err error
		if refs, err = w.t.AppendEdges(refs, id, dir, t); err != nil {
			return nil, err
		}
	}
	w.refBuf = refs
	return refs, nil
}

// selection gathers the induced edges and the cited documents.
func (w *walker) selection() (*Selection, error) {
	s := &Selection{}
	all := make([]string, 0, len(w.nodes))
	for id, isDoc := range w.nodes {
		all = append(all, id)
		if isDoc {
			w.docs[id] = true
		} else {
			s.Nodes = append(s.Nodes, id)
		}
	}
	// In key order, as in hop: the adjacency scans and the edge reads then
	// walk the tables forward.
	slices.Sort(all)
	var induced []string
	for _, id := range all {
		// Out edges only: each edge among selected nodes is seen once,
		// from its start.
		refs, err := w.refs(id, store.Out)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			if w.selected(ref.To) && !w.edges[ref.ID] && !w.hidden[ref.ID] {
				induced = append(induced, ref.ID)
			}
		}
	}
	all = nil
	slices.Sort(induced)
	induced = slices.Compact(induced)
	for _, id := range induced {
		eo, err := w.t.EdgeOutline(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		w.edges[id] = true
		w.cite(eo.CitedDocs)
	}
	induced = nil
	// Documents cite themselves (their title line) and may cite other
	// documents; follow until no new document appears. A cited document
	// the reader may not see is dropped and not followed; a retracted one
	// stays, as the evidence of the facts that cite it.
	pending := make([]string, 0, len(w.docs))
	for id := range w.docs {
		pending = append(pending, id)
	}
	// Taken from the end: read in key order.
	slices.Sort(pending)
	slices.Reverse(pending)
	for len(pending) > 0 {
		id := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		cleared, err := w.t.DocumentCleared(id)
		if err != nil {
			return nil, fmt.Errorf("cited document: %w", err)
		}
		if !cleared {
			delete(w.docs, id)
			s.Withheld = append(s.Withheld, id)
			continue
		}
		o, err := w.t.DocumentOutline(id)
		if err != nil {
			return nil, fmt.Errorf("cited document: %w", err)
		}
		for _, d := range o.CitedDocs {
			if !w.docs[d] {
				w.docs[d] = true
				pending = append(pending, d)
			}
		}
	}
	for id := range w.edges {
		s.Edges = append(s.Edges, id)
	}
	for id := range w.docs {
		s.Documents = append(s.Documents, id)
	}
	slices.Sort(s.Nodes)
	slices.Sort(s.Edges)
	slices.Sort(s.Documents)
	slices.Sort(s.Withheld)
	return s, nil
}
