package graph

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// churn makes random changes to a generated graph, straight through the
// store as every writer does: claims and incidents marked, retracted,
// redated; links retracted and marked. The indexes must follow each.
func churn(t *testing.T, s *store.Store, rng *rand.Rand, n int) {
	t.Helper()
	markings := []string{"", "GREEN", "AMBER", "RED"}
	var nodes, edges []string
	err := s.View(func(tx *store.Txn) error {
		for _, typ := range []string{ontology.Attribution, ontology.Incident, ontology.Response} {
			ids, err := tx.NodeIDsByType(typ)
			if err != nil {
				return err
			}
			nodes = append(nodes, ids...)
			for _, id := range ids {
				refs, err := tx.Edges(id, store.Out, "")
				if err != nil {
					return err
				}
				for _, r := range refs {
					edges = append(edges, r.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		err := s.Update(func(tx *store.Txn) error {
			if rng.IntN(3) == 0 {
				e, err := tx.Edge(edges[rng.IntN(len(edges))])
				if err != nil {
					return err
				}
				if rng.IntN(2) == 0 {
					e.Retraction = &store.Retraction{By: "test", At: "2026-01-01T00:00:00Z", Reason: "churn"}
				} else {
					e.Marking = markings[rng.IntN(len(markings))]
				}
				_, err = tx.PutEdge(e)
				return err
			}
			nd, err := tx.Node(nodes[rng.IntN(len(nodes))])
			if err != nil {
				return err
			}
			switch rng.IntN(3) {
			case 0:
				nd.Marking = markings[rng.IntN(len(markings))]
			case 1:
				if nd.Retraction == nil {
					nd.Retraction = &store.Retraction{By: "test", At: "2026-01-01T00:00:00Z", Reason: "churn"}
				} else {
					nd.Retraction = nil
				}
			default:
				// Same dates are common: ties must order as the records do.
				nd.Props["date"] = fmt.Sprintf("2022-0%d-1%d", 1+rng.IntN(9), rng.IntN(10))
			}
			_, err = tx.PutNode(nd)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// pages asks q page by page (first 37, so pages end mid-date) and returns
// every answer, concatenated.
func pages(t *testing.T, h http.Handler, role auth.Role, q string) string {
	t.Helper()
	var all strings.Builder
	after := ""
	for range 200 {
		query := strings.Replace(q, "AFTER", after, 1)
		r := gqltest.Serve(t, h, gqltest.Request{Query: query,
			Context: auth.WithPrincipal(t.Context(), auth.Principal{Name: "t", Role: role})})
		all.WriteString(r.Body)
		var out struct {
			Data map[string]struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil || strings.Contains(r.Body, `"errors"`) {
			t.Fatalf("%s: %s", query, r.Body)
		}
		for _, c := range out.Data {
			if !c.PageInfo.HasNextPage || c.PageInfo.EndCursor == nil {
				return all.String()
			}
			after = fmt.Sprintf(`, after: %q`, *c.PageInfo.EndCursor)
		}
	}
	t.Fatalf("%s: more than 200 pages", q)
	return ""
}

// Lists walked through the date indexes give, page by page and with their
// totalCount, exactly what reading and sorting every record gives, for
// every reader, after random marking, retraction and date changes.
func TestDateIndexedListsEqualABruteForceScan(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 5, Incidents: 200})
	rng := rand.New(rand.NewPCG(5, 5))
	churn(t, s, rng, 400)

	indexed := NewHandler(s, DefaultLimits, nil)
	brute := NewHandler(s, DefaultLimits, nil, func(r *Resolver) { r.noDateIndex = true })
	var queries []string
	for _, filter := range []string{"", `, sort: DATE_DESC`, `, from: "2022-03-01", to: "2022-06-30"`, `, asOf: "2022-05-15", sort: DATE_DESC`} {
		queries = append(queries,
			`{ attributions(first: 37`+filter+`AFTER) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id date { date } } } } }`,
			`{ incidents(first: 37`+filter+`AFTER) { totalCount pageInfo { hasNextPage hasPreviousPage } edges { cursor node { id date { date } } } } }`)
		for _, code := range []string{"GB", "US", "IR"} {
			queries = append(queries,
				`{ attributions(first: 37, attributor: "`+synthetic.StateID(code)+`"`+filter+`AFTER) { totalCount pageInfo { hasNextPage } edges { cursor node { id } } } }`,
				`{ attributions(first: 37, blamed: "`+synthetic.StateID(code)+`"`+filter+`AFTER) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
				`{ incidents(first: 37, target: "`+synthetic.StateID(code)+`"`+filter+`AFTER) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`)
		}
		queries = append(queries, `{ attributions(first: 37, incident: "`+synthetic.IncidentID(7)+`"`+filter+`AFTER) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`)
	}
	// Without totalCount the walk stops at the page's end.
	queries = append(queries, `{ incidents(first: 37AFTER) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`)
	nonEmpty := 0
	for _, role := range []auth.Role{auth.Anonymous, auth.Reader, auth.Admin} {
		for _, q := range queries {
			for _, retracted := range []string{"", "query @withRetracted "} {
				got, want := pages(t, indexed, role, retracted+q), pages(t, brute, role, retracted+q)
				if got != want {
					t.Fatalf("as %s, %s%s:\nindexed: %.600s\nrecords: %.600s", role, retracted, q, got, want)
				}
				if strings.Count(want, `"id"`) > 5 {
					nonEmpty++
				}
			}
		}
	}
	if nonEmpty < len(queries) {
		t.Fatalf("only %d of %d answers list more than a few items: the comparison shows little", nonEmpty, 3*2*len(queries))
	}
}
