package query

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// DefaultFirst is the page size of a list asked for without one. The
// GraphQL schema writes the same default into every `first` argument; a
// test in package graph holds the two together.
const DefaultFirst = 20

// MaxPageSize is the largest page a list gives.
const MaxPageSize = 100

// Page asks for one page of a list, as Relay's arguments do: First items
// after the item whose cursor is After ("" for the start). Count asks for
// the length of the whole list (a connection's totalCount): a list walked
// in an index counts only when asked, a list read whole always knows it.
type Page struct {
	First int
	After string
	Count bool
}

// FirstPage is the page of first items (DefaultFirst when nil) after the
// cursor after (the start when nil or empty).
func FirstPage(first *int, after *string) Page {
	p := Page{First: DefaultFirst}
	if first != nil {
		p.First = *first
	}
	if after != nil {
		p.After = *after
	}
	return p
}

// Window is the page of a list a question answers: Nodes, the items at
// positions [Start, Start+len(Nodes)), and what a client needs to page on.
type Window[T any] struct {
	Items            []T
	Start            int
	Total            int // the whole list's length (see Page.Count)
	HasNext, HasPrev bool
}

// Cursor is the cursor of the item at position i of the whole list.
func Cursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(i)))
}

const cursorPrefix = "offset:"

// Offset checks p and returns the position the page starts at.
func (p Page) Offset() (int, error) {
	if p.First < 0 || p.First > MaxPageSize {
		return 0, invalid("first", "must be between 0 and %d (the maximum page size), got %d; page with after", MaxPageSize, p.First)
	}
	if p.After == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(p.After)
	if err == nil {
		if s, ok := strings.CutPrefix(string(raw), cursorPrefix); ok {
			if i, err := strconv.Atoi(s); err == nil && i >= 0 {
				return i + 1, nil
			}
		}
	}
	return 0, invalid("after", "%q is not a cursor this server issued", p.After)
}

// Paginate cuts the page p out of items, a whole list in its order.
func Paginate[T any](items []T, p Page) (Window[T], error) {
	from, err := p.Offset()
	if err != nil {
		return Window[T]{}, err
	}
	total := len(items)
	from = min(from, total)
	to := min(from+p.First, total)
	return Window[T]{Items: items[from:to], Start: from, Total: total, HasNext: to < total, HasPrev: from > 0}, nil
}
