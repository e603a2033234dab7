// Package bench measures attrib against its floors: what Badger needs at
// minimum for each query's reads, what a bare gqlgen request costs, and what
// gqlgen spends per output field. The testing.B benchmarks in this package
// run only with -bench; cmd/attrib-load runs the whole comparison over
// loopback HTTP and prints the tables of docs/performance.md.
package bench

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// Case is one benchmarked GraphQL request and its raw-read floor. Search
// cases are in SearchCases; the export, import and mutation, which are not
// one read-only GraphQL request each, are MeasureExport, MeasureImport and
// MeasureMutation.
type Case struct {
	Name  string
	Query string
	Vars  map[string]any
	// Raw does directly on Badger the reads the query needs at minimum: the
	// same keys the store reads, values read but not decoded. Floor (a).
	Raw func(db *badger.DB) error
}

// Fixture names the nodes the cases ask about. They are chosen by shape,
// not by size, so the same incident serves at every corpus size.
type Fixture struct {
	Incident    string // an incident with at least 4 attributions and 4 responses
	Attribution string // its first attribution, asked for by node(id)
	Document    string // the document the attribution cites
	Attributor  string // a hub state, whose attributions are paged
}

// firstIncident is where the search for the fixture incident starts: every
// corpus of 1k or more has it, and generated incidents do not depend on the
// corpus size.
const firstIncident = 500

// Pick chooses the fixture in a generated corpus.
func Pick(s *store.Store) (Fixture, error) {
	var f Fixture
	err := s.View(func(tx *store.Txn) error {
		start := firstIncident
		if _, err := tx.Node(synthetic.IncidentID(start)); err != nil {
			start = 1
		}
		for i := start; ; i++ {
			id := synthetic.IncidentID(i)
			if _, err := tx.Node(id); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("bench: no incident with 4 attributions and 4 responses from %d on; is this a corpus from attrib gen?", start)
				}
				return err
			}
			atts, err := tx.Edges(id, store.In, ontology.Concerns)
			if err != nil {
				return err
			}
			resps, err := tx.Edges(id, store.In, ontology.Answers)
			if err != nil {
				return err
			}
			if len(atts) < 4 || len(resps) < 4 {
				continue
			}
			a, err := tx.Node(synthetic.AttributionID(i, 1))
			if err != nil {
				return err
			}
			f = Fixture{Incident: id, Attribution: a.ID, Document: a.Citations[0].Document, Attributor: synthetic.StateID("GB")}
			return nil
		}
	})
	return f, err
}

// PageSize is the page of the dataloader-batching case.
const PageSize = 100

// Queries of the cases.
const (
	TypenameQuery = `{ __typename }`
	NodeQuery     = `query Node($id: ID!) { node(id: $id) { id ... on Attribution { band confidence date { date } citations { exact prefix suffix start end translation { text } document { id title } } } } }`
	TwoHopQuery   = `query TwoHop($id: ID!) { node(id: $id) { id ... on Incident { name date { date } attributions { id band confidence date { date } attributor { id code name } } responses { id kind date { date } actor { id code name } } } } }`
	PageQuery     = `query Page($attributor: ID!) { attributions(first: 100, attributor: $attributor) { totalCount edges { node { id band date { date } attributor { id code name } } } } }`
	// IncidentsQuery is the first page of incidents by date, as an analyst
	// scrolls them.
	IncidentsQuery = `query Incidents { incidents(first: 100) { edges { node { id name kind date { date } targets { ... on State { code } ... on Organization { name } } } } } }`
)

// Heavy names the cases that read a page of many records: their memory at
// Conns connections is measured too.
var Heavy = map[string]bool{"page100": true, "incidents100": true}

// Cases returns the benchmarked requests about f. The first is the bare
// request, floor (b) of every other.
func Cases(f Fixture) []Case {
	return []Case{
		{Name: "typename", Query: TypenameQuery, Raw: func(*badger.DB) error { return nil }},
		{Name: "node", Query: NodeQuery, Vars: map[string]any{"id": f.Attribution}, Raw: func(db *badger.DB) error {
			return db.View(func(txn *badger.Txn) error {
				return getAll(txn, f.Attribution, f.Document)
			})
		}},
		{Name: "twohop", Query: TwoHopQuery, Vars: map[string]any{"id": f.Incident}, Raw: func(db *badger.DB) error {
			return db.View(func(txn *badger.Txn) error { return rawTwoHop(txn, f.Incident) })
		}},
		{Name: "page100", Query: PageQuery, Vars: map[string]any{"attributor": f.Attributor}, Raw: func(db *badger.DB) error {
			return db.View(func(txn *badger.Txn) error { return rawPage(txn, f.Attributor) })
		}},
		{Name: "incidents100", Query: IncidentsQuery, Raw: func(db *badger.DB) error {
			return db.View(rawIncidents)
		}},
	}
}

