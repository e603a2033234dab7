package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/attrib/attrib/graph/model"
)

// MaxPageSize is the largest `first` a connection accepts.
const MaxPageSize = 100

// window is one page of a list of total items: items [from, to).
type window struct {
	from, to int
	info     *model.PageInfo
	total    int
}

// page applies Relay arguments to a list of total items.
func page(total int, first *int, after *string) (window, error) {
	n := defaultFirst
	if first != nil {
		n = *first
	}
	if n < 0 || n > MaxPageSize {
		return window{}, errInvalid("first", "must be between 0 and %d (the maximum page size), got %d; page with after", MaxPageSize, n)
	}
	from := 0
	if after != nil && *after != "" {
		off, err := decodeCursor(*after)
		if err != nil {
			return window{}, err
		}
		from = off + 1
	}
	from = min(from, total)
	to := min(from+n, total)
	w := window{from: from, to: to, total: total, info: &model.PageInfo{
		HasNextPage:     to < total,
		HasPreviousPage: from > 0,
	}}
	if to > from {
		s, e := cursor(from), cursor(to-1)
		w.info.StartCursor, w.info.EndCursor = &s, &e
	}
	return w, nil
}

const cursorPrefix = "offset:"

func cursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(i)))
}

func decodeCursor(c string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if s, ok := strings.CutPrefix(string(raw), cursorPrefix); ok {
			if i, err := strconv.Atoi(s); err == nil && i >= 0 {
				return i, nil
			}
		}
	}
	return 0, errInvalid("after", "%q is not a cursor this server issued", c)
}

// connection pages items and wraps each page item with mk.
func connection[T any, E any](items []T, first *int, after *string, mk func(cursor string, t T) E) ([]E, *model.PageInfo, int, error) {
	w, err := page(len(items), first, after)
	if err != nil {
		return nil, nil, 0, err
	}
	edges := make([]E, 0, w.to-w.from)
	for i := w.from; i < w.to; i++ {
		edges = append(edges, mk(cursor(i), items[i]))
	}
	return edges, w.info, w.total, nil
}
