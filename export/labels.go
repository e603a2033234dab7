package export

import (
	"slices"
	"strings"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Labels are what a viewer writes on a node or a link: a short name, never
// an ID and never a whole sentence, so that a JGF or Cytoscape file draws
// readably in any tool. The graph view (web/app/labels.js) follows the same
// rules from GraphQL fields, and a browser test checks that a dropped JGF
// file and the live view show the same labels.
//
// A claim has no name of its own: it is labelled by who claims, against
// whom, and how sure they were ("United Kingdom → Iran · almost certain"),
// which keeps two states' claims on the same incident apart. Those parties
// are read through the claim's links, and only through links the selection
// holds, so a label never names a node the file leaves out (or the reader
// may not see); a missing party shows as "?".

// maxLabel caps a label taken from free text (a document's title), in code
// points.
const maxLabel = 48

// nodeLabel is the label of node n within the selection.
func (s *source) nodeLabel(n *store.Node) (string, error) {
	switch n.Type {
	case ontology.Attribution:
		by, err := s.partyNames(n.ID, ontology.AttributedBy)
		if err != nil {
			return "", err
		}
		blamed, err := s.partyNames(n.ID, ontology.Blames)
		if err != nil {
			return "", err
		}
		return ClaimLabel(by, blamed, n.Props.String("band")), nil
	case ontology.Response:
		by, err := s.partyNames(n.ID, ontology.RespondedBy)
		if err != nil {
			return "", err
		}
		return ActLabel(by, n.Props.String("kind")), nil
	case ontology.Statement:
		by, err := s.partyNames(n.ID, ontology.SaidBy)
		if err != nil {
			return "", err
		}
		if len(by) == 0 {
			if by, err = s.partyNames(n.ID, ontology.OnBehalfOf); err != nil {
				return "", err
			}
		}
		return ActLabel(by, statementKind(n.Props.String("kind"))), nil
	case ontology.Assessment:
		return "Assessment · " + Words(n.Props.String("band")), nil
	case ontology.Stance:
		by, err := s.partyNames(n.ID, ontology.HeldBy)
		if err != nil {
			return "", err
		}
		return ActLabel(by, n.Props.String("kind")), nil
	}
	return NameLabel(n), nil
}

// partyNames names the nodes that claim id links to by links of type typ,
// in alphabetical order (as the graph view does), keeping only links the
// selection holds.
func (s *source) partyNames(id, typ string) ([]string, error) {
	refs, err := s.tx.Edges(id, store.Out, typ)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range refs {
		if _, ok := slices.BinarySearch(s.sel.Edges, r.ID); !ok {
			continue
		}
		other, err := s.tx.Node(r.Other)
		if err != nil {
			return nil, err
		}
		names = append(names, NameLabel(other))
	}
	slices.Sort(names)
	return names, nil
}

// NameLabel is the label of a node that has a name or a title: a state's
// common English name ("United Kingdom", an English NAME alias) rather than
// its ISO name, else the English name, the Arabic name, or the title cut to
// maxLabel code points. A node with none of these is labelled by its type.
func NameLabel(n *store.Node) string {
	if n.Type == ontology.State {
		if a := englishAlias(n.Props["aliases"]); a != "" {
			return a
		}
	}
	for _, p := range []string{"name_en", "name", "name_ar"} {
		if s := n.Props.String(p); s != "" {
			return s
		}
	}
	if t := n.Props.String("title"); t != "" {
		return cut(t, maxLabel)
	}
	return Words(n.Type)
}

// englishAlias returns the first English alias of kind NAME, if any.
func englishAlias(v any) string {
	list, _ := v.([]any)
	for _, a := range list {
		m, _ := a.(map[string]any)
		if m["lang"] == "en" && m["kind"] == "NAME" {
			if s, _ := m["text"].(string); s != "" {
				return s
			}
		}
	}
	return ""
}

// ClaimLabel labels an attribution: "A → B · band words".
func ClaimLabel(attributors, blamed []string, band string) string {
	return parties(attributors) + " → " + parties(blamed) + " · " + Words(band)
}

// ActLabel labels a response or a statement: "Actor: kind words".
func ActLabel(actors []string, kind string) string {
	return parties(actors) + ": " + Words(kind)
}

// statementKind says how a statement was reported.
func statementKind(kind string) string {
	switch kind {
	case "QUOTE":
		return "quoted statement"
	case "PARAPHRASE":
		return "paraphrased statement"
	}
	return "statement"
}

func parties(names []string) string {
	if len(names) == 0 {
		return "?"
	}
	return strings.Join(names, ", ")
}

// Words turns an enumeration value into lower-case words:
// ALMOST_CERTAIN is "almost certain", ATTRIBUTED_BY "attributed by". The
// band UNSTATED reads "certainty unstated".
func Words(s string) string {
	if s == string(ontology.Unstated) {
		return "certainty unstated"
	}
	return strings.ToLower(strings.ReplaceAll(s, "_", " "))
}

// cut shortens s to at most n code points, marking the cut with "…".
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
