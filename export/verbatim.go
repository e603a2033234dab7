package export

import (
	"bufio"
	"bytes"
	"strings"
)

// The native file shows each record as the store keeps it, and the store
// keeps records as encoding/json writes them, so most records can go to the
// file as their stored bytes, with no decoding and no encoding: the whole
// cost of an export used to be decoding every record and encoding it again.
// The stored bytes differ from what the file shows in three ways only,
// checked here; a record that differs otherwise takes the slow path.
//
//   - The store escapes <, > and & as \u003c, \u003e and \u0026 (HTML
//     escaping, encoding/json's default); the file writes them as they are.
//     writeUnescaped undoes exactly these escapes as it copies.
//   - A citation into a document the reader may not see is dropped from the
//     file: such a record is decoded and encoded.
//   - Absent properties or citations are stored as null and shown as {} and
//     []: such a record is decoded and encoded.

// verbatimOff turns the fast path off, so tests can compare both paths.
var verbatimOff = false

var (
	propsMember     = []byte(`,"properties":`)
	citationsMember = []byte(`,"citations":`)
	null            = []byte("null")
)

// nullMembers reports whether stored record b has null properties or
// citations. The store writes id, type, from and to (strings), then
// properties, then citations, then marking, author and retraction
// (strings and an object of strings): since a quote inside a string is
// escaped, the first ,"properties": in b is the record's own, and so is
// the last ,"citations":. Searching for those, rather than for a null
// anywhere, reads only the start of a large record and its tail.
func nullMembers(b []byte) bool {
	if i := bytes.Index(b, propsMember); i >= 0 && bytes.HasPrefix(b[i+len(propsMember):], null) {
		return true
	}
	i := bytes.LastIndex(b, citationsMember)
	return i >= 0 && bytes.HasPrefix(b[i+len(citationsMember):], null)
}

// verbatim reports whether stored record b, once unescaped, is exactly what
// the file shows. The checks look for byte patterns without decoding: in
// JSON a quote inside a string is escaped, so a pattern that starts with a
// quote matches only keys and values, and a match inside a nested property
// (a citation-like object in a property, say) only sends the record down
// the slow path, which is always right.
func (s *source) verbatim(b []byte) bool {
	if verbatimOff || nullMembers(b) {
		return false
	}
	if s.withheld == nil {
		s.withheld = withheldCitations(s.sel.Withheld)
	}
	if s.withheld.all {
		return false
	}
	// Most exports withhold no document, and then no citation is dropped.
	for _, p := range s.withheld.starts {
		if bytes.Contains(b, p) {
			return false
		}
	}
	return true
}

// withheld is how the stored citations into withheld documents start.
type withheld struct {
	starts [][]byte
	all    bool // an ID the patterns cannot match safely: every record takes the slow path
}

func withheldCitations(ids []string) *withheld {
	w := &withheld{}
	for _, id := range ids {
		// Node IDs are URL-safe base64, which JSON writes as it is; any
		// other ID might be escaped in the stored bytes.
		if strings.ContainsFunc(id, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_')
		}) {
			w.all = true
		}
		w.starts = append(w.starts, []byte(`{"document":"`+id+`",`))
	}
	return w
}

// writeRecord adds node or edge id to l as the native file shows it: its
// stored bytes when verbatim says they are that, or else the decoded record
// encoded again.
func (s *source) writeRecord(l *list, edge bool, id string) error {
	// The callback is made once per export: a closure per record was most
	// of the writer's own allocations.
	if s.copyRecord == nil {
		s.copyRecord = func(b []byte) error {
			if !s.verbatim(b) {
				return nil
			}
			s.copied = true
			s.written.verbatim++
			s.list.next()
			return writeUnescaped(s.list.w, b)
		}
	}
	s.list, s.copied = l, false
	var err error
	if edge {
		err = s.tx.EdgeValue(id, s.copyRecord)
	} else {
		err = s.tx.NodeValue(id, s.copyRecord)
	}
	if err != nil || s.copied {
		return err
	}
	s.written.decoded++
	if edge {
		e, err := s.edge(id)
		if err != nil {
			return err
		}
		return l.add(e)
	}
	n, err := s.node(id)
	if err != nil {
		return err
	}
	return l.add(n)
}

// writeUnescaped copies JSON b to w, turning the escapes \u003c, \u003e
// and \u0026 back into <, > and &. Escapes come in pairs (a backslash and
// what it escapes), so a backslash that is itself escaped is never taken
// for the start of one.
func writeUnescaped(w *bufio.Writer, b []byte) error {
	for {
		i := bytes.IndexByte(b, '\\')
		if i < 0 {
			_, err := w.Write(b)
			return err
		}
		w.Write(b[:i])
		b = b[i:]
		if len(b) >= 6 && b[1] == 'u' && b[2] == '0' && b[3] == '0' {
			var c byte
			switch string(b[4:6]) {
			case "3c":
				c = '<'
			case "3e":
				c = '>'
			case "26":
				c = '&'
			}
			if c != 0 {
				w.WriteByte(c)
				b = b[6:]
				continue
			}
		}
		n := min(2, len(b))
		w.Write(b[:n])
		b = b[n:]
	}
}
