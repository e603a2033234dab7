// Package importer imports a file into the store: attrib's native export
// (format attrib/1) restored exactly, or a STIX 2.1 bundle from another
// tool mapped best-effort, with the bundle's own text kept as the document
// its facts cite. An import is one transaction (all or nothing), writes
// nothing that is already there, and re-verifies every citation against its
// document before writing.
package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	gojson "github.com/goccy/go-json"

	"github.com/attrib/attrib/cite"
	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// ErrMalformed means the file is neither a valid native export nor a STIX
// 2.1 bundle; nothing was written.
var ErrMalformed = errors.New("malformed import file")

// ErrCitation means a citation in the file does not hold against its
// document; nothing was written.
var ErrCitation = errors.New("citation does not verify")

// Report says what an import kept, what it skipped and why, and what it
// wrote (records identical to stored ones are kept but not written).
type Report struct {
	Format   string         // "attrib/1" or "stix-2.1"
	Document string         // for STIX: the ID of the document holding the bundle text
	Kept     map[string]int // records kept, by node type or "edge"
	Skipped  []Skip
	Written  int // records written because absent or different
	// STIX, for a STIX bundle, says per STIX type what was kept and
	// skipped and why, and what became of every object (stix_report.go).
	STIX *STIXReport
}

// Skip is an object of the file that was not imported.
type Skip struct {
	ID, Type, Reason string
}

// Summary is the report in one human line.
func (r *Report) Summary() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(r.Kept)) {
		parts = append(parts, fmt.Sprintf("%d %s", r.Kept[k], k))
	}
	kept := "nothing"
	if len(parts) > 0 {
		kept = strings.Join(parts, ", ")
	}
	return fmt.Sprintf("%s: kept %s; skipped %d; wrote %d records", r.Format, kept, len(r.Skipped), r.Written)
}

// WriteTo prints the summary and every skipped object with its reason.
func (r *Report) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString(r.Summary() + "\n")
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "skipped %s %s: %s\n", s.Type, s.ID, s.Reason)
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// ErrMarking means the file holds a record marked above the importer's
// clearance, or would change a stored record the importer may not read;
// nothing was written.
var ErrMarking = errors.New("marking above your clearance")

// As says who imports, for an import made on a principal's behalf (the
// importGraph mutation). The local CLI imports as the operator, with no As.
type As struct {
	// Name is recorded as created_by on the records it imports.
	Name string
	// Clearance is the most restricted marking Name may read and so write
	// (ontology.Covers); "" is CLEAR.
	Clearance string
	// KeepAuthors keeps the created_by and retraction a native file
	// carries (an admin restoring another server's export). Otherwise the
	// file's authors are not trusted: new records are Name's, and a
	// stored record keeps its own author and retraction, as a mutation's
	// upsert does.
	KeepAuthors bool
}

// Import reads data, native or STIX (detected), and writes it into s in
// one transaction, exactly as the file has it: what the operator of the
// data directory does.
func Import(s *store.Store, data []byte) (*Report, error) {
	return importAs(s, data, nil)
}

// ImportAs imports data on a principal's behalf: every record must be
// marked within as.Clearance, a stored record marked above it cannot be
// changed, and authorship follows as (see As).
func ImportAs(s *store.Store, data []byte, as As) (*Report, error) {
	return importAs(s, data, &as)
}

