// Package budget refuses expensive GraphQL documents before anything parses
// or validates them. One pass of gqlparser's lexer over the raw text counts
// tokens, fields, aliases, directives, selection depth and the fields that
// fragment spreads fan out to, each fragment measured once, so its cost is
// linear in the text and bounded by MaxTokens however hostile the query.
//
// gqlgen's own validation (overlapping fields, complexity) is quadratic or
// exponential in some inputs; this check keeps such inputs from reaching it.
package budget

import (
	"fmt"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"
)

// Budget bounds one GraphQL document. A zero field means no limit.
type Budget struct {
	MaxTokens     int // lexical tokens, the lexing stops at the first over
	MaxFields     int // field selections written in the text, fragments once
	MaxExpanded   int // field selections after expanding every fragment spread
	MaxAliases    int // aliased fields
	MaxDirectives int // directive uses
	MaxNesting    int // selection-set nesting (inline fragments count), through spreads
}

// Default is generous for hand-written and GraphiQL queries (its
// introspection query included) and small against abuse.
var Default = Budget{
	MaxTokens:     5000,
	MaxFields:     500,
	MaxExpanded:   2000,
	MaxAliases:    100,
	MaxDirectives: 50,
	MaxNesting:    20, // above graph's field-depth limit, which then speaks precisely
}

// Report is what the pass measured.
type Report struct {
	Tokens, Fields, Expanded, Aliases, Directives, Depth int
	// Kinds lists the kind (query, mutation, subscription) of each
	// operation in the document, in order.
	Kinds []string
}

// Error is a refused document: which budget it broke.
type Error struct {
	What  string // tokens, fields, ...
	Got   int    // at least this many
	Limit int
}

func (e *Error) Error() string {
	return fmt.Sprintf("query has %d %s or more, over the limit of %d; ask for less, or split it into several queries", e.Got, e.What, e.Limit)
}

// SyntaxError is a document the lexer cannot read.
type SyntaxError struct{ Err error }

func (e *SyntaxError) Error() string { return "query does not parse: " + e.Err.Error() }
func (e *SyntaxError) Unwrap() error { return e.Err }

// definition is one operation or fragment as the pass saw it.
type definition struct {
	fields, depth int
	spreads       []spread
}

type spread struct {
	name  string
	depth int // selection depth at which the spread sits
}

// Check measures query against b and returns the first budget it breaks as
// an *Error, a *SyntaxError when the lexer fails, or nil.
func Check(query string, b Budget) (Report, error) {
	var (
		rep   Report
		lx    = lexer.New(&ast.Source{Input: query})
		defs  = map[string]*definition{}
		ops   []*definition
		cur   *definition
		brace int // selection-set depth within the current definition
		paren int // inside arguments or variable definitions
		prev  lexer.Type
		// typeCond is set after "... on" and "fragment X on": the next name
		// is a type, not a field.
		typeCond  bool
		fragName  bool // after "fragment": the next name names it
		afterFrag bool // inside a fragment header, before its selection set
	)
	over := func(what string, got, limit int) error {
		if limit > 0 && got > limit {
			return &Error{What: what, Got: got, Limit: limit}
		}
		return nil
	}
	for {
		tok, err := lx.ReadToken()
		if err != nil {
			return rep, &SyntaxError{Err: err}
		}
		if tok.Kind == lexer.EOF {
			break
		}
		rep.Tokens++
		if err := over("tokens", rep.Tokens, b.MaxTokens); err != nil {
			return rep, err
		}
		switch tok.Kind {
		case lexer.ParenL:
			paren++
		case lexer.ParenR:
			paren--
		case lexer.At:
			rep.Directives++
			if err := over("directives", rep.Directives, b.MaxDirectives); err != nil {
				return rep, err
			}
		case lexer.BraceL:
			if paren > 0 {
				break // an input object value
			}
			if brace == 0 && cur == nil { // anonymous query shorthand "{ ... }"
				cur = &definition{}
				ops = append(ops, cur)
				rep.Kinds = append(rep.Kinds, "query")
			}
			afterFrag = false
			brace++
			if cur != nil {
				cur.depth = max(cur.depth, brace)
			}
		case lexer.BraceR:
			if paren > 0 {
				break
			}
			brace--
			if brace == 0 {
				cur = nil
			}
		case lexer.Colon:
			if paren == 0 && brace > 0 {
				// The name before was an alias, counted as a field; the
				// name after is the field.
				rep.Aliases++
				rep.Fields--
				if cur != nil {
					cur.fields--
				}
				if err := over("aliases", rep.Aliases, b.MaxAliases); err != nil {
					return rep, err
				}
			}
		case lexer.Name:
			if paren > 0 {
				break
			}
			switch {
			case brace == 0 && fragName:
				fragName = false
				cur = &definition{}
				defs[tok.Value] = cur
			case brace == 0 && afterFrag:
				// "on Type" and directives of a fragment header.
			case brace == 0 && cur == nil && prev != lexer.At:
				switch tok.Value {
				case "query", "mutation", "subscription":
					cur = &definition{}
					ops = append(ops, cur)
					rep.Kinds = append(rep.Kinds, tok.Value)
				case "fragment":
					fragName, afterFrag = true, true
				}
			case brace == 0:
				// operation name or directive name in a header
			case prev == lexer.At:
				// directive name
			case typeCond:
				typeCond = false
			case prev == lexer.Spread && tok.Value == "on":
				typeCond = true
			case prev == lexer.Spread:
				if cur != nil {
					cur.spreads = append(cur.spreads, spread{name: tok.Value, depth: brace})
				}
			default:
				rep.Fields++
				if cur != nil {
					cur.fields++
				}
				if err := over("fields", rep.Fields, b.MaxFields); err != nil {
					return rep, err
				}
			}
		}
		prev = tok.Kind
	}
	// Expand fragments: each is measured once and memoised, so a chain of
	// fragments that each spread the next twice costs its length, not 2^n.
	type measure struct{ fields, depth int }
	memo := map[string]*measure{}
	var expand func(d *definition) measure
	expand = func(d *definition) measure {
		m := measure{fields: d.fields, depth: d.depth}
		for _, s := range d.spreads {
			fd, ok := defs[s.name]
			if !ok {
				continue // unknown fragment: validation reports it
			}
			sub, seen := memo[s.name]
			if !seen {
				memo[s.name] = &measure{} // a cycle: validation reports it
				v := expand(fd)
				memo[s.name] = &v
				sub = &v
			}
			m.fields = satAdd(m.fields, sub.fields)
			// The fragment's top-level fields sit at the spread's own depth.
			m.depth = max(m.depth, s.depth-1+sub.depth)
		}
		return m
	}
	for _, op := range ops {
		m := expand(op)
		rep.Expanded = satAdd(rep.Expanded, m.fields)
		rep.Depth = max(rep.Depth, m.depth)
	}
	if err := over("fields after expanding fragments", rep.Expanded, b.MaxExpanded); err != nil {
		return rep, err
	}
	if err := over("levels of nesting", rep.Depth, b.MaxNesting); err != nil {
		return rep, err
	}
	return rep, nil
}

// satAdd adds without overflowing: fan-out can exceed any int.
func satAdd(a, b int) int {
	const ceiling = 1 << 50
	return min(a+b, ceiling)
}
