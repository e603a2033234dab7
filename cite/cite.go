// Package cite resolves quotes into W3C Web Annotation selectors and verifies
// them. Offsets are Unicode code points, start inclusive, end exclusive, as
// in the TextPositionSelector; a Go string index is a byte offset and is
// never exposed.
package cite

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ContextLen is how many code points of text before and after a quote a
// resolved citation keeps as its TextQuoteSelector prefix and suffix.
const ContextLen = 32

// Quote is what an analyst writes: the exact words, and optionally the words
// just before or after them to pick one occurrence.
type Quote struct {
	Exact  string
	Prefix string
	Suffix string
}

// Span is a resolved quote: the selectors of one occurrence in a text.
type Span struct {
	Exact  string
	Prefix string // up to ContextLen code points before Exact
	Suffix string // up to ContextLen code points after Exact
	Start  int    // code points
	End    int    // code points
}

var (
	// ErrNotFound means the quote is not in the text.
	ErrNotFound = errors.New("quote not found in document")
	// ErrAmbiguous means the quote occurs more than once and the prefix
	// and suffix do not single one out.
	ErrAmbiguous = errors.New("quote is ambiguous")
)

// Resolve finds the one occurrence of q in text. A quote that is not in
// the text as typed is looked for again with both folded (see fold): a
// quote copied with typographic quotes, non-breaking spaces or without
// tashkeel still finds its passage, and the span returned is always the
// document's own text. When it is still not found, the error is a
// *NotFoundError naming the closest passage.
func Resolve(text string, q Quote) (Span, error) {
	if q.Exact == "" {
		return Span{}, errors.New("quote is empty")
	}
	// An invalid byte could match inside a multi-byte character of the
	// text, giving offsets past its end; valid UTF-8 only matches whole
	// characters.
	if !utf8.ValidString(q.Exact) || !utf8.ValidString(q.Prefix) || !utf8.ValidString(q.Suffix) {
		return Span{}, fmt.Errorf("%w: the quote, prefix or suffix is not valid UTF-8", ErrNotFound)
	}
	var hits []int // byte offsets of matching occurrences of Exact
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], q.Exact)
		if i < 0 {
			break
		}
		at := from + i
		end := at + len(q.Exact)
		// A valid quote in an invalid text could match inside a rune;
		// only a match on code point boundaries is a span.
		onBoundaries := utf8.RuneStart(text[at]) && (end == len(text) || utf8.RuneStart(text[end]))
		if onBoundaries && strings.HasSuffix(text[:at], q.Prefix) && strings.HasPrefix(text[at+len(q.Exact):], q.Suffix) {
			hits = append(hits, at)
		}
		_, size := utf8.DecodeRuneInString(text[at:])
		from = at + size
	}
	switch {
	case len(hits) == 0 && (q.Prefix != "" || q.Suffix != "") && strings.Contains(text, q.Exact):
		return Span{}, fmt.Errorf("%w: %q occurs, but not with the given prefix/suffix", ErrNotFound, q.Exact)
	case len(hits) == 0:
		return resolveFolded(text, q)
	case len(hits) > 1:
		return Span{}, fmt.Errorf("%w: %q occurs %d times; give a prefix or suffix that picks one", ErrAmbiguous, q.Exact, len(hits))
	}
	at := hits[0]
	start := utf8.RuneCountInString(text[:at])
	end := start + utf8.RuneCountInString(q.Exact)
	return Span{
		Exact:  q.Exact,
		Prefix: lastRunes(text[:at], ContextLen),
		Suffix: firstRunes(text[at+len(q.Exact):], ContextLen),
		Start:  start,
		End:    end,
	}, nil
}

// Verify checks that text, taken in code points, holds exact at [start:end],
// preceded by prefix and followed by suffix.
func Verify(text string, exact, prefix, suffix string, start, end int) error {
	return VerifyRunes([]rune(text), exact, prefix, suffix, start, end)
}

