package export

import (
	"bufio"

	"github.com/attrib/attrib/store"
)

// Viewer formats are shape conversions of the native selection: documents
// become nodes like any other (their text in their properties), and
// citations, marking, author and retraction ride along in each element's
// metadata (JGF) or data (Cytoscape.js), so nothing is lost for a reader
// who wants the evidence.

// facts is what a viewer element carries besides its shape.
type facts struct {
	Type       string           `json:"type"`
	Properties store.Props      `json:"properties"`
	Citations  []store.Citation `json:"citations"`
	store.Meta
}

type jgfNode struct {
	Label    string `json:"label"`
	Metadata facts  `json:"metadata"`
}

type jgfEdge struct {
	ID       string `json:"id"`
	Source   string `json:"source"`
	Target   string `json:"target"`
	Relation string `json:"relation"`
	Label    string `json:"label"`
	Directed bool   `json:"directed"`
	Metadata facts  `json:"metadata"`
}

// eachNode calls fn with every selected node, documents after the others.
func (s *source) eachNode(fn func(*store.Node) error) error {
	for _, ids := range [][]string{s.sel.Nodes, s.sel.Documents} {
		for _, id := range ids {
			n, err := s.node(id)
			if err != nil {
				return err
			}
			if err := fn(n); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *source) eachEdge(fn func(*store.Edge) error) error {
	for _, id := range s.sel.Edges {
		e, err := s.edge(id)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// writeJGF writes JSON Graph Format v2 (https://jsongraphformat.info/v2.1/):
// one directed graph whose nodes are an object keyed by node ID.
func writeJGF(w *bufio.Writer, src *source) error {
	w.WriteString("{\n  \"graph\": {\n    \"type\": \"attrib\",\n    \"directed\": true,\n    \"metadata\": {\"format\": \"" + NativeFormat + "\"},\n    \"nodes\": {")
	n := 0
	err := src.eachNode(func(nd *store.Node) error {
		lbl, err := src.nodeLabel(nd)
		if err != nil {
			return err
		}
		b, err := marshal(jgfNode{Label: lbl, Metadata: facts{nd.Type, nd.Props, nd.Citations, nd.Meta}})
		if err != nil {
			return err
		}
		if n > 0 {
			w.WriteString(",")
		}
		n++
		w.WriteString("\n      ")
		writeString(w, nd.ID)
		w.WriteString(": ")
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n > 0 {
		w.WriteString("\n    ")
	}
	w.WriteString("},\n    \"edges\": [")
	l := &list{w: w, indent: "      "}
	err = src.eachEdge(func(e *store.Edge) error {
		return l.add(jgfEdge{ID: e.ID, Source: e.From, Target: e.To, Relation: e.Type, Label: Words(e.Type), Directed: true,
			Metadata: facts{e.Type, e.Props, e.Citations, e.Meta}})
	})
	if err != nil {
		return err
	}
	l.close("]\n  }\n}\n")
	return nil
}

type cyNode struct {
	Data cyNodeData `json:"data"`
}

type cyNodeData struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	facts
}

type cyEdge struct {
	Data cyEdgeData `json:"data"`
}

type cyEdgeData struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Target string `json:"target"`
	Label  string `json:"label"`
	facts
}

// writeCytoscape writes Cytoscape.js elements in the shape cy.json() gives
// and cytoscape({elements}) takes: {"elements": {"nodes": [...], "edges": [...]}}.
func writeCytoscape(w *bufio.Writer, src *source) error {
	w.WriteString("{\n  \"elements\": {\n    \"nodes\": [")
	l := &list{w: w, indent: "      "}
	err := src.eachNode(func(n *store.Node) error {
		lbl, err := src.nodeLabel(n)
		if err != nil {
			return err
		}
		return l.add(cyNode{cyNodeData{ID: n.ID, Label: lbl, facts: facts{n.Type, n.Props, n.Citations, n.Meta}}})
	})
	if err != nil {
		return err
	}
	l.close("],\n    \"edges\": [")
	l = &list{w: w, indent: "      "}
	err = src.eachEdge(func(e *store.Edge) error {
		return l.add(cyEdge{cyEdgeData{ID: e.ID, Source: e.From, Target: e.To, Label: Words(e.Type), facts: facts{e.Type, e.Props, e.Citations, e.Meta}}})
	})
	if err != nil {
		return err
	}
	l.close("]\n  }\n}\n")
	return nil
}
