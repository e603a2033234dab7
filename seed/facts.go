// Package seed reads facts files (see FORMAT.md): documents plus the nodes
// and edges they support, each citation named by its quote. It resolves every
// quote to code-point offsets and refuses a file with a quote that is missing
// or ambiguous, naming the fact and the quote. The default seed, one Arabic
// article of 7 September 2022, is embedded in the binary.
package seed

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

//go:embed facts.yaml *.txt
var files embed.FS

// DefaultFacts is the name of the embedded default facts file.
const DefaultFacts = "facts.yaml"

// Translator credits the English translations of quoted source text.
const Translator = "attrib maintainers"

// Bundle is a resolved facts file: records ready for the store, sorted by ID.
type Bundle struct {
	Nodes []store.Node
	Edges []store.Edge
	// Cites are citations the file adds to claims already in the graph
	// (or defined by another file): another report of the same claim.
	Cites []Cites
}

// Cites are citations to add to the node Claim, which the bundle need not
// define.
type Cites struct {
	Claim     string
	Citations []store.Citation
}

// Default returns the embedded default seed, resolved.
func Default() (*Bundle, error) {
	b, err := Read(files, DefaultFacts)
	if err != nil {
		return nil, fmt.Errorf("load seed: %w", err)
	}
	return b, nil
}

// Files returns the embedded seed files (the facts file and its documents).
func Files() fs.FS { return files }

type factsFile struct {
	DefaultDocument string     `yaml:"default_document"`
	Documents       []docSpec  `yaml:"documents"`
	Nodes           []nodeSpec `yaml:"nodes"`
	Edges           []edgeSpec `yaml:"edges"`
	Citations       []citeSpec `yaml:"citations"`
}

// citeSpec adds citations to a claim defined elsewhere.
type citeSpec struct {
	Of   string      `yaml:"of"`
	Cite []quoteSpec `yaml:"cite"`
}

type docSpec struct {
	Key   string         `yaml:"key"`
	File  string         `yaml:"file"`
	Props map[string]any `yaml:"props"`
	Cite  []quoteSpec    `yaml:"cite"`
}

type nodeSpec struct {
	Ref   string         `yaml:"ref"`
	Props map[string]any `yaml:"props"`
	Cite  []quoteSpec    `yaml:"cite"`
}

type edgeSpec struct {
	Type  string         `yaml:"type"`
	From  string         `yaml:"from"`
	To    string         `yaml:"to"`
	Props map[string]any `yaml:"props"`
	Cite  []quoteSpec    `yaml:"cite"`
}

type quoteSpec struct {
	Exact  string `yaml:"exact"`
	Prefix string `yaml:"prefix"`
	Suffix string `yaml:"suffix"`
	Doc    string `yaml:"doc"`
	En     string `yaml:"en"`
	Role   string `yaml:"role"`
}

// Read parses the facts file at name in fsys; the documents it names are
// read from the same folder.
func Read(fsys fs.FS, name string) (*Bundle, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read facts file: %w", err)
	}
	return Parse(raw, func(file string) ([]byte, error) {
		return fs.ReadFile(fsys, path.Join(path.Dir(name), file))
	})
}

// Parse parses a facts file; readDoc returns the text of a document file it
// names.
func Parse(raw []byte, readDoc func(file string) ([]byte, error)) (*Bundle, error) {
	return ParseOnto(raw, readDoc, nil)
}

