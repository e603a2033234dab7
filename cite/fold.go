package cite

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// folded is a text reduced to the form quotes are matched in, with the
// position in the original text of every folded code point, so that a match
// found in the folded form maps back onto the document's own span.
type folded struct {
	runes []rune
	// at[i] is the code-point offset in the original text of runes[i].
	at []int
	// n is the length of the original text in code points.
	n int
}

// fold reduces s to the form in which a quote typed by hand and the
// document's text are compared. It forgives what copying from a web page or
// typing on another keyboard changes, and nothing that changes a word:
//
//   - Unicode normalisation: each code point is decomposed (NFD), so a
//     precomposed letter and its decomposed form are one;
//   - combining marks are dropped: Arabic tashkeel (fatha, shadda, tanween,
//     sukun, …) and the hamza written above or below alef, waw and yeh,
//     which NFD splits off (أ إ آ → ا, ؤ → و, ئ → ي), and Latin accents;
//   - tatweel (ـ) and invisible format characters (zero-width joiners,
//     direction marks) are dropped;
//   - alef wasla, alef maksura, taa marbuta, Persian yeh and keheh are
//     written as alef, yeh, haa, Arabic yeh and kaf, as the search index
//     does;
//   - every quotation mark and apostrophe (" ' « » “ ” ‘ ’ ‹ › „ ‚ ′ ″ `)
//     is one mark, every dash and hyphen one hyphen;
//   - any run of spaces (non-breaking, thin, ideographic, line breaks) is
//     one space;
//   - letters are compared without case.
func fold(s string) folded {
	f := folded{}
	space := false // the last kept code point is a space
	i := 0
	for _, r := range s {
		for _, d := range decompose(r) {
			c, keep := foldRune(d)
			if !keep {
				continue
			}
			if c == ' ' {
				if space {
					continue
				}
				space = true
			} else {
				space = false
			}
			f.runes = append(f.runes, c)
			f.at = append(f.at, i)
		}
		i++
	}
	f.n = i
	return f
}

// decompose returns the canonical decomposition of r, or r alone.
func decompose(r rune) []rune {
	if r < 0x80 {
		return []rune{r}
	}
	return []rune(norm.NFD.String(string(r)))
}

// foldRune maps one decomposed code point onto its folded form; keep is
// false when it is dropped.
func foldRune(r rune) (c rune, keep bool) {
	switch {
	case unicode.Is(unicode.Mn, r), r == '\u0640', unicode.Is(unicode.Cf, r):
		return 0, false
	case unicode.IsSpace(r):
		return ' ', true
	}
	switch r {
	case '"', '\'', '`', '«', '»', '‹', '›', '“', '”', '„', '‟', '‘', '’', '‚', '‛', '′', '″', '＂', '＇':
		return '"', true
	case '-', '‐', '‑', '‒', '–', '—', '―', '−', '﹣', '－':
		return '-', true
	case 'ٱ': // alef wasla
		return 'ا', true
	case 'ى', 'ی': // alef maksura, Persian yeh
		return 'ي', true
	case 'ة':
		return 'ه', true
	case 'ک': // keheh
		return 'ك', true
	}
	return unicode.ToLower(r), true
}

// trim drops a leading and a trailing space of a folded quote: the edges
// of a selection copied from a page often catch one.
func (f folded) trim() folded {
	for len(f.runes) > 0 && f.runes[0] == ' ' {
		f.runes, f.at = f.runes[1:], f.at[1:]
	}
	for len(f.runes) > 0 && f.runes[len(f.runes)-1] == ' ' {
		f.runes, f.at = f.runes[:len(f.runes)-1], f.at[:len(f.runes)-1]
	}
	return f
}

// span maps the folded runes [i:j) back onto the original text: from the
// code point that gave runes[i] to the end of the one that gave
// runes[j-1], taking in the marks and tatweel written on it (they fold to
// nothing), so that a quote typed without tashkeel cites the word with
// its tashkeel.
func (f folded) span(i, j int, orig []rune) (start, end int) {
	start = f.at[i]
	end = f.at[j-1] + 1
	for end < len(orig) {
		if _, keep := foldRuneAll(orig[end]); keep {
			break
		}
		end++
	}
	return start, end
}

// foldRuneAll folds a whole (undecomposed) code point: keep is false when
// every part of it is dropped.
func foldRuneAll(r rune) (rune, bool) {
	for _, d := range decompose(r) {
		if c, keep := foldRune(d); keep {
			return c, true
		}
	}
	return 0, false
}
