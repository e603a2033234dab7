// Package importer imports a file into the store: attrib's native export
// (format attrib/1) restored exactly, or a STIX 2.1 bundle from another
// tool mapped best-effort, with the bundle's own text kept as the document
// its facts cite. An import is all or nothing, writes nothing that is
// already there, and re-verifies every citation against its document
// before anything becomes visible.
//
// A file may hold far more than one Badger transaction can commit, so an
// import is staged (store.Import): the records are written, in as many
// commits as they need, where no reader looks; then everything is checked
// against the staged records and the live graph; then one small commit
// makes the import live, and it is applied while reads wait. A failure or
// a crash before that commit leaves the store as it was (Open removes the
// staged records); a crash after it is finished by the next Open. A native
// file is read as a stream, one record at a time (native.go), so memory
// stays flat in the file's size; checks that need the file in another
// order than it came (a citation, read before the document it cites) are
// kept as staged notes and done in document order, one document's text in
// memory at a time. A STIX bundle is itself the document its facts cite,
// so it is read whole.
package importer

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

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

// Phases of an import, as Options.Progress names them.
const (
	PhaseRead  = "reading"  // records read from the file and staged
	PhaseCheck = "checking" // citations checked against their documents
	PhaseWrite = "writing"  // staged records made live
)

// Options tune ImportReader.
type Options struct {
	// As imports on a principal's behalf (see ImportAs); nil imports as
	// the operator of the data directory.
	As *As
	// Progress, if set, hears how far each phase is: done of total
	// (total 0 when not known in advance).
	Progress func(phase string, done, total int)
	// BatchBytes bounds what one commit writes (store.ImportOptions); 0
	// for the store's default.
	BatchBytes int64
}

// Import reads data, native or STIX (detected), and writes it into s, all
// or nothing, exactly as the file has it: what the operator of the data
// directory does.
func Import(s *store.Store, data []byte) (*Report, error) {
	return ImportReader(s, bytes.NewReader(data), Options{})
}

// ImportAs imports data on a principal's behalf: every record must be
// marked within as.Clearance, a stored record marked above it cannot be
// changed, and authorship follows as (see As).
func ImportAs(s *store.Store, data []byte, as As) (*Report, error) {
	return ImportReader(s, bytes.NewReader(data), Options{As: &as})
}

// ImportReader imports the file read from r (see Import), reading a native
// file as a stream. It holds the store's writer lock while it runs.
func ImportReader(s *store.Store, r io.Reader, o Options) (*Report, error) {
	imp, err := s.BeginImport(store.ImportOptions{BatchBytes: o.BatchBytes})
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	st := &stager{imp: imp, as: o.As, progress: o.Progress}
	rep, err := st.run(bufio.NewReaderSize(r, 256<<10))
	if err != nil {
		imp.Abort()
		return nil, fmt.Errorf("import: %w", err)
	}
	return rep, nil
}

// stager stages a file's records, checks them, and commits the import.
type stager struct {
	imp      *store.Import
	as       *As
	progress func(phase string, done, total int)
	report   *Report
	notes    int // citations noted for checking
}

func (st *stager) tell(phase string, done, total int) {
	if st.progress != nil {
		st.progress(phase, done, total)
	}
}

func (st *stager) run(r *bufio.Reader) (*Report, error) {
	if native(r) {
		st.report = &Report{Format: "attrib/1", Kept: map[string]int{}}
		err := readNative(r, st.nativeRecord)
		if errors.Is(err, errNotNative) {
			err = errNeither
		}
		if err != nil {
			return nil, err
		}
	} else if err := st.other(r); err != nil {
		return nil, err
	}
	st.tell(PhaseRead, st.imp.Staged(), 0)
	if err := st.imp.Seal(); err != nil {
		return nil, err
	}
	if err := st.checkEdges(); err != nil {
		return nil, err
	}
	if err := st.checkCitations(); err != nil {
		return nil, err
	}
	total := st.imp.Staged()
	applied, err := st.imp.Commit(func(done int) { st.tell(PhaseWrite, done, total) })
	if err != nil {
		return nil, err
	}
	st.report.Written = applied.Nodes + applied.Edges
	return st.report, nil
}

var errNeither = fmt.Errorf("%w: neither an attrib export (\"format\": \"attrib/1\") nor a STIX 2.1 bundle (\"type\": \"bundle\")", ErrMalformed)

