package store

import (
	"bytes"
	"fmt"
	"strings"
)

// Quotable is what citing a node needs: its type and Meta, to check that it
// is a document the fact may cite, and its "text" property, to find the
// quote in ("" when it has none or it is not a string, as Props.String).
type Quotable struct {
	Type string
	Meta
	Text string
}

// Quotable reads the quotable parts of node id. A mutation cites a document
// of several kilobytes, and decoding it into a Node was the largest single
// cost of a write; even a decoder told to skip the rest walks the text a
// byte at a time. ParseQuotable finds the parts with a scanner that jumps
// from quote to quote.
func (tx *Txn) Quotable(id string) (Quotable, error) {
	var q Quotable
	err := tx.value(prefixNode, "node", id, func(b []byte) error {
		var err error
		q, err = ParseQuotable(b)
		return err
	})
	return q, err
}

// ParseQuotable reads the quotable parts of a stored node record. Records
// are written compact by EncodeNode; anything the scanner does not expect
// (an escaped key, a key that matches a field only ignoring case, broken
// nesting) is decoded in full instead, so that for any record the decoder
// accepts the answer is what decoding it would give.
func ParseQuotable(b []byte) (Quotable, error) {
	if q, ok := scanQuotable(b); ok {
		return q, nil
	}
	var rec struct {
		Type  string `json:"type"`
		Props Props  `json:"properties"`
		Meta
	}
	if err := decode(b, &rec); err != nil {
		return Quotable{}, fmt.Errorf("decode record: %w", err)
	}
	return Quotable{Type: rec.Type, Meta: rec.Meta, Text: rec.Props.String("text")}, nil
}

// scanQuotable is ParseQuotable's fast path; ok is false when b is not a
// record it can read with certainty.
func scanQuotable(b []byte) (q Quotable, ok bool) {
	s := scanner{b: b}
	if !s.next('{') {
		return q, false
	}
	if s.next('}') {
		return q, s.end()
	}
	for {
		key, ok := s.key(true, "type", "marking", "created_by", "properties", "retraction")
		if !ok {
			return q, false
		}
		switch key {
		case "type", "marking", "created_by":
			v, ok := s.string()
			if !ok {
				return q, false
			}
			switch key {
			case "type":
				q.Type = v
			case "marking":
				q.Marking = v
			default:
				q.CreatedBy = v
			}
		case "properties":
			if q.Text, ok = s.text(); !ok {
				return q, false
			}
		case "retraction":
			start := s.at()
			if !s.skip() {
				return q, false
			}
			q.Retraction = nil
			if err := decode(b[start:s.i], &q.Retraction); err != nil {
				return q, false
			}
		default:
			if !s.skip() {
				return q, false
			}
		}
		if s.next('}') {
			return q, s.end()
		}
		if !s.next(',') {
			return q, false
		}
	}
}

// scanner walks JSON text. Its methods report false on anything they do not
// expect, and the caller falls back to a full decoder.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\n' || s.b[s.i] == '\t' || s.b[s.i] == '\r') {
		s.i++
	}
}

// at skips space and returns the offset of the next value.
func (s *scanner) at() int { s.space(); return s.i }

func (s *scanner) next(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *scanner) end() bool { s.space(); return s.i == len(s.b) }

// raw reads a string and returns what lies between its quotes, and whether
// it holds an escape.
func (s *scanner) raw() (v []byte, escaped, ok bool) {
	if !s.next('"') {
		return nil, false, false
	}
	start := s.i
	for {
		j := bytes.IndexByte(s.b[s.i:], '"')
		if j < 0 {
			return nil, false, false
		}
		k := bytes.IndexByte(s.b[s.i:s.i+j], '\\')
		if k < 0 {
			s.i += j + 1
			return s.b[start : s.i-1], escaped, true
		}
		escaped = true
		s.i += k + 2 // the backslash and the character it escapes
		if s.i > len(s.b) {
			return nil, false, false
		}
	}
}

// string reads a string value. A string with no escape is its own value:
// the decoder too takes its bytes as they are (it neither checks UTF-8 nor
// refuses control characters, which EncodeNode never writes anyway), and
// checking them would cost as much as decoding. Escapes go to the decoder.
func (s *scanner) string() (string, bool) {
	start := s.at()
	v, escaped, ok := s.raw()
	if !ok {
		return "", false
	}
	if !escaped {
		return string(v), true
	}
	var out string
	if err := decode(s.b[start:s.i], &out); err != nil {
		return "", false
	}
	return out, true
}

// key reads an object key followed by its colon, and returns it if it is
// one of wanted ("" if not). The decoder reads escapes, and matches a
// struct's fields (fold) without regard to case, so an escaped key, or one
// that would match only that way, is left to it. Property names are map
// keys: they match exactly.
func (s *scanner) key(fold bool, wanted ...string) (string, bool) {
	v, escaped, ok := s.raw()
	if !ok || escaped || !s.next(':') {
		return "", false
	}
	for _, w := range wanted {
		if string(v) == w {
			return w, true
		}
		if fold && strings.EqualFold(string(v), w) {
			return "", false
		}
	}
	return "", true
}

// text reads the properties object and returns its "text" string ("" when
// absent or not a string).
func (s *scanner) text() (string, bool) {
	if s.at() < len(s.b) && s.b[s.i] == 'n' {
		return "", s.skip()
	}
	if !s.next('{') {
		return "", false
	}
	text := ""
	if s.next('}') {
		return text, true
	}
	for {
		key, ok := s.key(false, "text")
		if !ok {
			return "", false
		}
		if key == "text" && s.at() < len(s.b) && s.b[s.i] == '"' {
			if text, ok = s.string(); !ok {
				return "", false
			}
		} else {
			if key == "text" {
				text = ""
			}
			if !s.skip() {
				return "", false
			}
		}
		if s.next('}') {
			return text, true
		}
		if !s.next(',') {
			return "", false
		}
	}
}

// skip passes over one value of any kind.
func (s *scanner) skip() bool {
	if s.at() >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, _, ok := s.raw()
		return ok
	case '{', '[':
		closer := byte('}')
		if s.b[s.i] == '[' {
			closer = ']'
		}
		obj := closer == '}'
		s.i++
		if s.next(closer) {
			return true
		}
		for {
			if obj {
				if _, _, ok := s.raw(); !ok || !s.next(':') {
					return false
				}
			}
			if !s.skip() {
				return false
			}
			if s.next(closer) {
				return true
			}
			if !s.next(',') {
				return false
			}
		}
	default:
		start := s.i
		for s.i < len(s.b) && bytes.IndexByte([]byte(",}] \n\t\r"), s.b[s.i]) < 0 {
			s.i++
		}
		lit := s.b[start:s.i]
		if bytes.Equal(lit, []byte("null")) || bytes.Equal(lit, []byte("true")) || bytes.Equal(lit, []byte("false")) {
			return true
		}
		// A number: the decoder would check its form; only its extent
		// matters here (stored records are written by EncodeNode).
		return len(lit) > 0 && (lit[0] == '-' || (lit[0] >= '0' && lit[0] <= '9'))
	}
}
