package ontology

import (
	"fmt"
	"slices"
	"time"

	"github.com/attrib/attrib/store"
)

// ValidateNode checks a node's type, its enumerated properties and its
// dates, and that it has a citation. Errors name the node and the property.
func ValidateNode(n *store.Node) error {
	if !slices.Contains(NodeTypes, n.Type) {
		return fmt.Errorf("node %s: unknown type %q (one of %v)", n.ID, n.Type, NodeTypes)
	}
	if len(n.Citations) == 0 && !Unsourced(n.Type) {
		return fmt.Errorf("%s %s: has no citation; every fact needs one", n.Type, n.ID)
	}
	for prop, allowed := range Enums[n.Type] {
		v, present := n.Props[prop]
		if !present || v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok || !slices.Contains(allowed, s) {
			return fmt.Errorf("%s %s: %s is %v, not one of %v", n.Type, n.ID, prop, v, allowed)
		}
	}
	for _, prop := range []string{"date", "published", "first_seen", "last_seen"} {
		if v, ok := n.Props[prop]; ok && v != nil {
			if err := ValidDate(v); err != nil {
				return fmt.Errorf("%s %s: %s: %w", n.Type, n.ID, prop, err)
			}
		}
	}
	if slices.Contains(Dated, n.Type) {
		if _, ok := n.Props["date"]; !ok {
			return fmt.Errorf("%s %s: date is missing", n.Type, n.ID)
		}
		if p := n.Props.String("date_precision"); !slices.Contains(DatePrecisions, p) {
			return fmt.Errorf("%s %s: date_precision is %q, not one of %v", n.Type, n.ID, p, DatePrecisions)
		}
	}
	if n.Type == Attribution {
		if inv, ok := n.Props["involvement"].([]any); ok {
			for _, v := range inv {
				if s, _ := v.(string); !slices.Contains(Involvements, s) {
					return fmt.Errorf("Attribution %s: involvement %v is not one of %v", n.ID, v, Involvements)
				}
			}
		}
		if n.Props.String("band") == "" {
			return fmt.Errorf("Attribution %s: band is missing (UNSTATED when the words state no certainty)", n.ID)
		}
	}
	if n.Type == Stance {
		if n.Props.String("kind") == "" {
			return fmt.Errorf("Stance %s: kind is missing (one of %v)", n.ID, StanceKinds)
		}
		if n.Props.String("band") == "" {
			return fmt.Errorf("Stance %s: band is missing (UNSTATED when the words state no certainty)", n.ID)
		}
	}
	for i, c := range n.Citations {
		if c.Role != "" && !slices.Contains(CitationRoles, c.Role) {
			return fmt.Errorf("%s %s: citation %d: role %q is not one of %v", n.Type, n.ID, i+1, c.Role, CitationRoles)
		}
	}
	if slices.Contains(CTITypes, n.Type) {
		if n.Props.String("name_en") == "" {
			return fmt.Errorf("%s %s: name_en is missing", n.Type, n.ID)
		}
		first, last := n.Props.String("first_seen"), n.Props.String("last_seen")
		if first != "" && last != "" && last < first {
			return fmt.Errorf("%s %s: last_seen %s is before first_seen %s", n.Type, n.ID, last, first)
		}
	}
	if n.Type == State {
		if c := n.Props.String("code"); len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
			return fmt.Errorf("State %s: code %q is not an ISO 3166-1 alpha-2 code", n.ID, c)
		}
	}
	return nil
}

// ValidDate reports whether v is a real calendar date written YYYY-MM-DD.
func ValidDate(v any) error {
	s, ok := v.(string)
	if !ok {
		return &ValueError{Msg: fmt.Sprintf("%v is not a date string (YYYY-MM-DD)", v)}
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return &ValueError{Msg: fmt.Sprintf("%q is not a real date (YYYY-MM-DD)", s)}
	}
	return nil
}

// ValueError is a value that breaks a rule of the ontology: the caller's
// mistake, which the message explains.
type ValueError struct{ Msg string }

func (e *ValueError) Error() string { return e.Msg }

// ValidateEdge checks an edge's type against the types of its endpoints.
func ValidateEdge(e *store.Edge, fromType, toType string) error {
	rule, ok := EdgeRules[e.Type]
	if !ok {
		return fmt.Errorf("edge %s: unknown type %q", e.ID, e.Type)
	}
	if !rule.Allows(fromType, toType) {
		return fmt.Errorf("edge %s: %s cannot join %s to %s", e.ID, e.Type, fromType, toType)
	}
	if len(e.Citations) == 0 && !Unsourced(fromType) {
		return fmt.Errorf("edge %s %s: has no citation; every fact needs one", e.Type, e.ID)
	}
	for i, c := range e.Citations {
		if c.Role != "" && !slices.Contains(CitationRoles, c.Role) {
			return fmt.Errorf("edge %s %s: citation %d: role %q is not one of %v", e.Type, e.ID, i+1, c.Role, CitationRoles)
		}
	}
	return nil
}