// native reports whether r starts like a native file: an object whose first
// key is one of the format's. It only peeks.
func native(r *bufio.Reader) bool {
	head, _ := r.Peek(64 << 10)
	dec := jsontext.NewDecoder(bytes.NewReader(head), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	tok, err := dec.ReadToken()
	if err != nil || tok.Kind() != '"' {
		return false
	}
	name := tok.String()
	return slices.ContainsFunc(fileFields, func(f string) bool { return strings.EqualFold(f, name) })
}

// other imports a file that does not start like a native one: a STIX
// bundle, read whole, since its text is the document its objects cite; a
// native file whose keys come in another order; or neither.
func (st *stager) other(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read the file: %w", err)
	}
	var head struct {
		Format *string `json:"format"`
		Type   *string `json:"type"`
	}
	if err := store.Decode(data, &head); err != nil {
		return fmt.Errorf("%w: not JSON: %v", ErrMalformed, err)
	}
	switch {
	case head.Format != nil && *head.Format == "attrib/1":
		st.report = &Report{Format: "attrib/1", Kept: map[string]int{}}
		return readNative(bytes.NewReader(data), st.nativeRecord)
	case head.Format != nil:
		return fmt.Errorf("%w: format %q is not attrib/1", ErrMalformed, *head.Format)
	case head.Type != nil && *head.Type == "bundle":
	default:
		return errNeither
	}
	var p *plan
	err = st.imp.Live(func(tx *store.Txn) error {
		p, err = planSTIX(data, tx)
		return err
	})
	if err != nil {
		return err
	}
	st.report = p.report
	for _, group := range [][]store.Node{p.docs, p.nodes} {
		for i := range group {
			if err := st.stageNode(&group[i]); err != nil {
				return err
			}
		}
	}
	for i := range p.edges {
		if err := st.stageEdge(&p.edges[i]); err != nil {
			return err
		}
	}
	return nil
}

// plan is what a STIX bundle maps to: documents, nodes and edges.
type plan struct {
	docs, nodes []store.Node
	edges       []store.Edge
	report      *Report
}

// nativeRecord checks what only a native file promises of a record, and
// stages it.
func (st *stager) nativeRecord(rec nativeRecord) error {
	if rec.Edge != nil {
		st.report.Kept["edge"]++
		return st.stageEdge(rec.Edge)
	}
	n := rec.Node
	if rec.Array == "documents" {
		if n.Type != ontology.Document {
			return fmt.Errorf("%w: documents holds %s %s, not a Document", ErrMalformed, n.Type, n.ID)
		}
		if _, ok := n.Props["text"].(string); !ok {
			return fmt.Errorf("%w: document %s has no text", ErrMalformed, n.ID)
		}
	}
	if typ, _, err := store.DecodeNodeID(n.ID); err != nil || typ != n.Type {
		return fmt.Errorf("%w: node %s: its id does not name its type %s", ErrMalformed, n.ID, n.Type)
	}
	st.report.Kept[n.Type]++
	return st.stageNode(n)
}

// stageNode checks what can be checked of n alone (and against the live
// graph, for an import on someone's behalf), notes its citations and
// stages it.
func (st *stager) stageNode(n *store.Node) error {
	if err := ontology.ValidateNode(n); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if st.as != nil {
		if err := st.attribute("node", n.ID, &n.Meta); err != nil {
			return err
		}
	}
	if err := st.noteCitations("node", n.ID, n.Type+" "+n.ID, n.Marking, n.Citations); err != nil {
		return err
	}
	err := st.imp.StageNode(n)
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	st.tellRead()
	return err
}

