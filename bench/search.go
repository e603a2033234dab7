package bench

import (
	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/search"
)

// Search queries of the cases: the name of a hub state, which the
// generated articles mention often, in each language.
const (
	SearchArabic  = "ألبانيا"
	SearchEnglish = "Albania"
	SearchQuery   = `query Search($q: String!) { search(query: $q, first: 20) { totalCount edges { score field snippet node { id __typename } } } }`
)

// SearchCases returns the search requests, first: 20, in Arabic and in
// English, with their floor (a): the same bleve query for the top 20 hits
// (x.IndexOnly) and a read of each hit's record, what the page needs at
// least. An anonymous search filters by marking inside the same bleve
// query; the rare hit citing a document the reader may not see is read to
// be checked, which is attrib's cost, not the floor's.
func SearchCases(x *search.Index) []Case {
	var out []Case
	for _, c := range []struct{ name, q string }{{"search-ar", SearchArabic}, {"search-en", SearchEnglish}} {
		out = append(out, Case{Name: c.name, Query: SearchQuery, Vars: map[string]any{"q": c.q}, Raw: func(db *badger.DB) error {
			ids, err := x.IndexOnly(search.Query{Text: c.q, Size: 20})
			if err != nil {
				return err
			}
			return db.View(func(txn *badger.Txn) error { return getAll(txn, ids...) })
		}})
	}
	return out
}