// ParseOnto parses a facts file whose edges may also join nodes already in
// a graph: typeOf returns the type of such a node (ok false when there is
// none). A nil typeOf allows only nodes defined in the file.
func ParseOnto(raw []byte, readDoc func(file string) ([]byte, error), typeOf func(id string) (typ string, ok bool)) (*Bundle, error) {
	var f factsFile
	if err := unmarshalStrict(raw, &f); err != nil {
		return nil, fmt.Errorf("parse facts file: %w", err)
	}
	r := resolver{docs: map[string]*store.Node{}, refs: map[string]string{}}
	for i, d := range f.Documents {
		if err := r.addDocument(d, readDoc); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, d.Key, err)
		}
	}
	if f.DefaultDocument != "" {
		if _, ok := r.docs[f.DefaultDocument]; !ok {
			return nil, fmt.Errorf("default_document %q is not a document of the file", f.DefaultDocument)
		}
	}
	r.defaultDoc = f.DefaultDocument
	var b Bundle
	for _, d := range f.Documents {
		n := r.docs[d.Key]
		cs, err := r.cite(d.Cite, d.Key)
		if err != nil {
			return nil, fmt.Errorf("Document %s: %w", d.Key, err)
		}
		n.Citations = cs
		b.Nodes = append(b.Nodes, *n)
	}
	for _, s := range f.Nodes {
		n, err := r.node(s)
		if err != nil {
			return nil, fmt.Errorf("node %s: %w", s.Ref, err)
		}
		b.Nodes = append(b.Nodes, *n)
	}
	types := map[string]string{}
	for _, n := range b.Nodes {
		if _, dup := types[n.ID]; dup {
			return nil, fmt.Errorf("node %s (%s) is defined twice", n.ID, n.Type)
		}
		types[n.ID] = n.Type
		if err := ontology.ValidateNode(&n); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	for _, s := range f.Edges {
		e, err := r.edge(s)
		if err != nil {
			return nil, fmt.Errorf("edge %s %s -> %s: %w", s.Type, s.From, s.To, err)
		}
		ft, ok1 := types[e.From]
		tt, ok2 := types[e.To]
		if !ok1 && typeOf != nil {
			ft, ok1 = typeOf(e.From)
		}
		if !ok2 && typeOf != nil {
			tt, ok2 = typeOf(e.To)
		}
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("edge %s %s -> %s: an endpoint is not defined in the file (nor in the data directory)", s.Type, s.From, s.To)
		}
		if err := ontology.ValidateEdge(e, ft, tt); err != nil {
			return nil, fmt.Errorf("edge %s %s -> %s: %w", s.Type, s.From, s.To, err)
		}
		if seen[e.ID] {
			return nil, fmt.Errorf("edge %s %s -> %s is defined twice", s.Type, s.From, s.To)
		}
		seen[e.ID] = true
		b.Edges = append(b.Edges, *e)
	}
	for _, c := range f.Citations {
		id, err := r.ref(c.Of)
		if err != nil {
			return nil, fmt.Errorf("citations of %s: %w", c.Of, err)
		}
		typ, ok := types[id]
		if !ok && typeOf != nil {
			typ, ok = typeOf(id)
		}
		if !ok {
			return nil, fmt.Errorf("citations of %s: no such node in the file (nor in the data directory)", c.Of)
		}
		if !slices.Contains(ontology.ClaimTypes, typ) {
			return nil, fmt.Errorf("citations of %s: a %s is not a claim; only %v take further reports", c.Of, typ, ontology.ClaimTypes)
		}
		cs, err := r.cite(c.Cite, "citations of "+c.Of)
		if err != nil {
			return nil, err
		}
		b.Cites = append(b.Cites, Cites{Claim: id, Citations: cs})
	}
	sort.Slice(b.Nodes, func(i, j int) bool { return b.Nodes[i].ID < b.Nodes[j].ID })
	sort.Slice(b.Edges, func(i, j int) bool { return b.Edges[i].ID < b.Edges[j].ID })
	return &b, nil
}

type resolver struct {
	docs       map[string]*store.Node // by local key
	refs       map[string]string      // "Document:key" -> node ID
	defaultDoc string
}

func (r *resolver) addDocument(d docSpec, readDoc func(string) ([]byte, error)) error {
	if d.Key == "" || d.File == "" {
		return fmt.Errorf("a document needs a key and a file")
	}
	if _, dup := r.docs[d.Key]; dup {
		return fmt.Errorf("document key %q is used twice", d.Key)
	}
	text, err := readDoc(d.File)
	if err != nil {
		return fmt.Errorf("read document text: %w", err)
	}
	props, err := normalise(d.Props)
	if err != nil {
		return err
	}
	props["text"] = string(text)
	props["file"] = d.File
	// The document's ID comes from its file name, not from its key in this
	// facts file, so two facts files cannot give two documents one ID.
	id := store.NodeID(ontology.Document, strings.TrimSuffix(d.File, path.Ext(d.File)))
	r.docs[d.Key] = &store.Node{ID: id, Type: ontology.Document, Props: props}
	r.refs[ontology.Document+":"+d.Key] = id
	return nil
}

// ref turns "Type:key" into a node ID.
func (r *resolver) ref(s string) (string, error) {
	if id, ok := r.refs[s]; ok {
		return id, nil
	}
	typ, key, ok := strings.Cut(s, ":")
	if !ok || typ == "" || key == "" {
		return "", fmt.Errorf("ref %q is not Type:key", s)
	}
	if typ == ontology.Document {
		return "", fmt.Errorf("ref %q: no such document in the file", s)
	}
	return store.NodeID(typ, key), nil
}

