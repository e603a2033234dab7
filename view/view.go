// Package view is the only way the query side reads the store: a read
// opened for one reader's scope (clearance, and whether retracted facts
// show) that yields nothing outside it.
//
// A fact above the reader's clearance, or retracted when retracted facts
// are not asked for, behaves exactly as if it did not exist: Node and Edge
// answer store.ErrNotFound, adjacency lists leave out the links to it (and
// the links it does not show), ID lists leave it out, and a citation into
// a document the reader may not see is dropped. Resolvers, graph
// algorithms, the subgraph walk and search therefore cannot forget the
// rule: they are never handed an unfiltered read. The raw store stays with
// the writers, the local commands (check, backup, a local export) and the
// indexer, each of which says so where it opens one.
package view

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Scope is what one reader may see.
type Scope struct {
	// Clearance is the most restricted TLP marking the reader may read.
	Clearance string
	// Retracted shows retracted facts too (the @withRetracted directive,
	// an export's includeRetracted).
	Retracted bool
}

// Everything is the scope of the local commands that work on a data
// directory directly, as its owner: every marking, retracted facts
// included.
func Everything() Scope {
	return Scope{Clearance: ontology.Markings[len(ontology.Markings)-1], Retracted: true}
}

// Cleared reports whether the scope covers marking.
func (s Scope) Cleared(marking string) bool { return ontology.Covers(s.Clearance, marking) }

// Sees reports whether the scope shows a record with meta m.
func (s Scope) Sees(m store.Meta) bool {
	return s.Cleared(m.Marking) && (m.Retraction == nil || s.Retracted)
}

// follows reports whether the scope shows the edge ref describes, from
// what the adjacency index says of it.
func (s Scope) follows(ref store.EdgeRef) bool {
	return s.Cleared(ref.Marking) && (!ref.Retracted || s.Retracted)
}

// everything reports whether nothing is hidden from the scope, so reads
// need not check.
func (s Scope) everything() bool { return s == Everything() }

// Reader opens scoped reads of one store for one reader, typically one
// request. It remembers which nodes it has found visible, so a request
// that meets a node many times reads its outline once. Safe for
// concurrent use.
type Reader struct {
	st    *store.Store
	scope Scope

	mu      sync.Mutex
	seen    map[string]bool // node ID -> the scope sees it
	cleared map[string]bool // document ID -> within the clearance (retracted or not)
	// kept holds nodes read whole to decide their visibility, shown, for
	// the Node or CitedDocument call that usually follows (EdgesToLoad,
	// DocumentCleared): one read instead of an outline and a record.
	kept map[string]*store.Node
}

// maxKept bounds the nodes one reader keeps: a request's page and its
// neighbours fit, a long walk does not grow it further.
const maxKept = 4096

// New opens a reader of st for scope.
func New(st *store.Store, scope Scope) *Reader {
	return &Reader{st: st, scope: scope, seen: map[string]bool{}, cleared: map[string]bool{}, kept: map[string]*store.Node{}}
}

// Scope returns the reader's scope.
func (r *Reader) Scope() Scope { return r.scope }

// View runs fn in one consistent read of the store, through the scope.
func (r *Reader) View(fn func(*Txn) error) error {
	return r.st.View(func(tx *store.Txn) error {
		t := &Txn{r: r, tx: tx}
		defer t.close()
		return fn(t)
	})
}

// Txn is one scoped read transaction. It belongs to one goroutine.
type Txn struct {
	r   *Reader
	tx  *store.Txn
	cur *store.Cursor
}

func (t *Txn) close() {
	if t.cur != nil {
		t.cur.Close()
		t.cur = nil
	}
}

// Scope returns the scope of the read.
func (t *Txn) Scope() Scope { return t.r.scope }

func (t *Txn) cursor() *store.Cursor {
	if t.cur == nil {
		t.cur = t.tx.NewCursor()
	}
	return t.cur
}

// hidden wraps store.ErrNotFound for a record the scope does not show,
// worded exactly as for an absent one.
func hidden(kind, id string) error { return fmt.Errorf("%s %s: %w", kind, id, store.ErrNotFound) }

// Node reads node id; store.ErrNotFound when it does not exist or the
// scope does not show it.
func (t *Txn) Node(id string) (*store.Node, error) {
	return t.node(id, false)
}

// NodeMasked reads node id like Node, except that a citation into a
// document the scope does not clear keeps its place as a zero Citation
// instead of being dropped: for search, whose index addresses a record's
// citations by position. Unmask drops the blanks before the node is shown.
func (t *Txn) NodeMasked(id string) (*store.Node, error) {
	return t.node(id, true)
}