func importAs(s *store.Store, data []byte, as *As) (*Report, error) {
	var head struct {
		Format *string `json:"format"`
		Type   *string `json:"type"`
	}
	// goccy/go-json, like the store's reads: a native file is parsed
	// twice (this look at its head, then planNative), and encoding/json
	// took a third of an import's time doing so.
	if err := gojson.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("import: %w: not JSON: %v", ErrMalformed, err)
	}
	var planner func(*store.Txn) (*plan, error)
	switch {
	case head.Format != nil && *head.Format == "attrib/1":
		planner = func(*store.Txn) (*plan, error) { return planNative(data) }
	case head.Format != nil:
		return nil, fmt.Errorf("import: %w: format %q is not attrib/1", ErrMalformed, *head.Format)
	case head.Type != nil && *head.Type == "bundle":
		planner = func(tx *store.Txn) (*plan, error) { return planSTIX(data, tx) }
	default:
		return nil, fmt.Errorf("import: %w: neither an attrib export (\"format\": \"attrib/1\") nor a STIX 2.1 bundle (\"type\": \"bundle\")", ErrMalformed)
	}
	var report *Report
	err := s.Update(func(tx *store.Txn) error {
		p, err := planner(tx)
		if err != nil {
			return err
		}
		report = p.report
		if as != nil {
			if err := p.attribute(tx, *as); err != nil {
				return err
			}
		}
		return p.apply(tx)
	})
	if err != nil && strings.Contains(err.Error(), "transaction too big") {
		return nil, fmt.Errorf("import: the file holds more than one transaction can commit; nothing was written: export it in parts (fewer roots or a smaller depth) and import each (%w)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return report, nil
}

// plan is what an import will write, in order: documents, then nodes, then
// edges (an edge's endpoints must exist first).
type plan struct {
	docs, nodes []store.Node
	edges       []store.Edge
	report      *Report
}

// apply checks the plan and writes it within tx: any error leaves tx to be
// discarded, so nothing is written.
func (p *plan) apply(tx *store.Txn) error {
	// Each document's text is split into code points once, however
	// many citations point into it.
	texts := map[string][]rune{}
	types := map[string]string{}
	for _, d := range p.docs {
		texts[d.ID] = []rune(d.Props.String("text"))
		types[d.ID] = d.Type
	}
	for _, n := range p.nodes {
		types[n.ID] = n.Type
	}
	text := func(id string) ([]rune, error) {
		if t, ok := texts[id]; ok {
			return t, nil
		}
		d, err := tx.Node(id)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("document %s is neither in the file nor in the store", id)
		}
		if err != nil {
			return nil, err
		}
		texts[id] = []rune(d.Props.String("text"))
		return texts[id], nil
	}
	typeOf := func(id string) (string, error) {
		if t, ok := types[id]; ok {
			return t, nil
		}
		n, err := tx.Node(id)
		if err != nil {
			return "", fmt.Errorf("endpoint %s is neither in the file nor in the store: %w", id, err)
		}
		types[id] = n.Type
		return n.Type, nil
	}
	// Check everything before writing anything.
	for _, group := range [][]store.Node{p.docs, p.nodes} {
		for i := range group {
			n := &group[i]
			if err := ontology.ValidateNode(n); err != nil {
				return fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			if err := verify(n.Type+" "+n.ID, n.Citations, text); err != nil {
				return err
			}
		}
	}
	for i := range p.edges {
		e := &p.edges[i]
		ft, err := typeOf(e.From)
		if err != nil {
			return fmt.Errorf("%w: edge %s: %v", ErrMalformed, e.ID, err)
		}
		tt, err := typeOf(e.To)
		if err != nil {
			return fmt.Errorf("%w: edge %s: %v", ErrMalformed, e.ID, err)
		}
		if err := ontology.ValidateEdge(e, ft, tt); err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if want := store.EdgeID(e.Type, e.From, e.To); e.ID != want {
			return fmt.Errorf("%w: edge %s: id should be %s (edge ids derive from type and endpoints)", ErrMalformed, e.ID, want)
		}
		if err := verify("edge "+e.Type+" "+e.ID, e.Citations, text); err != nil {
			return err
		}
	}
	for _, group := range [][]store.Node{p.docs, p.nodes} {
		for i := range group {
			changed, err := tx.PutNode(&group[i])
			if err != nil {
				return err
			}
			if changed {
				p.report.Written++
			}
		}
	}
	for i := range p.edges {
		changed, err := tx.PutEdge(&p.edges[i])
		if err != nil {
			return err
		}
		if changed {
			p.report.Written++
		}
	}
	return nil
}

// attribute checks every record's marking against as.Clearance and sets
// who wrote it, before apply checks and writes the plan.
func (p *plan) attribute(tx *store.Txn, as As) error {
	check := func(kind, id string, m *store.Meta, stored *store.Meta) error {
		if ontology.MarkingLevel(m.Marking) < 0 {
			return fmt.Errorf("%w: %s %s: marking %q is not a TLP marking (one of %v)", ErrMalformed, kind, id, m.Marking, ontology.Markings)
		}
		if !ontology.Covers(as.Clearance, m.Marking) {
			return fmt.Errorf("%w: %s %s is marked %s, above what %s may read (%s); nothing was imported", ErrMarking, kind, id, m.Marking, as.Name, clearanceName(as.Clearance))
		}
		if stored != nil && !ontology.Covers(as.Clearance, stored.Marking) {
			return fmt.Errorf("%w: %s %s cannot be written by %s; nothing was imported", ErrMarking, kind, id, as.Name)
		}
		if as.KeepAuthors {
			return nil
		}
		if stored != nil {
			m.CreatedBy, m.Retraction = stored.CreatedBy, stored.Retraction
			return nil
		}
		m.CreatedBy = as.Name
		return nil
	}
	// A fact is marked at least as strictly as every document it cites,
	// as package edit requires of mutations: else its quotes would show a
	// document's text to readers the document is hidden from.
	docMarking := map[string]string{}
	for _, d := range p.docs {
		docMarking[d.ID] = d.Marking
	}
	citesWithin := func(kind, id, marking string, cs []store.Citation) error {
		for _, c := range cs {
			m, ok := docMarking[c.Document]
			if !ok {
				d, err := tx.Node(c.Document)
				if err != nil {
					continue // apply reports a citation into no document
				}
				m = d.Marking
				docMarking[c.Document] = m
			}
			if !ontology.Covers(marking, m) {
				return fmt.Errorf("%w: %s %s is marked %s but cites document %s, which is marked %s: mark it at least %s; nothing was imported", ErrMarking, kind, id, clearanceName(marking), c.Document, m, m)
			}
		}
		return nil
	}
	for _, group := range [][]store.Node{p.docs, p.nodes} {
		for i := range group {
			n := &group[i]
			if err := citesWithin("node", n.ID, n.Marking, n.Citations); err != nil {
				return err
			}
			old, err := tx.Node(n.ID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			var stored *store.Meta
			if old != nil {
				stored = &old.Meta
			}
			if err := check("node", n.ID, &n.Meta, stored); err != nil {
				return err
			}
		}
	}
	for i := range p.edges {
		e := &p.edges[i]
		if err := citesWithin("edge", e.ID, e.Marking, e.Citations); err != nil {
			return err
		}
		old, err := tx.Edge(e.ID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var stored *store.Meta
		if old != nil {
			stored = &old.Meta
		}
		if err := check("edge", e.ID, &e.Meta, stored); err != nil {
			return err
		}
	}
	return nil
}

func clearanceName(c string) string {
	if c == "" {
		return "CLEAR"
	}
	return c
}

// verify checks each citation against its document's text, naming the
// fact, the citation and its quote when one fails.
func verify(fact string, cs []store.Citation, text func(string) ([]rune, error)) error {
	for i, c := range cs {
		t, err := text(c.Document)
		if err != nil {
			return fmt.Errorf("%w: %s, citation %d (%q): %v", ErrCitation, fact, i+1, c.Exact, err)
		}
		if err := cite.VerifyRunes(t, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
			return fmt.Errorf("%w: %s, citation %d (%q): %v; the file was altered or its document differs, so nothing was imported", ErrCitation, fact, i+1, c.Exact, err)
		}
	}
	return nil
}

// nativeFile is the native format (schema/attrib-export.schema.json).
type nativeFile struct {
	Format    string       `json:"format"`
	Nodes     []store.Node `json:"nodes"`
	Edges     []store.Edge `json:"edges"`
	Documents []store.Node `json:"documents"`
}

func planNative(data []byte) (*plan, error) {
	var f nativeFile
	if err := decodeNative(data, &f); err != nil {
		return nil, err
	}
	if f.Nodes == nil || f.Edges == nil || f.Documents == nil {
		return nil, fmt.Errorf("%w: nodes, edges and documents are all required", ErrMalformed)
	}
	r := &Report{Format: "attrib/1", Kept: map[string]int{}}
	seen := map[string]bool{}
	for _, d := range f.Documents {
		if d.Type != ontology.Document {
			return nil, fmt.Errorf("%w: documents holds %s %s, not a Document", ErrMalformed, d.Type, d.ID)
		}
		if _, ok := d.Props["text"].(string); !ok {
			return nil, fmt.Errorf("%w: document %s has no text", ErrMalformed, d.ID)
		}
	}
	for _, n := range append(slices.Clone(f.Documents), f.Nodes...) {
		if seen[n.ID] {
			return nil, fmt.Errorf("%w: node %s appears twice", ErrMalformed, n.ID)
		}
		seen[n.ID] = true
		if typ, _, err := store.DecodeNodeID(n.ID); err != nil || typ != n.Type {
			return nil, fmt.Errorf("%w: node %s: its id does not name its type %s", ErrMalformed, n.ID, n.Type)
		}
		r.Kept[n.Type]++
	}
	if len(f.Edges) > 0 {
		r.Kept["edge"] = len(f.Edges)
	}
	return &plan{docs: f.Documents, nodes: f.Nodes, edges: f.Edges, report: r}, nil
}

// decodeNative parses a native file strictly: no unknown field at any
// level, nothing after the object. goccy/go-json decodes valid UTF-8 into
// the same values as encoding/json (numbers as float64, field names
// matched case-insensitively, escaped lone surrogates as U+FFFD) several
// times faster. It keeps invalid UTF-8 bytes in strings, where
// encoding/json puts U+FFFD, so a file that is not valid UTF-8 (which no
// export writes) goes through encoding/json: what is stored must not depend
// on the decoder. goccy's stream Decoder, the one that refuses unknown
// fields, is not used: it is quadratic in the escapes of a large file and
// garbles a character split across two reads; knownFields checks the
// fields instead.
func decodeNative(data []byte, f *nativeFile) error {
	if !utf8.Valid(data) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f); err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if dec.More() {
			return fmt.Errorf("%w: data after the end of the JSON object", ErrMalformed)
		}
		return nil
	}
	// Unmarshal also refuses anything after the object.
	if err := gojson.Unmarshal(data, f); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if err := knownFields(data); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return nil
}

// The fields of each object of a native file, as the structs name them.
var (
	fileFields        = []string{"format", "nodes", "edges", "documents"}
	nodeFields        = []string{"id", "type", "properties", "citations", "marking", "created_by", "retraction"}
	edgeFields        = append([]string{"from", "to"}, nodeFields...)
	citationFields    = []string{"document", "exact", "prefix", "suffix", "start", "end", "translation"}
	translationFields = []string{"lang", "text", "translator", "authoritative"}
	retractionFields  = []string{"by", "at", "reason"}
)

// shape is what knownFields knows of an object of the native format: its
// fields, and the shapes of the fields whose value is an object, or an
// array of objects, that it checks in turn.
type shape struct {
	fields []string
	inner  map[string]*shape
}

var (
	citationShape = &shape{fields: citationFields, inner: map[string]*shape{"translation": {fields: translationFields}}}
	recordInner   = map[string]*shape{"citations": citationShape, "retraction": {fields: retractionFields}}
	fileShape     = &shape{fields: fileFields, inner: map[string]*shape{
		"nodes":     {fields: nodeFields, inner: recordInner},
		"documents": {fields: nodeFields, inner: recordInner},
		"edges":     {fields: edgeFields, inner: recordInner},
	}}
)

// knownFields refuses a field that no struct of the native format has,
// as encoding/json's DisallowUnknownFields does (names match
// case-insensitively, a repeated name is allowed). data has already
// decoded into a nativeFile, so it is valid JSON of the shape checked here;
// one pass of jsontext's token reader checks it without building any value.
func knownFields(data []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	return fileShape.check(dec, "")
}

// check reads the next value from dec, checking its field names if it is
// an object, or each element's if it is an array.
func (s *shape) check(dec *jsontext.Decoder, where string) error {
	switch dec.PeekKind() {
	case '[':
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		for i := 0; dec.PeekKind() != ']'; i++ {
			if err := s.check(dec, fmt.Sprintf("%s[%d]", where, i)); err != nil {
				return err
			}
		}
		_, err := dec.ReadToken()
		return err
	case '{':
	default:
		return dec.SkipValue()
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		i := slices.IndexFunc(s.fields, func(f string) bool { return strings.EqualFold(f, name) })
		if i < 0 {
			if where == "" {
				return fmt.Errorf("the file: unknown field %q", name)
			}
			return fmt.Errorf("%s: unknown field %q", where, name)
		}
		sub := s.inner[s.fields[i]]
		if sub == nil {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		next := s.fields[i]
		if where != "" {
			next = where + "." + next
		}
		if err := sub.check(dec, next); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}