func (r *resolver) node(s nodeSpec) (*store.Node, error) {
	typ, _, _ := strings.Cut(s.Ref, ":")
	id, err := r.ref(s.Ref)
	if err != nil {
		return nil, err
	}
	props, err := normalise(s.Props)
	if err != nil {
		return nil, err
	}
	cs, err := r.cite(s.Cite, s.Ref)
	if err != nil {
		return nil, err
	}
	return &store.Node{ID: id, Type: typ, Props: props, Citations: cs}, nil
}

func (r *resolver) edge(s edgeSpec) (*store.Edge, error) {
	from, err := r.ref(s.From)
	if err != nil {
		return nil, err
	}
	to, err := r.ref(s.To)
	if err != nil {
		return nil, err
	}
	props, err := normalise(s.Props)
	if err != nil {
		return nil, err
	}
	cs, err := r.cite(s.Cite, s.Type+" "+s.From+" -> "+s.To)
	if err != nil {
		return nil, err
	}
	return &store.Edge{ID: store.EdgeID(s.Type, from, to), Type: s.Type, From: from, To: to, Props: props, Citations: cs}, nil
}

// cite resolves the quotes of the fact named fact.
func (r *resolver) cite(qs []quoteSpec, fact string) ([]store.Citation, error) {
	if len(qs) == 0 {
		return nil, fmt.Errorf("%s has no citation; every fact needs one", fact)
	}
	out := make([]store.Citation, 0, len(qs))
	for _, q := range qs {
		key := q.Doc
		if key == "" {
			key = r.defaultDoc
		}
		doc, ok := r.docs[key]
		if !ok {
			return nil, fmt.Errorf("quote %q: no document %q (set doc, or default_document)", q.Exact, key)
		}
		span, err := cite.Resolve(doc.Props.String("text"), cite.Quote{Exact: q.Exact, Prefix: q.Prefix, Suffix: q.Suffix})
		if err != nil {
			return nil, fmt.Errorf("%s: document %s: %w", fact, key, err)
		}
		c := store.Citation{Document: doc.ID, Exact: span.Exact, Prefix: span.Prefix, Suffix: span.Suffix, Start: span.Start, End: span.End}
		if q.En != "" {
			c.Translation = &store.Translation{Lang: "en", Text: q.En, Translator: Translator}
		}
		if q.Role != "" {
			if !slices.Contains(ontology.CitationRoles, q.Role) {
				return nil, fmt.Errorf("%s: quote %q: role %q is not one of %v", fact, q.Exact, q.Role, ontology.CitationRoles)
			}
			c.Role = q.Role
		}
		out = append(out, c)
	}
	return out, nil
}

// normalise makes YAML-decoded properties into the JSON values the store
// keeps, so a record reads back exactly as it was written. YAML timestamps
// become YYYY-MM-DD strings.
func normalise(p map[string]any) (store.Props, error) {
	fixed := fixDates(p)
	raw, err := json.Marshal(fixed)
	if err != nil {
		return nil, fmt.Errorf("properties: %w", err)
	}
	out := store.Props{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("properties: %w", err)
	}
	return out, nil
}

func fixDates(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.DateOnly)
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = fixDates(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = fixDates(e)
		}
		return s
	}
	return v
}

// isoFile is the embedded ISO 3166-1 list: a title line, then one
// "CODE<TAB>English short name" line per country.
const isoFile = "iso3166-1.txt"

// ISOCodes returns the ISO 3166-1 alpha-2 codes of the embedded list, each
// with its English short name.
func ISOCodes() map[string]string {
	raw, err := files.ReadFile(isoFile)
	if err != nil { // cannot happen: the file is embedded
		panic(err)
	}
	codes := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		code, name, ok := strings.Cut(line, "\t")
		if ok && len(code) == 2 {
			codes[code] = strings.TrimSpace(name)
		}
	}
	return codes
}

// unmarshalStrict decodes YAML strictly, turning a panic inside the decoder
// into an error: go-yaml v1.19.2 dereferences nil on some malformed tagged
// values (FuzzParse found one; its input is in testdata/fuzz/FuzzParse).
func unmarshalStrict(raw []byte, v any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errors.New("malformed YAML: the decoder could not read it; check the file's syntax near its tags (!...) and anchors")
		}
	}()
	return yaml.UnmarshalWithOptions(raw, v, yaml.Strict())
}