// NodeUncited reads node id like Node, but without its citations
// (Citations is nil): for a caller that shows none of them, such as a list
// whose selection asks for no citations. Leaving them out never shows
// more, and it saves checking the clearance of every document they cite.
func (t *Txn) NodeUncited(id string) (*store.Node, error) {
	if n := t.kept(id); n != nil {
		bare := *n // the kept node is shared: copy it
		bare.Citations = nil
		return &bare, nil
	}
	return t.shown(id, t.tx.NodeUncited)
}

// Unmask drops the blanked citations NodeMasked left in n.
func Unmask(n *store.Node) {
	n.Citations = slices.DeleteFunc(n.Citations, func(c store.Citation) bool { return c.Document == "" })
}

func (t *Txn) node(id string, mask bool) (*store.Node, error) {
	if !mask {
		if n := t.kept(id); n != nil {
			return n, nil
		}
	}
	n, err := t.shown(id, t.tx.Node)
	if err != nil {
		return nil, err
	}
	if n.Citations, err = t.citations(n.Citations, mask); err != nil {
		return nil, err
	}
	return n, nil
}

// kept returns the node the reader kept for id (see EdgesToLoad) when the
// scope shows it, else nil.
func (t *Txn) kept(id string) *store.Node {
	if n := t.r.keptNode(id); n != nil && (n.Type != ontology.Document || t.r.scope.Sees(n.Meta)) {
		return n
	}
	return nil
}

// shown reads node id with read, and answers it as absent when the scope
// does not show it; either way the reader remembers which.
func (t *Txn) shown(id string, read func(string) (*store.Node, error)) (*store.Node, error) {
	n, err := read(id)
	if err != nil {
		return nil, err
	}
	seen := t.r.scope.Sees(n.Meta)
	t.r.remember(id, seen)
	if !seen {
		return nil, hidden("node", id)
	}
	return n, nil
}

// Edge reads edge id; store.ErrNotFound when it does not exist, the scope
// does not show it, or does not show one of its ends.
func (t *Txn) Edge(id string) (*store.Edge, error) {
	e, err := t.tx.Edge(id)
	if err != nil {
		return nil, err
	}
	if !t.r.scope.Sees(e.Meta) {
		return nil, hidden("edge", id)
	}
	for _, end := range []string{e.From, e.To} {
		ok, err := t.Visible(end)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, hidden("edge", id)
		}
	}
	if e.Citations, err = t.citations(e.Citations, false); err != nil {
		return nil, err
	}
	return e, nil
}

// Visible reports whether node id exists and the scope shows it. The type
// index says, without reading the record.
func (t *Txn) Visible(id string) (bool, error) {
	if ok, known := t.r.recall(id); known {
		return ok, nil
	}
	marking, retracted, ok, err := t.tx.Visibility(id)
	if err != nil {
		return false, err
	}
	var seen bool
	if ok {
		seen = t.r.scope.Cleared(marking) && (!retracted || t.r.scope.Retracted)
	} else {
		o, err := t.cursor().Outline(id)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		seen = t.r.scope.Sees(o.Meta)
	}
	t.r.remember(id, seen)
	return seen, nil
}

// Outline reads the outline of node id (type, marking, retraction, cited
// documents); store.ErrNotFound when the scope does not show it.
func (t *Txn) Outline(id string) (store.Outline, error) {
	o, err := t.cursor().Outline(id)
	if err != nil {
		return o, err
	}
	ok := t.r.scope.Sees(o.Meta)
	t.r.remember(id, ok)
	if !ok {
		return store.Outline{}, hidden("node", id)
	}
	return o, nil
}

// Retracted reports whether node id exists within the clearance and is
// retracted: the one thing a reader who did not ask for retracted facts
// may be told of one, so that an error can say to ask for them.
func (t *Txn) Retracted(id string) bool {
	o, err := t.cursor().Outline(id)
	return err == nil && t.r.scope.Cleared(o.Marking) && o.Retraction != nil
}

// EdgeOutline reads the outline of edge id; store.ErrNotFound when the
// scope does not show it or one of its ends.
func (t *Txn) EdgeOutline(id string) (store.Outline, error) {
	o, err := t.cursor().EdgeOutline(id)
	if err != nil {
		return o, err
	}
	if !t.r.scope.Sees(o.Meta) {
		return store.Outline{}, hidden("edge", id)
	}
	return o, nil
}