// rawIncidents: the first PageSize incidents of the date index (keys
// only), each record, and each one's targets (out-index scan) read once.
// It is what an index walk in date order reads at least.
func rawIncidents(txn *badger.Txn) error {
	var ids []string
	err := walkIndex(txn, rawKey(tableDate, ontology.Incident), 2, PageSize, &ids, false)
	if err != nil {
		return err
	}
	if err := getAll(txn, ids...); err != nil {
		return err
	}
	return readLinkedOnce(txn, ids, ontology.Targeted)
}

// walkIndex reads the first limit entries under prefix in order, keeping
// part part of each key in ids; with values it reads each one's value too
// (the visibility a scoped walk decides by).
func walkIndex(txn *badger.Txn, prefix []byte, part, limit int, ids *[]string, values bool) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix) && len(*ids) < limit; it.Next() {
		if values {
			if err := it.Item().Value(func(v []byte) error {
				if len(v) < 2 {
					return fmt.Errorf("raw walk: index entry without visibility")
				}
				return nil
			}); err != nil {
				return err
			}
		}
		id, err := keyPart(it.Item().Key(), part)
		if err != nil {
			return err
		}
		*ids = append(*ids, id)
	}
	return nil
}

// readCounts reads the counts the store keeps of list (an index key
// prefix), one per visibility: what a totalCount reads at least.
func readCounts(txn *badger.Txn, list []byte) error {
	prefix := rawKey(tableCount, string(list))
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	n := 0
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		if err := it.Item().Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("raw count: %d bytes", len(v))
			}
			return nil
		}); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("raw count: no counts for list %q", list)
	}
	return nil
}

// readLinkedOnce scans the out-edges of edgeType of each of ids and reads
// each node they reach once.
func readLinkedOnce(txn *badger.Txn, ids []string, edgeType string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		others, err := scan(txn, rawKey(tableOut, id, edgeType), 2)
		if err != nil {
			return err
		}
		for _, o := range others {
			if !seen[o] {
				seen[o] = true
				if err := getAll(txn, o); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// rawTwoHop: the incident; its attributions (in-index scan, each record)
// and each one's attributor (out-index scan, each distinct state); its
// responses and each one's actor likewise.
func rawTwoHop(txn *badger.Txn, incident string) error {
	if err := getAll(txn, incident); err != nil {
		return err
	}
	states := map[string]bool{}
	for _, hop := range [][2]string{{ontology.Concerns, ontology.AttributedBy}, {ontology.Answers, ontology.RespondedBy}} {
		claims, err := scan(txn, rawKey(tableIn, incident, hop[0]), 2)
		if err != nil {
			return err
		}
		for _, c := range claims {
			if err := getAll(txn, c); err != nil {
				return err
			}
			who, err := scan(txn, rawKey(tableOut, c, hop[1]), 2)
			if err != nil {
				return err
			}
			for _, s := range who {
				if !states[s] {
					states[s] = true
					if err := getAll(txn, s); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// rawPage: what walking the attributor's claims by date reads at least:
// the first PageSize entries of its date-ordered index (their values say
// what a reader may see), the list's counts (the page's totalCount adds
// them up), those claims' records, and for each its attributor (out-index
// scan), that state read once.
func rawPage(txn *badger.Txn, attributor string) error {
	var page []string
	list := rawKey(tableDated, attributor, ontology.AttributedBy)
	if err := walkIndex(txn, list, 3, PageSize, &page, true); err != nil {
		return err
	}
	if err := readCounts(txn, list); err != nil {
		return err
	}
	if err := getAll(txn, page...); err != nil {
		return err
	}
	return readLinkedOnce(txn, page, ontology.AttributedBy)
}

// getAll reads the value of each node; the bytes are touched, not decoded.
func getAll(txn *badger.Txn, ids ...string) error {
	for _, id := range ids {
		item, err := txn.Get(rawKey(tableNode, id))
		if err != nil {
			return fmt.Errorf("raw get %s: %w", id, err)
		}
		if err := item.Value(func(v []byte) error {
			if len(v) == 0 {
				return fmt.Errorf("raw get %s: empty value", id)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// scan returns part i of every key under prefix, keys only, as the store's
// adjacency scans do.
func scan(txn *badger.Txn, prefix []byte, part int) ([]string, error) {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := txn.NewIterator(opts)
	defer it.Close()
	var out []string
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		p, err := keyPart(it.Item().Key(), part)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
