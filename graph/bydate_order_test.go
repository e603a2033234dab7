package graph

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/attrib/attrib/internal/gqltest"
	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// Paging a state's attributions reads only their dates; the pages must
// still be the claims in (date, ID) order, every one exactly once.
func TestAttributionPagesFollowDateOrder(t *testing.T) {
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 1, Incidents: 300})
	gb := synthetic.StateID("GB")
	type claim struct{ id, date string }
	var want []claim
	err := s.View(func(tx *store.Txn) error {
		refs, err := tx.Edges(gb, store.In, ontology.AttributedBy)
		for _, ref := range refs {
			n, err := tx.Node(ref.Other)
			if err != nil {
				return err
			}
			want = append(want, claim{n.ID, n.Props.String("date")})
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].date != want[j].date {
			return want[i].date < want[j].date
		}
		return want[i].id < want[j].id
	})
	if len(want) < 25 {
		t.Fatalf("GB made only %d claims; the test needs more than two pages", len(want))
	}
	h := NewHandler(s, DefaultLimits, nil)
	var got []string
	after := ""
	for page := 0; ; page++ {
		r := gqltest.Serve(t, h, gqltest.Request{
			Query:     `query($a: ID!, $after: String) { attributions(first: 10, after: $after, attributor: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id date { date } } } } }`,
			Variables: map[string]any{"a": gb, "after": after},
		})
		var ans struct {
			Data struct {
				Attributions struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   string
					}
					Edges []struct{ Node struct{ ID string } }
				}
			}
			Errors []any
		}
		if err := json.Unmarshal([]byte(r.Body), &ans); err != nil || len(ans.Errors) > 0 {
			t.Fatalf("page %d: %v %s", page, err, r.Body)
		}
		a := ans.Data.Attributions
		if a.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", a.TotalCount, len(want))
		}
		for _, e := range a.Edges {
			got = append(got, e.Node.ID)
		}
		if !a.PageInfo.HasNextPage {
			break
		}
		after = a.PageInfo.EndCursor
	}
	if len(got) != len(want) {
		t.Fatalf("pages held %d claims, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i].id {
			t.Fatalf("claim %d is %s, want %s (date %s)", i, got[i], want[i].id, want[i].date)
		}
	}
}
