package search

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The query syntax (docs/search.md):
//
//	word        the word, stemmed; in English text, a word whose stem has
//	            fuzzyMinLetters letters or more also matches words one edit
//	            away, ranked below exact matches
//	"a phrase"  the words next to each other, in this order (also «…», “…”)
//	word*       words that begin so
//	word~ word~2  words one (two) edits away, whatever the word's length
//	type:State  only nodes of that type (repeatable, or type:State,Person)
//	lang:ar     only Arabic (ar) or English (en) text
//
// Any part may match: a hit that matches more parts ranks higher.

// fuzzyMinLetters is the length from which a plain word is also matched
// fuzzily. Shorter words have too many neighbours one edit away: "Iran"
// would find "Iraq".
const fuzzyMinLetters = 5

// fuzzyBoost weighs a fuzzy match of a plain word against an exact one:
// the exact word always ranks first.
const fuzzyBoost = 0.3

// clauseKind is what a part of a query asks for.
type clauseKind int

const (
	word clauseKind = iota
	phrase
	prefix
	fuzzy
)

// clause is one part of a query.
type clause struct {
	kind      clauseKind
	text      string
	fuzziness int // for fuzzy: the edits allowed
}

// parsed is a query string taken apart.
type parsed struct {
	clauses []clause
	types   []string
	lang    string
}

// openQuotes and their closing marks: a phrase may be typed with the
// quotation marks of either language.
var closeQuote = map[rune]string{'"': `"`, '«': "»", '“': "”\"", '„': "“”\"", '»': "«"}

// parse takes a query string apart; filters whose value is not known are
// refused with what is.
func parse(text string) (parsed, error) {
	var p parsed
	rs := []rune(text)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case closeQuote[r] != "":
			j := i + 1
			for j < len(rs) && !strings.ContainsRune(closeQuote[r], rs[j]) {
				j++
			}
			if t := strings.TrimSpace(string(rs[i+1 : min(j, len(rs))])); t != "" {
				p.clauses = append(p.clauses, clause{kind: phrase, text: t})
			}
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) && closeQuote[rs[j]] == "" {
			j++
		}
		if err := p.term(string(rs[i:j])); err != nil {
			return p, err
		}
		i = j
	}
	return p, nil
}

// term adds one space-separated part of a query.
func (p *parsed) term(t string) error {
	if k, v, ok := strings.Cut(t, ":"); ok && v != "" {
		switch strings.ToLower(k) {
		case "type":
			for _, name := range strings.Split(v, ",") {
				typ, ok := nodeType(name)
				if !ok {
					return fmt.Errorf("%w: type:%s is not a node type; use one of %s", ErrInvalidQuery, name, strings.Join(nodeTypes, ", "))
				}
				p.types = append(p.types, typ)
			}
			return nil
		case "lang":
			l := strings.ToLower(v)
			if l != "ar" && l != "en" {
				return fmt.Errorf("%w: lang:%s: use lang:ar or lang:en", ErrInvalidQuery, v)
			}
			if p.lang != "" && p.lang != l {
				return fmt.Errorf("%w: the query asks for both lang:%s and lang:%s; give one", ErrInvalidQuery, p.lang, l)
			}
			p.lang = l
			return nil
		}
	}
	switch {
	case strings.HasSuffix(t, "*"):
		if w := strings.TrimRight(t, "*"); w != "" {
			p.clauses = append(p.clauses, clause{kind: prefix, text: w})
		}
		return nil
	case strings.Contains(t, "~"):
		at := strings.LastIndexByte(t, '~')
		n, err := strconv.Atoi(t[at+1:])
		if t[at+1:] == "" {
			n, err = 1, nil
		}
		if err == nil && at > 0 {
			p.clauses = append(p.clauses, clause{kind: fuzzy, text: t[:at], fuzziness: max(1, min(n, 2))})
			return nil
		}
	}
	p.clauses = append(p.clauses, clause{kind: word, text: t})
	return nil
}

// nodeType spells a node type as the index does, whatever its case.
func nodeType(name string) (string, bool) {
	for _, t := range nodeTypes {
		if strings.EqualFold(strings.TrimSpace(name), t) {
			return t, true
		}
	}
	return "", false
}

// analysis is a mapping like the index's, used only to analyse a prefix
// as the field it is looked for in analyses its words.
var analysis = sync.OnceValue(func() *mapping.IndexMappingImpl { return newMapping() })

// fieldAnalyzer names the analyzer of a text field.
func fieldAnalyzer(field string) string {
	if lang(field[len(field)-2:]) == "ar" {
		return arabicAnalyzer
	}
	return "en"
}

// fieldQuery is clause c looked for in one field, boosted by boost; nil
// when the clause has nothing to look for there (a stop word, say).
func (c clause) fieldQuery(field string, boost float64) query.Query {
	set := func(q interface {
		SetField(string)
		SetBoost(float64)
	}, b float64) {
		q.SetField(field)
		q.SetBoost(b)
	}
	switch c.kind {
	case phrase:
		q := bleve.NewMatchPhraseQuery(c.text)
		set(q, boost)
		return q
	case prefix:
		// The prefix is analysed as the field's words are (lower case,
		// Arabic letters normalised, light stemming, which only ever
		// shortens it), so that it meets them.
		toks := analyse(field, c.text)
		if len(toks) == 0 {
			return nil
		}
		var parts []query.Query
		for i, tok := range toks {
			if i < len(toks)-1 {
				t := bleve.NewTermQuery(string(tok))
				set(t, boost)
				parts = append(parts, t)
				continue
			}
			q := bleve.NewPrefixQuery(string(tok))
			set(q, boost)
			parts = append(parts, q)
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return bleve.NewConjunctionQuery(parts...)
	case fuzzy:
		q := bleve.NewMatchQuery(c.text)
		q.SetFuzziness(c.fuzziness)
		set(q, boost)
		return q
	}
	q := bleve.NewMatchQuery(c.text)
	set(q, boost)
	// An English word is also matched one edit away when its stem is long
	// enough: a short stem has too many neighbours. Arabic words are not:
	// the analyzer already forgives how they are spelt (hamza, taa
	// marbuta, diacritics), and Arabic names one letter apart are other
	// places (ألبانيا, Albania; ألمانيا, Germany). word~ asks for it.
	if fieldAnalyzer(field) != "en" {
		return q
	}
	var near []query.Query
	for _, tok := range analyse(field, c.text) {
		if utf8.RuneCount(tok) >= fuzzyMinLetters {
			f := bleve.NewFuzzyQuery(string(tok))
			f.SetFuzziness(1)
			set(f, boost*fuzzyBoost)
			near = append(near, f)
		}
	}
	if len(near) == 0 {
		return q
	}
	return bleve.NewDisjunctionQuery(append(near, q)...)
}

// analyse returns the terms field's analyzer makes of text.
func analyse(field, text string) [][]byte {
	a := analysis().AnalyzerNamed(fieldAnalyzer(field))
	if a == nil {
		return nil
	}
	var out [][]byte
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, tok.Term)
	}
	return out
}
