package edit

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// linkField is an input field of a mutation that names other nodes, and
// the link it makes from the fact to each.
type linkField struct {
	mutation, field, edge string
}

// linkFields lists every input field that names other nodes, so that a
// node of the wrong type is refused with the fields it would fit. The
// plans of facts.go make these links; TestTypeMismatchNamesWhatFits walks
// every entry.
var linkFields = []linkField{
	{"upsertOrganization", "input.partOf", ontology.PartOf},
	{"upsertOrganization", "input.locatedIn", ontology.LocatedIn},
	{"upsertPerson", "input.memberOf", ontology.MemberOf},
	{"upsertIncident", "input.targets", ontology.Targeted},
	{"addAttribution", "input.attributor", ontology.AttributedBy},
	{"addAttribution", "input.blamed", ontology.Blames},
	{"addAttribution", "input.incident", ontology.Concerns},
	{"addAttribution", "input.via", ontology.Via},
	{"addResponse", "input.actor", ontology.RespondedBy},
	{"addResponse", "input.targets", ontology.DirectedAt},
	{"addResponse", "input.incident", ontology.Answers},
	{"addResponse", "input.follows", ontology.Follows},
	{"addResponse", "input.via", ontology.Via},
	{"addStatement", "input.speaker", ontology.SaidBy},
	{"addStatement", "input.onBehalfOf", ontology.OnBehalfOf},
	{"addStatement", "input.about", ontology.About},
	{"addAssessment", "input.about", ontology.Assesses},
	{"addStance", "input.on", ontology.On},
	{"addStance", "input.holder", ontology.HeldBy},
	{"addStance", "input.via", ontology.Via},
}

// mismatch refuses target, named in field of mutation, where a link of
// type edge cannot lead to a node of its type. The message names the node
// by what it is called (never by an ID), the types the field takes, and
// the fields of any mutation where that node would fit.
func mismatch(mutation, field, edge string, target *store.Node) error {
	allowed := ontology.EdgeRules[edge].To
	base := field
	if i := strings.IndexByte(base, '['); i >= 0 {
		base = base[:i]
	}
	msg := fmt.Sprintf("%s is not %s: %s's %s takes %s only", describe(target), orList(allowed), mutation, base, orList(allowed))
	// The same mutation's other fields come first; the links an upsert
	// makes between entities are offered only from an upsert, since they
	// say something else than a claim does.
	fits := []string{mutation}
	byMutation := map[string][]string{}
	for _, lf := range linkFields {
		if lf.mutation == mutation && lf.field == base {
			continue
		}
		if strings.HasPrefix(lf.mutation, "upsert") != strings.HasPrefix(mutation, "upsert") {
			continue
		}
		rule := ontology.EdgeRules[lf.edge]
		if len(rule.To) == 0 || !slices.Contains(rule.To, target.Type) {
			continue
		}
		if !slices.Contains(fits, lf.mutation) {
			fits = append(fits, lf.mutation)
		}
		byMutation[lf.mutation] = append(byMutation[lf.mutation], lf.field)
	}
	var uses []string
	for _, m := range fits {
		if len(byMutation[m]) == 0 {
			continue
		}
		uses = append(uses, fmt.Sprintf("%s (%s)", m, strings.Join(byMutation[m], ", ")))
	}
	if len(uses) == 0 {
		return fieldErr(field, "%s", msg)
	}
	a := article(target.Type)
	return fieldErr(field, "%s. %s fits %s", msg, strings.ToUpper(a[:1])+a[1:], strings.Join(uses, "; "))
}

// describe names a node for a person: its type and what it is called, or
// its summary; never its ID.
func describe(n *store.Node) string {
	for _, k := range []string{"name_en", "title", "name_ar", "summary_en", "judgement"} {
		if v := n.Props.String(k); v != "" {
			if utf8.RuneCountInString(v) > 60 {
				v = string([]rune(v)[:60]) + "…"
			}
			return fmt.Sprintf("%s %q", n.Type, v)
		}
	}
	if n.Type == ontology.Attribution {
		return fmt.Sprintf("the Attribution of %s", n.Props.String("date"))
	}
	return article(n.Type)
}

// article puts "a" or "an" before a type name.
func article(typ string) string {
	if typ != "" && strings.ContainsRune("AEIOU", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}

// orList writes types as "a State", "a State or an Organization", …
func orList(types []string) string {
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = article(t)
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
