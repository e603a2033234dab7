package query

import (
	"context"
	"slices"
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/view"
)

// Named narrows a list of threat-intelligence objects by name and
// deprecation.
type Named struct {
	// Name keeps the objects named Name in either language or by any
	// alias, ignoring case.
	Name *string
	// Deprecated keeps the objects deprecated as asked.
	Deprecated *bool
}

// matches reports whether n passes the name and deprecation filters.
func (f Named) matches(n *store.Node) bool {
	if f.Deprecated != nil {
		d, _ := n.Props["deprecated"].(bool)
		if d != *f.Deprecated {
			return false
		}
	}
	if f.Name == nil {
		return true
	}
	if strings.EqualFold(n.Props.String("name_en"), *f.Name) || strings.EqualFold(n.Props.String("name_ar"), *f.Name) {
		return true
	}
	return slices.ContainsFunc(maps(n.Props["aliases"]), func(a store.Props) bool { return strings.EqualFold(a.String("text"), *f.Name) })
}

// list makes the list of typ under the name filters, keeping what also
// keeps, by English name ignoring case.
func (f Named) list(typ string, also func(n *store.Node) bool) list {
	return list{typ: typ, key: sortName, keep: func(_ context.Context, n *store.Node) (bool, error) {
		return (also == nil || also(n)) && f.matches(n), nil
	}}
}

// sortName is the key lists of named objects order by: the English name,
// ignoring case.
func sortName(n *store.Node) string { return strings.ToLower(n.Props.String("name_en")) }

// maps reads a list of objects from a record.
func maps(v any) []store.Props {
	list, _ := v.([]any)
	out := make([]store.Props, 0, len(list))
	for _, e := range list {
		m, _ := e.(map[string]any)
		out = append(out, store.Props(m))
	}
	return out
}

// ThreatActors narrows the list of threat actors.
type ThreatActors struct {
	Named
	Kind *string
	// BlamedBy keeps the actors some claim by that party blames; Uses
	// those that use that capability.
	BlamedBy, Uses *string
}

// ThreatActors answers page p of the threat actors f keeps, by name.
func (q *Q) ThreatActors(ctx context.Context, f ThreatActors, p Page) (Window[*store.Node], error) {
	if err := checkEnum("kind", "a threat actor kind", f.Kind, ontology.ThreatActorKinds); err != nil {
		return Window[*store.Node]{}, err
	}
	l := f.list(ontology.ThreatActor, kindIs(f.Kind))
	l.join("uses", f.Uses, store.In, ontology.Uses)
	if f.BlamedBy != nil {
		l.narrow = q.claimed("blamedBy", *f.BlamedBy, ontology.AttributedBy, ontology.Blames)
	}
	return q.run(ctx, l, p)
}

// Campaigns narrows the list of campaigns.
type Campaigns struct {
	Named
	// AttributedTo keeps the campaigns some claim blames on that party;
	// Uses those that use that capability.
	AttributedTo, Uses *string
	// From and To bound when a campaign was first seen; one never seen
	// is left out of a range.
	From, To string
}

// Campaigns answers page p of the campaigns f keeps, by when they were
// first seen (the undated last), then by name.
func (q *Q) Campaigns(ctx context.Context, f Campaigns, p Page) (Window[*store.Node], error) {
	l := f.list(ontology.Campaign, func(n *store.Node) bool {
		d := n.Props.String("first_seen")
		return (f.From == "" || d != "" && d >= f.From) && (f.To == "" || d != "" && d <= f.To)
	})
	l.key = func(n *store.Node) string {
		// Undated campaigns go last ("~" sorts after every digit).
		d := n.Props.String("first_seen")
		if d == "" {
			d = "~"
		}
		return d + "\x00" + sortName(n)
	}
	l.join("uses", f.Uses, store.In, ontology.Uses)
	if f.AttributedTo != nil {
		l.narrow = q.claimed("attributedTo", *f.AttributedTo, ontology.Blames, ontology.Concerns)
	}
	return q.run(ctx, l, p)
}

// Capabilities narrows a list of malware, tools or attack patterns.
type Capabilities struct {
	Named
	// UsedBy keeps what that node uses.
	UsedBy *string
	// Kind keeps the malware or tools of that kind.
	Kind *string
	// ExternalID keeps the attack patterns with that catalogue ID,
	// ignoring case.
	ExternalID *string
}

// Capabilities answers page p of the capabilities of type typ (Malware,
// Tool or AttackPattern) that f keeps, by name.
func (q *Q) Capabilities(ctx context.Context, typ string, f Capabilities, p Page) (Window[*store.Node], error) {
	l := f.list(typ, func(n *store.Node) bool {
		return (f.Kind == nil || slices.Contains(n.Props.Strings("kinds"), *f.Kind)) &&
			(f.ExternalID == nil || slices.ContainsFunc(maps(n.Props["external_ids"]), func(x store.Props) bool {
				id := x.String("external_id")
				return id != "" && strings.EqualFold(id, *f.ExternalID)
			}))
	})
	if f.UsedBy != nil {
		l.join("usedBy", f.UsedBy, store.Out, ontology.Uses)
	}
	return q.run(ctx, l, p)
}

// claimed narrows IDs to those some attribution joins: the attributions
// joined to party by partyEdge (into party), and the nodes they join by
// otherEdge (out of them). Argument arg gave party.
func (q *Q) claimed(arg, party, partyEdge, otherEdge string) func(context.Context, []string) ([]string, error) {
	return func(_ context.Context, ids []string) ([]string, error) {
		if err := checkID(arg, party); err != nil {
			return nil, err
		}
		keep := map[string]bool{}
		err := q.view(func(tx *view.Txn) error {
			claims, err := tx.Edges(party, store.In, partyEdge)
			if err != nil {
				return err
			}
			for _, c := range claims {
				if typ, _, _ := store.DecodeNodeID(c.Other); typ != ontology.Attribution {
					continue
				}
				refs, err := tx.Edges(c.Other, store.Out, otherEdge)
				if err != nil {
					return err
				}
				for _, ref := range refs {
					keep[ref.Other] = true
				}
			}
			return nil
		})
		return slices.DeleteFunc(ids, func(id string) bool { return !keep[id] }), err
	}
}