// DocumentCleared reports whether document id exists and is within the
// clearance. A retracted document still shows behind the facts that cite
// it: the citation is their evidence, and the document says it is
// retracted.
func (t *Txn) DocumentCleared(id string) (bool, error) {
	if ok, known := t.r.recallIn(t.r.cleared, id); known {
		return ok, nil
	}
	var ok bool
	if typ, _, err := store.DecodeNodeID(id); err == nil && typ == ontology.Document {
		marking, _, found, err := t.tx.Visibility(id)
		if err != nil {
			return false, err
		}
		if found {
			ok = t.r.scope.Cleared(marking)
		} else {
			o, err := t.cursor().Outline(id)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return false, err
			}
			ok = err == nil && o.Type == ontology.Document && t.r.scope.Cleared(o.Marking)
		}
	}
	t.r.rememberIn(t.r.cleared, id, ok)
	return ok, nil
}

// DocumentOutline reads the outline of a document the scope clears
// (retracted or not, see DocumentCleared).
func (t *Txn) DocumentOutline(id string) (store.Outline, error) {
	o, err := t.cursor().Outline(id)
	if err != nil {
		return o, err
	}
	if o.Type != ontology.Document || !t.r.scope.Cleared(o.Marking) {
		return store.Outline{}, hidden("node", id)
	}
	return o, nil
}

// CitedDocument reads a document a shown fact cites: like Node, except
// that a retracted document shows (see DocumentCleared).
func (t *Txn) CitedDocument(id string) (*store.Node, error) {
	n := t.r.keptNode(id)
	if n == nil {
		var err error
		if n, err = t.tx.Node(id); err != nil {
			return nil, err
		}
	}
	if n.Type != ontology.Document || !t.r.scope.Cleared(n.Marking) {
		return nil, hidden("node", id)
	}
	return n, nil
}

// citations drops the citations into documents the scope does not clear
// (or, with mask, blanks them). Writes keep a fact's citations within its
// own marking, so this removes nothing from a consistent store; it keeps a
// marked document's words out of an answer even if one is not.
func (t *Txn) citations(cs []store.Citation, mask bool) ([]store.Citation, error) {
	if t.r.scope.everything() {
		return cs, nil
	}
	var out []store.Citation
	for i, c := range cs {
		ok, err := t.DocumentCleared(c.Document)
		if err != nil {
			return nil, err
		}
		if ok {
			if out != nil {
				out = append(out, c)
			}
			continue
		}
		if out == nil {
			out = append(make([]store.Citation, 0, len(cs)), cs[:i]...)
		}
		if mask {
			out = append(out, store.Citation{})
		}
	}
	if out == nil {
		return cs, nil
	}
	return out, nil
}

// Edges lists the edges of node id in direction dir, optionally of one type
// ("" for all), that the scope shows and whose other end it shows.
func (t *Txn) Edges(id string, dir store.Direction, edgeType string) ([]store.EdgeRef, error) {
	return t.AppendEdges(nil, id, dir, edgeType)
}

// EdgesToLoad is Edges for a caller that loads the nodes at the other
// ends next (the GraphQL loaders): it reads each of them whole to decide
// its visibility, and keeps it for that Node call, instead of reading an
// outline now and the record again then.
func (t *Txn) EdgesToLoad(id string, dir store.Direction, edgeType string) ([]store.EdgeRef, error) {
	return t.appendEdges(nil, id, dir, edgeType, t.load)
}

// load reports whether node id exists and the scope shows it, reading it
// whole and keeping it when it does.
func (t *Txn) load(id string) (bool, error) {
	if ok, known := t.r.recall(id); known {
		return ok, nil
	}
	n, err := t.node(id, false)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	t.r.keepNode(n)
	return true, nil
}

// AppendEdges appends what Edges lists to refs.
func (t *Txn) AppendEdges(refs []store.EdgeRef, id string, dir store.Direction, edgeType string) ([]store.EdgeRef, error) {
	return t.appendEdges(refs, id, dir, edgeType, t.Visible)
}

func (t *Txn) appendEdges(refs []store.EdgeRef, id string, dir store.Direction, edgeType string, visible func(string) (bool, error)) ([]store.EdgeRef, error) {
	start := len(refs)
	if !t.r.scope.everything() {
		// A node the reader may not see has no links to show either:
		// listing them would tell which shown facts point at it.
		if ok, err := t.Visible(id); err != nil || !ok {
			return refs, err
		}
	}
	refs, err := t.cursor().AppendEdges(refs, id, dir, edgeType)
	if err != nil || t.r.scope.everything() {
		return refs, err
	}
	kept := refs[:start]
	for _, ref := range refs[start:] {
		if !t.r.scope.follows(ref) {
			continue
		}
		ok, err := visible(ref.Other)
		if err != nil {
			return refs[:start], err
		}
		if ok {
			kept = append(kept, ref)
		}
	}
	return kept, nil
}

