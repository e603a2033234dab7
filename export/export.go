// Package export writes a selected subgraph (see package subgraph) as a
// self-contained file: attrib's native JSON, a STIX 2.1 bundle, JSON Graph
// Format v2 or Cytoscape.js elements. Every format streams to an io.Writer,
// reading one record at a time from a single store snapshot, and the same
// graph and request always give the same bytes.
package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

// Format names an export format.
type Format string

// Formats, as named on the command line and in /export?format=.
const (
	Native    Format = "native"
	STIX21    Format = "stix21"
	JGF       Format = "jgf"
	Cytoscape Format = "cytoscape"
)

// Formats lists every format.
var Formats = []Format{Native, STIX21, JGF, Cytoscape}

// ErrFormat means an unknown format was asked for.
var ErrFormat = errors.New("unknown export format")

// ParseFormat reads a format name, ignoring case.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q: use one of native, stix21, jgf, cytoscape", ErrFormat, s)
}

// Extension is the file name extension that suits f.
func (f Format) Extension() string {
	if f == STIX21 {
		return ".stix.json"
	}
	return "." + string(f) + ".json"
}

// Write selects the subgraph r asks for in s and writes it to w as f. The
// selection and every record come from one snapshot. Nothing is written
// when the request is refused (unknown root, bad depth, past a limit).
//
// Everything is read through rd's scope: the walk selects only what it
// shows, and the records are read through it too.
func Write(rd *view.Reader, r subgraph.Request, f Format, w io.Writer) error {
	_, err := write(rd, r, f, w)
	return err
}

// written counts how the native writer wrote records, for tests.
type written struct {
	verbatim, decoded int
}

func write(rd *view.Reader, r subgraph.Request, f Format, w io.Writer) (written, error) {
	var n written
	if _, err := ParseFormat(string(f)); err != nil {
		return n, err
	}
	if err := r.Validate(); err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	err := rd.View(func(tx *view.Txn) error {
		sel, err := subgraph.Walk(tx, r)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(w, 64<<10)
		src := &source{tx: tx, sel: sel}
		switch f {
		case Native:
			err = writeNative(bw, src)
		case STIX21:
			err = writeSTIX(bw, src)
		case JGF:
			err = writeJGF(bw, src)
		case Cytoscape:
			err = writeCytoscape(bw, src)
		}
		n = src.written
		if err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return n, fmt.Errorf("export: %w", err)
	}
	return n, nil
}

// source reads the selected records one at a time.
type source struct {
	tx       *view.Txn
	sel      *subgraph.Selection
	withheld *withheld // built at the first record, see verbatim
	written  written

	// writeRecord's state: the list written to, whether the record was
	// copied, and the callback that copies it.
	list       *list
	copied     bool
	copyRecord func(b []byte) error
}

func (s *source) node(id string) (*store.Node, error) {
	n, err := s.tx.Node(id)
	if errors.Is(err, store.ErrNotFound) && s.sel.Cites(id) {
		// A retracted document still shows as the evidence of the
		// selected facts that cite it.
		n, err = s.tx.CitedDocument(id)
	}
	if err != nil {
		return nil, err
	}
	n.Citations = s.cites(n.Citations)
	normaliseNode(n)
	return n, nil
}

// cites keeps the citations into documents the selection holds: a quote
// out of a document the reader may not see is that document's text.
func (s *source) cites(cs []store.Citation) []store.Citation {
	out := cs[:0:0]
	for _, c := range cs {
		if s.sel.Cites(c.Document) {
			out = append(out, c)
		}
	}
	return out
}

func (s *source) edge(id string) (*store.Edge, error) {
	e, err := s.tx.Edge(id)
	if err != nil {
		return nil, err
	}
	e.Citations = s.cites(e.Citations)
	if e.Props == nil {
		e.Props = store.Props{}
	}
	if e.Citations == nil {
		e.Citations = []store.Citation{}
	}
	return e, nil
}

// normaliseNode gives absent lists and maps their empty value, so every
// file shows the same shape whatever the store kept.
func normaliseNode(n *store.Node) {
	if n.Props == nil {
		n.Props = store.Props{}
	}
	if n.Citations == nil {
		n.Citations = []store.Citation{}
	}
}

// marshal encodes v compactly without HTML escaping (quotes keep their
// characters as written), with no trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// list writes the items of one JSON array, one per line with indent, after
// the caller has written the opening bracket.
type list struct {
	w      *bufio.Writer
	indent string
	n      int
}

func (l *list) add(v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	l.next()
	_, err = l.w.Write(b)
	return err
}

// next starts the next item: the separator and the indent.
func (l *list) next() {
	if l.n > 0 {
		l.w.WriteString(",")
	}
	l.w.WriteString("\n")
	l.w.WriteString(l.indent)
	l.n++
}

// close writes the closing bracket, on its own line when the list is not
// empty.
func (l *list) close(closer string) {
	if l.n > 0 {
		l.w.WriteString("\n" + l.indent[:len(l.indent)-2])
	}
	l.w.WriteString(closer)
}

// writeString writes a JSON string.
func writeString(w *bufio.Writer, s string) {
	b, _ := marshal(s)
	w.Write(b)
}
