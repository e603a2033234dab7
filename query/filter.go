package query

import (
	"context"
	"slices"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Order is the order a list is asked for in.
type Order string

// The orders a list may be asked for in; each list says which apply.
const (
	DateAsc        Order = "DATE_ASC"
	DateDesc       Order = "DATE_DESC"
	ConfidenceAsc  Order = "CONFIDENCE_ASC"
	ConfidenceDesc Order = "CONFIDENCE_DESC"
	NameAsc        Order = "NAME_ASC"
)

// Dated holds the filters every list of dated claims, acts and events
// shares.
type Dated struct {
	// From and To keep the items dated in [From, To]; AsOf those dated on
	// or before AsOf: the item's own date decides, not when it was
	// recorded. "" for open.
	From, To, AsOf string
	// Lang keeps the items cited in a document of that language.
	Lang *string
	Sort *Order
}

// keepDate reports whether n's own date passes the date filters.
func (f Dated) keepDate(n *store.Node) bool {
	d := n.Props.String("date")
	return (f.From == "" || d >= f.From) && (f.To == "" || d <= f.To) && (f.AsOf == "" || d <= f.AsOf)
}

// bounds are the date index's bounds for the filters: an item is kept
// when its date lies in [From, To] and on or before AsOf.
func (f Dated) bounds() *bounds {
	b := &bounds{from: f.From, to: f.To}
	if f.AsOf != "" && (b.to == "" || f.AsOf < b.to) {
		b.to = f.AsOf
	}
	return b
}

// byDate is the key of a dated list: the item's own date.
func byDate(n *store.Node) string { return n.Props.String("date") }

// dated makes the list of typ under the shared filters, keeping the items
// that pass also (nil for none) and the shared filters. indexable says
// whether also is empty, so that the date index may answer.
func (q *Q) dated(typ string, f Dated, also func(*store.Node) bool, indexable bool) list {
	cites := q.citesIn(f.Lang)
	l := list{typ: typ, key: byDate, sort: f.Sort,
		keep: func(ctx context.Context, n *store.Node) (bool, error) {
			if also != nil && !also(n) || !f.keepDate(n) {
				return false, nil
			}
			return cites(ctx, n.Citations)
		},
		readsCitations: f.Lang != nil}
	if indexable && f.Lang == nil {
		l.dated = f.bounds()
	} else {
		l.walk = f.bounds()
	}
	return l
}

// citesIn answers "does a citation lie in a document of language lang?"
// (always yes when lang is nil), loading each document once.
func (q *Q) citesIn(lang *string) func(ctx context.Context, cs []store.Citation) (bool, error) {
	known := map[string]string{}
	return func(ctx context.Context, cs []store.Citation) (bool, error) {
		if lang == nil {
			return true, nil
		}
		for _, c := range cs {
			dl, ok := known[c.Document]
			if !ok {
				ns, err := q.nodes(ctx, []string{c.Document})
				if err != nil {
					return false, err
				}
				if len(ns) == 1 && ns[0].Type == ontology.Document {
					dl = ns[0].Props.String("language")
				}
				known[c.Document] = dl
			}
			if dl == *lang {
				return true, nil
			}
		}
		return false, nil
	}
}

// checkEnum checks an optional kind against the kinds a type knows.
func checkEnum(arg, what string, v *string, allowed []string) error {
	if v != nil && !slices.Contains(allowed, *v) {
		return invalid(arg, "%q is not %s (one of %v)", *v, what, allowed)
	}
	return nil
}

// claimedAgainst narrows incident IDs to those that some claim dated by
// asOf blames on actor (when given) with at least minConfidence (when
// given).
func (q *Q) claimedAgainst(actor *string, minConfidence *int, asOf string) func(context.Context, []string) ([]string, error) {
	return func(_ context.Context, ids []string) ([]string, error) {
		if actor != nil {
			if err := checkID("actor", *actor); err != nil {
				return nil, err
			}
		}
		var out []string
		err := q.view(func(tx *view.Txn) error {
			for _, id := range ids {
				s, err := Summarize(tx, id, asOf)
				if err != nil {
					return err
				}
				if slices.ContainsFunc(s.Claims, func(c Claim) bool {
					return (actor == nil || slices.Contains(c.Blamed, *actor)) &&
						(minConfidence == nil || c.Confidence != nil && *c.Confidence >= *minConfidence)
				}) {
					out = append(out, id)
				}
			}
			return nil
		})
		return out, err
	}
}
