package subgraph

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/attrib/attrib/store"
)

// ArgError is a request argument the caller must fix: an unknown type, a
// direction or flag that does not parse. Its text names the argument.
type ArgError struct {
	Arg string // the argument as the query string names it
	Msg string
}

func (e *ArgError) Error() string { return e.Arg + ": " + e.Msg }

// IsArgError reports whether err is, or wraps, an *ArgError.
func IsArgError(err error) bool {
	var ae *ArgError
	return errors.As(err, &ae)
}

// ParseQuery reads a request from the query of GET /export (q is its
// url.Values), the one place where that query is read:
//
//	root=ID (repeatable; none means the whole graph), depth=N (0-6, default 2),
//	edgeType=T (repeatable), direction=out|in|both, nodeType=T (repeatable),
//	includeRetracted=true, maxNodes=N (default: no cap).
//
// The request is validated. The file format is the exporter's to read.
func ParseQuery(q map[string][]string) (Request, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	r := Request{Roots: q["root"], Depth: DefaultHops, EdgeTypes: q["edgeType"], NodeTypes: q["nodeType"]}
	var err error
	if v := get("depth"); v != "" {
		if r.Depth, err = strconv.Atoi(v); err != nil {
			return r, fmt.Errorf("%w: depth %q is not a whole number 0 to %d", ErrLimit, v, MaxHops)
		}
	}
	if v := get("maxNodes"); v != "" {
		if r.MaxNodes, err = strconv.Atoi(v); err != nil || r.MaxNodes < 0 {
			return r, fmt.Errorf("%w: maxNodes %q is not a whole number >= 0", ErrLimit, v)
		}
	}
	if r.Direction, err = ParseDirection(get("direction")); err != nil {
		return r, err
	}
	if v := get("includeRetracted"); v != "" {
		if r.IncludeRetracted, err = strconv.ParseBool(v); err != nil {
			return r, &ArgError{"includeRetracted", fmt.Sprintf("%q is not true or false", v)}
		}
	}
	return r, r.Validate()
}

// Query is the query string ParseQuery reads back as r: what a client
// sends to GET /export to ask a server for r.
func (r Request) Query() map[string][]string {
	q := map[string][]string{"depth": {strconv.Itoa(r.Depth)}}
	if len(r.Roots) > 0 {
		q["root"] = r.Roots
	}
	if len(r.EdgeTypes) > 0 {
		q["edgeType"] = r.EdgeTypes
	}
	if len(r.NodeTypes) > 0 {
		q["nodeType"] = r.NodeTypes
	}
	switch r.Direction {
	case store.Out:
		q["direction"] = []string{"out"}
	case store.In:
		q["direction"] = []string{"in"}
	}
	if r.MaxNodes != 0 {
		q["maxNodes"] = []string{strconv.Itoa(r.MaxNodes)}
	}
	if r.IncludeRetracted {
		q["includeRetracted"] = []string{"true"}
	}
	return q
}

// ParseDirection reads out, in or both (any case); "" is both.
func ParseDirection(s string) (store.Direction, error) {
	switch strings.ToLower(s) {
	case "", "both":
		return store.Both, nil
	case "out":
		return store.Out, nil
	case "in":
		return store.In, nil
	}
	return 0, &ArgError{"direction", fmt.Sprintf("%q is not out, in or both", s)}
}
