package graph

import (
	"context"
	"slices"

	"github.com/attrib/attrib/graph/model"
	"github.com/attrib/attrib/graphalgo"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// listFilter holds the filters every dated connection shares.
type listFilter struct {
	from, to, asOf *model.Date
	lang           *string
	sort           *model.SortOrder
}

// keepDate reports whether d lies in [from, to] and on or before asOf:
// the item's own date decides, not when it was recorded.
func (f listFilter) keepDate(d *model.DateInfo) bool {
	if d == nil {
		return f.from == nil && f.to == nil && f.asOf == nil
	}
	return inRange(d, f.from, f.to) && (f.asOf == nil || d.Date <= *f.asOf)
}

// langs answers "is this node cited in a document of language l?", loading
// each document once.
type langs struct {
	r     *Resolver
	known map[string]string
}

func (r *Resolver) langs() *langs { return &langs{r: r, known: map[string]string{}} }

// cites reports whether any citation lies in a document of language lang
// (nil lang: yes).
func (l *langs) cites(ctx context.Context, cs []*model.Citation, lang *string) (bool, error) {
	if lang == nil {
		return true, nil
	}
	for _, c := range cs {
		dl, ok := l.known[c.DocumentID]
		if !ok {
			n, err := l.r.node(ctx, c.DocumentID)
			if err != nil {
				return false, err
			}
			if d, isDoc := n.(*model.Document); isDoc {
				dl = d.Language
			}
			l.known[c.DocumentID] = dl
		}
		if dl == *lang {
			return true, nil
		}
	}
	return false, nil
}

// order applies a sort order to items already sorted by date then ID.
// allowed lists the orders this connection knows besides DATE_ASC and
// DATE_DESC; byOther sorts by one of them.
func order[T any](items []T, sort *model.SortOrder, allowed []model.SortOrder, byOther func(model.SortOrder)) error {
	if sort == nil || *sort == model.SortOrderDateAsc {
		return nil
	}
	if *sort == model.SortOrderDateDesc {
		slices.Reverse(items)
		return nil
	}
	if !slices.Contains(allowed, *sort) {
		return errInvalid("sort", "%s does not apply here; use DATE_ASC or DATE_DESC%s", *sort, alsoAllowed(allowed))
	}
	byOther(*sort)
	return nil
}

func alsoAllowed(a []model.SortOrder) string {
	s := ""
	for _, o := range a {
		s += ", " + string(o)
	}
	return s
}

// incidentsClaimed keeps the incidents that some claim dated by asOf blames
// on actor (when given) with at least minConfidence (when given).
func (r *Resolver) incidentsClaimed(ctx context.Context, ids []string, actor *string, minConfidence *int, asOf string) ([]string, error) {
	if actor != nil {
		if _, _, err := store.DecodeNodeID(*actor); err != nil {
			return nil, errInvalid("actor", "%v", err)
		}
	}
	var out []string
	err := r.reader(ctx).View(func(tx *view.Txn) error {
		for _, id := range ids {
			s, err := graphalgo.Summarize(tx, id, asOf)
			if err != nil {
				return err
			}
			if slices.ContainsFunc(s.Claims, func(c graphalgo.Claim) bool {
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
