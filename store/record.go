package store

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Props are a record's properties. Values are JSON values: string, float64,
// bool, nil, []any and map[string]any. Records are stored as JSON, whose
// object keys are sorted, so the same record always encodes to the same bytes.
type Props map[string]any

// String returns the string property name, or "" when absent or not a string.
func (p Props) String(name string) string {
	s, _ := p[name].(string)
	return s
}

// Strings returns the strings of list property name (its other elements
// left out), or an empty list when absent or not a list.
func (p Props) Strings(name string) []string {
	list, _ := p[name].([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Citation ties a fact to the span of a Document's text that supports it,
// with both W3C Web Annotation selectors: TextQuoteSelector (Exact, Prefix,
// Suffix) and TextPositionSelector (Start, End, in Unicode code points,
// start inclusive, end exclusive).
type Citation struct {
	Document    string       `json:"document"`
	Exact       string       `json:"exact"`
	Prefix      string       `json:"prefix"`
	Suffix      string       `json:"suffix"`
	Start       int          `json:"start"`
	End         int          `json:"end"`
	Translation *Translation `json:"translation,omitempty"`
	// Role is PRIMARY when the cited text is the claimant's own statement
	// or publication, SECONDARY when it reports it; empty when unstated.
	Role string `json:"role,omitempty"`
}

// Translation is a non-authoritative rendering of a citation's quote: the
// quoted source text stays the evidence.
type Translation struct {
	Lang          string `json:"lang"`
	Text          string `json:"text"`
	Translator    string `json:"translator"`
	Authoritative bool   `json:"authoritative"`
}

// Node is a typed vertex of the graph.
type Node struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Props     Props      `json:"properties"`
	Citations []Citation `json:"citations"`
	Meta
}

// Meta is what the graph records about a fact besides what the source says:
// its TLP marking, who wrote it, and whether it was retracted. Nothing is
// ever deleted; a retracted fact stays, flagged.
type Meta struct {
	// Marking is the TLP marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED.
	// Empty means CLEAR.
	Marking string `json:"marking,omitempty"`
	// CreatedBy names the principal who wrote the fact ("seed" for the
	// embedded seed).
	CreatedBy string `json:"created_by,omitempty"`
	// Retraction is set while the fact is retracted.
	Retraction *Retraction `json:"retraction,omitempty"`
}

// Retraction records who withdrew a fact, when and why.
type Retraction struct {
	By     string `json:"by"`
	At     string `json:"at"` // RFC 3339, UTC
	Reason string `json:"reason"`
}

// Edge is a typed, directed link between two nodes.
type Edge struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	From      string     `json:"from"`
	To        string     `json:"to"`
	Props     Props      `json:"properties"`
	Citations []Citation `json:"citations"`
	Meta
}

// Direction selects which edges of a node a lookup follows.
type Direction int

const (
	Out  Direction = 1 << iota // edges that start at the node
	In                         // edges that end at the node
	Both = Out | In
)

// EdgeRef is what the adjacency indexes know of an edge without reading it.
type EdgeRef struct {
	ID    string
	Type  string
	From  string
	To    string
	Other string    // the endpoint that is not the node asked about
	Dir   Direction // Out when the node asked about is From
	// Marking and Retracted are the edge's, so that a reader can decide
	// whether to follow it without reading it.
	Marking   string
	Retracted bool
}

// Errors callers can test for; storage-engine errors never leave the package
// unwrapped into these.
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid record")
	// ErrBadID means a string is not a node ID at all (a caller's mistake,
	// not a missing node).
	ErrBadID = errors.New("malformed id")
)

var idEncoding = base64.RawURLEncoding

// NodeID returns the global ID of the node of type typ with local key key:
// URL-safe base64 of "typ:key", so the same key gives the same ID in every
// data directory.
func NodeID(typ, key string) string {
	return idEncoding.EncodeToString([]byte(typ + ":" + key))
}

// DecodeNodeID splits a global node ID into its type and local key.
func DecodeNodeID(id string) (typ, key string, err error) {
	raw, err := idEncoding.DecodeString(id)
	if err != nil {
		return "", "", fmt.Errorf("%w %q: not URL-safe base64", ErrBadID, id)
	}
	typ, key, ok := strings.Cut(string(raw), ":")
	if !ok || typ == "" || key == "" {
		return "", "", fmt.Errorf("%w %q: not a node id", ErrBadID, id)
	}
	return typ, key, nil
}

// EdgeID returns the deterministic ID of the edge of type typ from one node
// to another. Edges are identified by their type and endpoints: claims that
// must stay apart are nodes (Attribution, Response, Statement), not edges.
func EdgeID(typ, from, to string) string {
	h := sha256.Sum256([]byte(typ + "\x00" + from + "\x00" + to))
	return "e" + idEncoding.EncodeToString(h[:15])
}