// stageEdge is stageNode for an edge; its endpoints are checked once every
// node is staged (checkEdges).
func (st *stager) stageEdge(e *store.Edge) error {
	if want := store.EdgeID(e.Type, e.From, e.To); e.ID != want {
		return fmt.Errorf("%w: edge %s: id should be %s (edge ids derive from type and endpoints)", ErrMalformed, e.ID, want)
	}
	if st.as != nil {
		if err := st.attribute("edge", e.ID, &e.Meta); err != nil {
			return err
		}
	}
	if err := st.noteCitations("edge", e.ID, "edge "+e.Type+" "+e.ID, e.Marking, e.Citations); err != nil {
		return err
	}
	err := st.imp.StageEdge(e)
	if errors.Is(err, store.ErrDuplicate) {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	st.tellRead()
	return err
}

// liveMeta is the Meta of the live record kind id, or nil when there is
// none.
func (st *stager) liveMeta(kind, id string) (*store.Meta, error) {
	var m *store.Meta
	err := st.imp.Live(func(tx *store.Txn) error {
		var err error
		if kind == "node" {
			var n *store.Node
			if n, err = tx.Node(id); err == nil {
				m = &n.Meta
			}
		} else {
			var e *store.Edge
			if e, err = tx.Edge(id); err == nil {
				m = &e.Meta
			}
		}
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		return err
	})
	return m, err
}

func (st *stager) tellRead() {
	if n := st.imp.Staged(); n%1000 == 0 {
		st.tell(PhaseRead, n, 0)
	}
}

// attribute checks a record's marking, and that of the live record it
// would replace, against the importer's clearance and sets who wrote it
// (see As). kind is "node" or "edge".
func (st *stager) attribute(kind, id string, m *store.Meta) error {
	stored, err := st.liveMeta(kind, id)
	if err != nil {
		return err
	}
	as := st.as
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

// citeNote is a citation kept for checking, with what the error or the
// marking check needs of the fact that makes it.
type citeNote struct {
	Fact     string         `json:"f"`
	Kind     string         `json:"k"` // "node" or "edge"
	ID       string         `json:"i"`
	Number   int            `json:"n"`
	Marking  string         `json:"m,omitempty"`
	Citation store.Citation `json:"c"`
}

// noteCitations keeps each citation as a note keyed by its document first,
// so that checkCitations reads each document once. A record's citations
// often come before the document they cite (a native file lists documents
// last), and holding them would take memory in the file's size.
func (st *stager) noteCitations(kind, id, fact, marking string, cs []store.Citation) error {
	for i, c := range cs {
		v, err := json.Marshal(citeNote{Fact: fact, Kind: kind, ID: id, Number: i + 1, Marking: marking, Citation: c})
		if err != nil {
			return fmt.Errorf("note citation %d of %s: %w", i+1, fact, err)
		}
		k := appendPart(nil, c.Document)
		k = appendPart(k, fact)
		k = binary.BigEndian.AppendUint32(k, uint32(i))
		if err := st.imp.StageNote(k, v); err != nil {
			return err
		}
		st.notes++
	}
	return nil
}

// appendPart appends s with its length, so that keys sort by document,
// then fact, and never run together.
func appendPart(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// nodeValue calls fn with the record of node id, staged by this import or
// else stored, and reports whether either exists.
func (st *stager) nodeValue(id string, fn func(b []byte) error) (bool, error) {
	if ok, err := st.imp.StagedNodeValue(id, fn); ok || err != nil {
		return ok, err
	}
	err := st.imp.Live(func(tx *store.Txn) error { return tx.NodeValue(id, fn) })
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// maxRemembered bounds the endpoint types checkEdges keeps (about 100
// bytes each), so that memory does not grow with the file.
const maxRemembered = 1 << 16

// checkEdges checks each staged edge against the ontology, with its
// endpoints' types: each endpoint must be in the file or the store.
func (st *stager) checkEdges() error {
	// Edges share endpoints (a hub state has thousands), and each lookup
	// is a random read: remember types, a bounded number at a time.
	types := map[string]string{}
	typeOf := func(id string) (string, error) {
		if typ, ok := types[id]; ok {
			return typ, nil
		}
		if len(types) >= maxRemembered {
			clear(types)
		}
		var typ string
		ok, err := st.nodeValue(id, func(b []byte) error {
			o, err := store.ParseOutline(b)
			typ = o.Type
			return err
		})
		if err != nil {
			return "", err
		}
		if !ok {
			return "", fmt.Errorf("endpoint %s is neither in the file nor in the store", id)
		}
		types[id] = typ
		return typ, nil
	}
	return st.imp.ScanStagedEdges(func(b []byte) error {
		var e store.Edge
		if err := store.Decode(b, &e); err != nil {
			return fmt.Errorf("read staged edge: %w", err)
		}
		ft, err := typeOf(e.From)
		if err != nil {
			return fmt.Errorf("%w: edge %s: %v", ErrMalformed, e.ID, err)
		}
		tt, err := typeOf(e.To)
		if err != nil {
			return fmt.Errorf("%w: edge %s: %v", ErrMalformed, e.ID, err)
		}
		if err := ontology.ValidateEdge(&e, ft, tt); err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		return nil
	})
}

// checkCitations verifies every noted citation against its document's
// text, in document order, holding one document at a time; for an import
// on someone's behalf, it also checks that each fact is marked at least as
// strictly as what it cites, as package edit requires of mutations (else
// its quotes would show a document's text to readers the document is
// hidden from).
func (st *stager) checkCitations() error {
	var (
		docID   string
		loaded  bool
		found   bool
		text    []rune
		marking string
		done    int
	)
	return st.imp.ScanNotes(func(_, v []byte) error {
		var n citeNote
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("read noted citation: %w", err)
		}
		c := n.Citation
		if !loaded || c.Document != docID {
			loaded, docID, text, marking = true, c.Document, nil, ""
			var err error
			found, err = st.nodeValue(docID, func(b []byte) error {
				var d store.Node
				if err := store.Decode(b, &d); err != nil {
					return err
				}
				text, marking = []rune(d.Props.String("text")), d.Marking
				return nil
			})
			if err != nil {
				return fmt.Errorf("read document %s: %w", docID, err)
			}
		}
		if !found {
			return fmt.Errorf("%w: %s, citation %d (%q): document %s is neither in the file nor in the store", ErrCitation, n.Fact, n.Number, c.Exact, c.Document)
		}
		if st.as != nil && !ontology.Covers(n.Marking, marking) {
			return fmt.Errorf("%w: %s %s is marked %s but cites document %s, which is marked %s: mark it at least %s; nothing was imported", ErrMarking, n.Kind, n.ID, clearanceName(n.Marking), c.Document, marking, marking)
		}
		if err := cite.VerifyRunes(text, c.Exact, c.Prefix, c.Suffix, c.Start, c.End); err != nil {
			return fmt.Errorf("%w: %s, citation %d (%q): %v; the file was altered or its document differs, so nothing was imported", ErrCitation, n.Fact, n.Number, c.Exact, err)
		}
		done++
		if done%1000 == 0 || done == st.notes {
			st.tell(PhaseCheck, done, st.notes)
		}
		return nil
	})
}

func clearanceName(c string) string {
	if c == "" {
		return "CLEAR"
	}
	return c
}
