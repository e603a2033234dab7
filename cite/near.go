package cite

import (
	"fmt"
	"slices"
	"strings"
)

// NotFoundError is a quote that is not in the document even after folding
// (see fold), with the closest passage when one comes near enough to be
// what the analyst meant. It matches ErrNotFound with errors.Is.
type NotFoundError struct {
	Quote string
	// Near is the closest passage; nil when none is close.
	Near *NearMiss
}

// NearMiss is the passage of a document closest to a quote that is not in
// it, and how the two differ.
type NearMiss struct {
	Exact      string // the document's own text
	Start, End int    // code points
	// Document and Quote are the words where the two differ: what the
	// document has, and what the quote has instead (either may be empty).
	Document, Quote string
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("%s: %q", ErrNotFound.Error(), e.Quote)
	n := e.Near
	if n == nil {
		return msg + "; no passage comes close: check the document, or quote a shorter passage"
	}
	msg += fmt.Sprintf("; did you mean %q at [%d:%d] (code points)? ", n.Exact, n.Start, n.End)
	switch {
	case n.Document != "" && n.Quote != "":
		msg += fmt.Sprintf("Where the quote has %q, the document has %q", n.Quote, n.Document)
	case n.Document != "":
		msg += fmt.Sprintf("The document has %q, which the quote leaves out", n.Document)
	default:
		msg += fmt.Sprintf("The quote has %q, which the document does not", n.Quote)
	}
	return msg
}

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// nearBudget bounds the work of looking for a near miss across a whole
// document: quote length times document length, in folded code points. A
// larger search looks only around the places where the quote's longest
// word occurs.
const nearBudget = 40_000_000

// maxAnchors bounds how many occurrences of the quote's longest word a
// large search looks around.
const maxAnchors = 50

// nearest finds the passage of the folded text t closest to the folded
// quote q by edit distance, or ok false when none is within a third of the
// quote's length.
func nearest(t, q folded) (from, to int, ok bool) {
	m := len(q.runes)
	if m == 0 || len(t.runes) == 0 {
		return 0, 0, false
	}
	best := -1
	try := func(lo, hi int) {
		lo, hi = max(lo, 0), min(hi, len(t.runes))
		if lo >= hi {
			return
		}
		d, s, e := closest(t.runes[lo:hi], q.runes)
		if best < 0 || d < best {
			best, from, to = d, lo+s, lo+e
		}
	}
	if m*len(t.runes) <= nearBudget {
		try(0, len(t.runes))
	} else {
		word := longestWord(q.runes)
		for k, at := 0, 0; k < maxAnchors; k++ {
			i := index(t.runes[at:], word)
			if i < 0 {
				break
			}
			try(at+i-m, at+i+2*m)
			at += i + 1
		}
	}
	if best < 0 || best > m/3 || to <= from {
		return 0, 0, false
	}
	return from, to, true
}

// closest is Sellers' approximate substring match: the substring t[s:e]
// of least edit distance d to p. Ties keep the earliest end.
func closest(t, p []rune) (d, s, e int) {
	m := len(p)
	cost := make([]int, m+1)  // cost[i]: distance of p[:i] to the best substring ending here
	start := make([]int, m+1) // where that substring starts in t
	next := make([]int, m+1)
	nextStart := make([]int, m+1)
	for i := range cost {
		cost[i] = i
	}
	d, s, e = cost[m], 0, 0
	for j := 1; j <= len(t); j++ {
		next[0], nextStart[0] = 0, j
		for i := 1; i <= m; i++ {
			sub := 1
			if p[i-1] == t[j-1] {
				sub = 0
			}
			c, st := cost[i-1]+sub, start[i-1] // p[i-1] against t[j-1]
			if v := next[i-1] + 1; v < c {     // p[i-1] missing from t
				c, st = v, nextStart[i-1]
			}
			if v := cost[i] + 1; v < c { // t[j-1] extra
				c, st = v, start[i]
			}
			next[i], nextStart[i] = c, st
		}
		cost, next = next, cost
		start, nextStart = nextStart, start
		if cost[m] < d {
			d, s, e = cost[m], start[m], j
		}
	}
	return d, s, e
}

// longestWord returns the longest space-separated word of q.
func longestWord(q []rune) []rune {
	var best []rune
	for w := range strings.FieldsSeq(string(q)) {
		if r := []rune(w); len(r) > len(best) {
			best = r
		}
	}
	return best
}

// index returns the first index of sub in s, or -1.
func index(s, sub []rune) int {
	if len(sub) == 0 {
		return -1
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// nearMiss describes the passage t.runes[from:to] that comes closest to
// the folded quote q (typed as typed): its own text and offsets, and the
// whole words where it and the quote differ.
func nearMiss(text []rune, t folded, from, to int, typed []rune, q folded) *NearMiss {
	start, end := t.span(from, to, text)
	n := &NearMiss{Exact: string(text[start:end]), Start: start, End: end}
	a, b := t.runes[from:to], q.runes
	k := 0
	for k < len(a) && k < len(b) && a[k] == b[k] {
		k++
	}
	l := 0
	for l < len(a)-k && l < len(b)-k && a[len(a)-1-l] == b[len(b)-1-l] {
		l++
	}
	// Widen the difference to whole words on both sides.
	for k > 0 && a[k-1] != ' ' {
		k--
	}
	for l > 0 && a[len(a)-l] != ' ' {
		l--
	}
	if k < len(a)-l {
		ds, de := t.span(from+k, from+len(a)-l, text)
		n.Document = strings.TrimSpace(string(text[ds:de]))
	}
	if k < len(b)-l {
		qs, qe := q.span(k, len(b)-l, typed)
		n.Quote = strings.TrimSpace(string(typed[qs:qe]))
	}
	return n
}