// VerifyRunes is Verify over a text already split into code points, for
// callers that check many citations of one document: it costs the length of
// the quote and its context, not of the document.
func VerifyRunes(text []rune, exact, prefix, suffix string, start, end int) error {
	if start < 0 || end < start {
		return fmt.Errorf("bad span [%d:%d]", start, end)
	}
	if end > len(text) {
		return fmt.Errorf("span [%d:%d] is past the end of the document (%d code points)", start, end, len(text))
	}
	if got := string(text[start:end]); got != exact {
		return fmt.Errorf("text at [%d:%d] is %q, not %q", start, end, got, exact)
	}
	if n := utf8.RuneCountInString(prefix); n > start || string(text[start-n:start]) != prefix {
		return fmt.Errorf("text before [%d:%d] does not end with prefix %q", start, end, prefix)
	}
	if n := utf8.RuneCountInString(suffix); end+n > len(text) || string(text[end:end+n]) != suffix {
		return fmt.Errorf("text after [%d:%d] does not start with suffix %q", start, end, suffix)
	}
	return nil
}

func lastRunes(s string, n int) string {
	i := len(s)
	for k := 0; k < n && i > 0; k++ {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return s[i:]
}

func firstRunes(s string, n int) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i]
}

// resolveFolded finds the one occurrence of q in text once both are
// folded, under the same rules of prefix, suffix and ambiguity as an exact
// match.
func resolveFolded(text string, q Quote) (Span, error) {
	orig := []rune(text)
	t := fold(text)
	typed := []rune(q.Exact)
	fq := fold(q.Exact).trim()
	if len(fq.runes) == 0 {
		return Span{}, &NotFoundError{Quote: q.Exact}
	}
	pre := fold(q.Prefix).trim().runes
	suf := fold(q.Suffix).trim().runes
	var hits [][2]int // folded [from, to) of each occurrence
	found := false    // the quote occurs, whatever its context
	for at := 0; at+len(fq.runes) <= len(t.runes); {
		i := index(t.runes[at:], fq.runes)
		if i < 0 {
			break
		}
		from, to := at+i, at+i+len(fq.runes)
		found = true
		before := trimSpace(t.runes[:from])
		after := trimSpace(t.runes[to:])
		if hasSuffix(before, pre) && hasPrefix(after, suf) {
			hits = append(hits, [2]int{from, to})
		}
		at = from + 1
	}
	switch {
	case len(hits) == 0 && found:
		return Span{}, fmt.Errorf("%w: %q occurs, but not with the given prefix/suffix", ErrNotFound, q.Exact)
	case len(hits) == 0:
		e := &NotFoundError{Quote: q.Exact}
		if from, to, ok := nearest(t, fq); ok {
			e.Near = nearMiss(orig, t, from, to, typed, fq)
		}
		return Span{}, e
	case len(hits) > 1:
		return Span{}, fmt.Errorf("%w: %q occurs %d times; give a prefix or suffix that picks one", ErrAmbiguous, q.Exact, len(hits))
	}
	start, end := t.span(hits[0][0], hits[0][1], orig)
	return Span{
		Exact:  string(orig[start:end]),
		Prefix: string(orig[max(0, start-ContextLen):start]),
		Suffix: string(orig[end:min(len(orig), end+ContextLen)]),
		Start:  start,
		End:    end,
	}, nil
}

// trimSpace drops the spaces at both ends of folded runes.
func trimSpace(r []rune) []rune {
	for len(r) > 0 && r[0] == ' ' {
		r = r[1:]
	}
	for len(r) > 0 && r[len(r)-1] == ' ' {
		r = r[:len(r)-1]
	}
	return r
}

func hasPrefix(s, p []rune) bool { return len(p) <= len(s) && slices.Equal(s[:len(p)], p) }
func hasSuffix(s, p []rune) bool { return len(p) <= len(s) && slices.Equal(s[len(s)-len(p):], p) }
