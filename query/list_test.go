package query

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
	"github.com/attrib/attrib/view"
)

// ids lists the IDs of a page.
func ids(w Window[*store.Node]) []string {
	out := make([]string, len(w.Items))
	for i, n := range w.Items {
		out[i] = n.ID
	}
	return out
}

// pageThrough collects a whole list by following its cursors, pages of
// size first.
func pageThrough(t *testing.T, first int, ask func(Page) (Window[*store.Node], error)) []string {
	t.Helper()
	var out []string
	p := Page{First: first, Count: true}
	for range 1000 {
		w, err := ask(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ids(w)...)
		if w.HasPrev != (p.After != "") {
			t.Fatalf("page after %q says hasPrev %v", p.After, w.HasPrev)
		}
		if !w.HasNext {
			return out
		}
		p.After = Cursor(w.Start + len(w.Items) - 1)
	}
	t.Fatal("the list never ends")
	return nil
}

// A local caller, with no GraphQL and no loaders, pages through the
// claims in date order; the walk of the date index and the plain read of
// every record agree, page by page, in both orders.
func TestListsPageTheSameByIndexAndByRecord(t *testing.T) {
	ctx := context.Background()
	rd := view.New(seedtest.Store(t), view.Everything())
	indexed, brute := New(rd), &Q{Reader: rd, BruteForce: true}
	desc := DateDesc
	for _, f := range []Attributions{{}, {Dated: Dated{Sort: &desc}}, {Blamed: &iran}, {Dated: Dated{From: "2022-01-01", To: "2023-12-31"}}} {
		whole, err := brute.Attributions(ctx, f, Page{First: MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(whole.Items) < 3 || whole.HasNext {
			t.Fatalf("%+v: %d claims (more: %v); the seed has more than two and fewer than a page", f, len(whole.Items), whole.HasNext)
		}
		dates := make([]string, len(whole.Items))
		for i, n := range whole.Items {
			dates[i] = n.Props.String("date")
		}
		if f.Sort != nil {
			slices.Reverse(dates)
		}
		if !slices.IsSorted(dates) {
			t.Errorf("%+v: dates %v out of order", f, dates)
		}
		for _, q := range []*Q{indexed, brute} {
			for _, first := range []int{1, 2} {
				got := pageThrough(t, first, func(p Page) (Window[*store.Node], error) { return q.Attributions(ctx, f, p) })
				if !slices.Equal(got, ids(whole)) {
					t.Errorf("%+v, brute force %v, pages of %d: paged %v, want %v", f, q.BruteForce, first, got, ids(whole))
				}
			}
		}
	}
}

// The index counts the whole list only when the total is asked for; the
// pages are the same either way.
func TestTotalIsCountedWhenAsked(t *testing.T) {
	ctx := context.Background()
	q := New(view.New(seedtest.Synthetic(t, synthetic.Options{Seed: 5, Incidents: 20}), view.Everything()))
	counted, err := q.Attributions(ctx, Attributions{}, Page{First: 1, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	all, err := q.Attributions(ctx, Attributions{}, Page{First: MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if counted.Total != len(all.Items) || len(all.Items) < 10 {
		t.Fatalf("total %d, want %d (at least ten)", counted.Total, len(all.Items))
	}
	uncounted, err := q.Attributions(ctx, Attributions{}, Page{First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if uncounted.Total >= counted.Total {
		t.Errorf("not asked to count, the walk still counted %d of %d", uncounted.Total, counted.Total)
	}
	if !slices.Equal(ids(uncounted), ids(counted)) || !uncounted.HasNext {
		t.Errorf("page %v (more: %v), want %v with more", ids(uncounted), uncounted.HasNext, ids(counted))
	}
}

func TestPageArguments(t *testing.T) {
	for _, c := range []struct {
		p   Page
		arg string
	}{{Page{First: MaxPageSize + 1}, "first"}, {Page{First: -1}, "first"}, {Page{First: 1, After: "offset:3"}, "after"}} {
		var ae *ArgError
		if _, err := c.p.Offset(); !errors.As(err, &ae) || ae.Arg != c.arg {
			t.Errorf("%+v: err %v, want an argument error on %s", c.p, err, c.arg)
		}
	}
	w, err := Paginate([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Page{First: 3, After: Cursor(7)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(w.Items, []int{8, 9}) || w.Start != 8 || w.Total != 10 || w.HasNext || !w.HasPrev {
		t.Errorf("page after 7: %+v, want items 8 and 9 of 10, a previous page and no next", w)
	}
	if p := FirstPage(nil, nil); p.First != DefaultFirst || p.After != "" {
		t.Errorf("no arguments: %+v, want the first %d", p, DefaultFirst)
	}
}

// An argument that is not a node ID is the caller's to fix, and says
// which argument it was.
func TestBadIDNamesItsArgument(t *testing.T) {
	q := New(view.New(seedtest.Store(t), view.Everything()))
	bad := "not an id"
	_, err := q.Attributions(context.Background(), Attributions{Blamed: &bad}, FirstPage(nil, nil))
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Arg != "blamed" {
		t.Errorf("err %v, want an argument error on blamed", err)
	}
}

// countingLoader counts the records a question reads.
type countingLoader struct {
	q    *Q
	read int
}

func (c *countingLoader) Nodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	c.read += len(ids)
	return (&Q{Reader: c.q.Reader}).nodes(ctx, ids)
}

func (c *countingLoader) UncitedNodes(ctx context.Context, ids []string) ([]*store.Node, error) {
	c.read += len(ids)
	return (&Q{Reader: c.q.Reader}).read(ids, (*view.Txn).NodeUncited)
}

// Lists whose records decide what they keep (a kind, a confidence, a
// language, who is blamed) walk the date index only as far as the page
// needs, and page exactly as reading every record does, in both orders,
// for a reader who sees everything and one who sees less, whether or not
// the caller shows citations.
func TestFilteredListsWalkTheIndexAsFarAsThePage(t *testing.T) {
	ctx := context.Background()
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 5, Incidents: 150})
	sixty, ar, sanction, cyber := 60, "ar", "SANCTION", "CYBERATTACK"
	desc := DateDesc
	type ask func(q *Q, p Page) (Window[*store.Node], error)
	asks := map[string]ask{
		"attributions minConfidence": func(q *Q, p Page) (Window[*store.Node], error) {
			return q.Attributions(ctx, Attributions{MinConfidence: &sixty}, p)
		},
		"attributions minConfidence newest first, by attributor": func(q *Q, p Page) (Window[*store.Node], error) {
			gb := synthetic.StateID("GB")
			return q.Attributions(ctx, Attributions{Attributor: &gb, MinConfidence: &sixty, Dated: Dated{Sort: &desc}}, p)
		},
		"attributions in Arabic sources": func(q *Q, p Page) (Window[*store.Node], error) {
			return q.Attributions(ctx, Attributions{Dated: Dated{Lang: &ar}}, p)
		},
		"responses of a kind": func(q *Q, p Page) (Window[*store.Node], error) {
			return q.Responses(ctx, Responses{Kind: &sanction}, p)
		},
		"incidents of a kind between dates": func(q *Q, p Page) (Window[*store.Node], error) {
			return q.Incidents(ctx, Incidents{Kind: &cyber, Dated: Dated{From: "2021-03-01", To: "2023-06-30"}}, p)
		},
		"incidents blamed on Iran": func(q *Q, p Page) (Window[*store.Node], error) {
			ir := synthetic.StateID("IR")
			return q.Incidents(ctx, Incidents{Actor: &ir}, p)
		},
	}
	long := 0 // lists long enough for the walk to read less
	for _, sc := range []view.Scope{view.Everything(), {Clearance: "GREEN"}} {
		rd := view.New(s, sc)
		for name, a := range asks {
			brute := &Q{Reader: rd, BruteForce: true}
			whole, err := a(brute, Page{First: 0, Count: true})
			if err != nil {
				t.Fatal(err)
			}
			all := pageThrough(t, MaxPageSize, func(p Page) (Window[*store.Node], error) { return a(brute, p) })
			if len(all) != whole.Total || len(all) < 5 {
				t.Fatalf("%s: %d items, total %d; want a list of at least five", name, len(all), whole.Total)
			}
			counted := &countingLoader{q: New(rd)}
			if _, err := a(&Q{Reader: rd, Loader: counted, BruteForce: true}, Page{First: 1}); err != nil {
				t.Fatal(err)
			}
			if counted.read > 256 {
				long++
			}
			for _, first := range []int{1, 7, MaxPageSize} {
				var got []string
				p := Page{First: first}
				for range 1000 {
					loader := &countingLoader{q: New(rd)}
					// Short pages are read as for a caller that shows no
					// citations: the filter on the sources' language must
					// still read them.
					w, err := a(&Q{Reader: rd, Loader: loader, Uncited: first < MaxPageSize}, p)
					if err != nil {
						t.Fatal(err)
					}
					if w.HasPrev != (p.After != "") {
						t.Fatalf("%s, pages of %d: the page after %q says hasPrev %v", name, first, p.After, w.HasPrev)
					}
					// The walk's first chunk is 64 entries; the lists are
					// several times longer.
					if p.After == "" && first == 1 && counted.read > 256 && 4*loader.read > counted.read {
						t.Errorf("%s: the first page of one read %d records; reading the list whole reads %d", name, loader.read, counted.read)
					}
					got = append(got, ids(w)...)
					if !w.HasNext {
						break
					}
					p.After = Cursor(w.Start + len(w.Items) - 1)
				}
				if !slices.Equal(got, all) {
					t.Errorf("%s as %+v, pages of %d: paged %d items %.5v…, reading every record gives %d %.5v…", name, sc, first, len(got), got, len(all), all)
				}
			}
		}
	}
	if long < 6 {
		t.Errorf("only %d lists were long enough to show that a page reads less than the list", long)
	}
}