// NodeIDsByType lists the IDs of the nodes of one type the scope shows, in
// ID order.
func (t *Txn) NodeIDsByType(typ string) ([]string, error) {
	ids, err := t.tx.NodeIDsByType(typ)
	if err != nil {
		return nil, err
	}
	return t.keepVisible(ids)
}

// NodeIDsByDate lists the IDs of the nodes of one type the scope shows
// whose date lies in [from, to] ("" for open), in date order.
func (t *Txn) NodeIDsByDate(typ, from, to string) ([]string, error) {
	ids, err := t.tx.NodeIDsByDate(typ, from, to)
	if err != nil {
		return nil, err
	}
	return t.keepVisible(ids)
}

// StateByCode returns the ID of the State with ISO 3166-1 code code, when
// the scope shows it.
func (t *Txn) StateByCode(code string) (string, error) {
	id, err := t.tx.StateByCode(code)
	if err != nil {
		return "", err
	}
	if ok, err := t.Visible(id); err != nil || !ok {
		return "", errors.Join(err, fmt.Errorf("state %s: %w", code, store.ErrNotFound))
	}
	return id, nil
}

func (t *Txn) keepVisible(ids []string) ([]string, error) {
	if t.r.scope.everything() {
		return ids, nil
	}
	kept := ids[:0]
	for _, id := range ids {
		ok, err := t.Visible(id)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, id)
		}
	}
	return kept, nil
}

// NodeValue calls fn with the stored bytes of node id, when the scope
// shows it or it is a document the scope clears (see CitedDocument): for
// exports that copy records verbatim.
func (t *Txn) NodeValue(id string, fn func(b []byte) error) error {
	ok, err := t.Visible(id)
	if err == nil && !ok {
		ok, err = t.DocumentCleared(id)
	}
	if err != nil {
		return err
	}
	if !ok {
		return hidden("node", id)
	}
	return t.cursor().NodeValue(id, fn)
}

// EdgeValue calls fn with the stored bytes of edge id, when the scope
// shows it.
func (t *Txn) EdgeValue(id string, fn func(b []byte) error) error {
	if _, err := t.EdgeOutline(id); err != nil {
		return err
	}
	return t.cursor().EdgeValue(id, fn)
}

// keepNode keeps n, shown, for a later read of it.
func (r *Reader) keepNode(n *store.Node) {
	r.mu.Lock()
	if len(r.kept) < maxKept {
		r.kept[n.ID] = n
	}
	r.mu.Unlock()
}

// keptNode is the node kept under id, or nil.
func (r *Reader) keptNode(id string) *store.Node {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.kept[id]
}

func (r *Reader) recall(id string) (ok, known bool) { return r.recallIn(r.seen, id) }

func (r *Reader) remember(id string, ok bool) { r.rememberIn(r.seen, id, ok) }

// recallIn and rememberIn read and write one of the reader's memos.
func (r *Reader) recallIn(m map[string]bool, id string) (ok, known bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ok, known = m[id]
	return ok, known
}

func (r *Reader) rememberIn(m map[string]bool, id string, ok bool) {
	if r.scope.everything() {
		return
	}
	r.mu.Lock()
	m[id] = ok
	r.mu.Unlock()
}

// Dated is the date of one node the scope shows.
type Dated struct {
	ID, Date string
}

// Dates returns the date of each node of ids the scope shows, in the order
// of ids, reading nothing else of the records (see store.Txn.Dates).
func (t *Txn) Dates(ids []string) ([]Dated, error) {
	all, err := t.tx.Dates(ids)
	if err != nil {
		return nil, err
	}
	out := make([]Dated, 0, len(all))
	for i, d := range all {
		ok := t.r.scope.Sees(d.Meta)
		t.r.remember(ids[i], ok)
		if ok {
			out = append(out, Dated{ID: ids[i], Date: d.Date})
		}
	}
	return out, nil
}

// History returns the audit entries of record id within the clearance,
// oldest first. (An entry is marked as the stricter of the record's
// markings before and after it.)
func (t *Txn) History(id string) ([]store.Change, error) {
	cs, err := t.tx.History(id)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cs, func(c store.Change) bool { return !t.r.scope.Cleared(c.Marking) }), nil
}

// Changes calls fn with each audit entry within the clearance numbered
// above after, in order, until fn returns false.
func (t *Txn) Changes(after uint64, fn func(*store.Change) (bool, error)) error {
	return t.tx.Changes(after, func(c *store.Change) (bool, error) {
		if !t.r.scope.Cleared(c.Marking) {
			return true, nil
		}
		return fn(c)
	})
}
