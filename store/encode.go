package store

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The stored form of a record is what encoding/json.Marshal writes for it:
// sorted property keys, HTML-safe escapes, invalid UTF-8 as \ufffd. Those
// bytes are the on-disk contract (PutNode's identical-record check compares
// them, and exports and audit entries carry them), so they must never
// change. Marshal finds its way through the structs by reflection on every
// call, which was a large part of an import's and a mutation's CPU; the
// encoders below write the same bytes directly. A property value of a type
// they do not know is handed to encoding/json itself. encode_test.go
// compares both over the seed, a generated corpus and hand-picked values.

// EncodeNode returns n's stored bytes, exactly as json.Marshal(n) writes
// them.
func EncodeNode(n *Node) ([]byte, error) {
	b := make([]byte, 0, 256+recordSize(n.Props, n.Citations))
	b = append(b, `{"id":`...)
	b = appendString(b, n.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, n.Type)
	return appendBody(b, n.Props, n.Citations, &n.Meta)
}

// EncodeEdge returns e's stored bytes, exactly as json.Marshal(e) writes
// them.
func EncodeEdge(e *Edge) ([]byte, error) {
	b := make([]byte, 0, 256+recordSize(e.Props, e.Citations))
	b = append(b, `{"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, e.Type)
	b = append(b, `,"from":`...)
	b = appendString(b, e.From)
	b = append(b, `,"to":`...)
	b = appendString(b, e.To)
	return appendBody(b, e.Props, e.Citations, &e.Meta)
}

// recordSize guesses the encoded size of a record's larger parts, so that
// the buffer grows once at most.
func recordSize(p Props, cs []Citation) int {
	n := 0
	for k, v := range p {
		n += len(k) + 8
		if s, ok := v.(string); ok {
			n += len(s)
		}
	}
	for _, c := range cs {
		n += 100 + len(c.Document) + len(c.Exact) + len(c.Prefix) + len(c.Suffix)
	}
	return n
}

// appendBody writes the fields a node and an edge share, and closes the
// object.
func appendBody(b []byte, p Props, cs []Citation, m *Meta) ([]byte, error) {
	b = append(b, `,"properties":`...)
	b, err := appendValue(b, map[string]any(p))
	if err != nil {
		return nil, err
	}
	b = append(b, `,"citations":`...)
	if cs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range cs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCitation(b, &cs[i])
		}
		b = append(b, ']')
	}
	if m.Marking != "" {
		b = append(b, `,"marking":`...)
		b = appendString(b, m.Marking)
	}
	if m.CreatedBy != "" {
		b = append(b, `,"created_by":`...)
		b = appendString(b, m.CreatedBy)
	}
	if r := m.Retraction; r != nil {
		b = append(b, `,"retraction":{"by":`...)
		b = appendString(b, r.By)
		b = append(b, `,"at":`...)
		b = appendString(b, r.At)
		b = append(b, `,"reason":`...)
		b = appendString(b, r.Reason)
		b = append(b, '}')
	}
	return append(b, '}'), nil
}

func appendCitation(b []byte, c *Citation) []byte {
	b = append(b, `{"document":`...)
	b = appendString(b, c.Document)
	b = append(b, `,"exact":`...)
	b = appendString(b, c.Exact)
	b = append(b, `,"prefix":`...)
	b = appendString(b, c.Prefix)
	b = append(b, `,"suffix":`...)
	b = appendString(b, c.Suffix)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(c.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(c.End), 10)
	if t := c.Translation; t != nil {
		b = append(b, `,"translation":{"lang":`...)
		b = appendString(b, t.Lang)
		b = append(b, `,"text":`...)
		b = appendString(b, t.Text)
		b = append(b, `,"translator":`...)
		b = appendString(b, t.Translator)
		b = append(b, `,"authoritative":`...)
		b = strconv.AppendBool(b, t.Authoritative)
		b = append(b, '}')
	}
	if c.Role != "" {
		b = append(b, `,"role":`...)
		b = appendString(b, c.Role)
	}
	return append(b, '}')
}

// appendValue writes a property value: the JSON types a decoded record
// holds directly, anything else through encoding/json.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case float64:
		return appendFloat(b, v)
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, x := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, x); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if v == nil {
			return append(b, "null"...), nil
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, v[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode property: %w", err)
		}
		return append(b, raw...), nil
	}
}

// appendFloat writes f as encoding/json does: the shortest decimal that
// reads back as f, in exponent form only for very small or large values,
// with a one-digit negative exponent unpadded (1e-7, not 1e-07).
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, fmt.Errorf("encode property: unsupported value %v", f)
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does with
// HTML escaping on: <, > and & as \u003c, \u003e, \u0026; control
// characters with their short escapes where JSON has one (\b \f \n \r \t)
// and \u00XX otherwise; each byte of invalid UTF-8 as \ufffd; U+2028 and
// U+2029 (line terminators to JavaScript) escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
