package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/attrib/attrib/store"
)

// A native file is read as a stream: jsontext's token reader walks the
// top-level object and hands each record of the nodes, edges and documents
// arrays over on its own, so memory holds one record at a time, however big
// the file. Each record is decoded as before: goccy/go-json, which decodes
// valid UTF-8 into the same values as encoding/json (numbers as float64,
// field names matched case-insensitively, escaped lone surrogates as
// U+FFFD) several times faster; a record that is not valid UTF-8 (which no
// export writes) goes through encoding/json, which puts U+FFFD where goccy
// would keep the bytes, so that what is stored never depends on the
// decoder. The format is strict, as encoding/json's DisallowUnknownFields
// made it: knownFields refuses a field no struct of the format has, at any
// level.

// nativeRecord is one record of a native file, as read: from the
// "documents" or "nodes" array (Node set) or "edges" (Edge set).
type nativeRecord struct {
	Array string
	Index int
	Node  *store.Node
	Edge  *store.Edge
}

// errNotNative means the top-level object has no "format" key at all.
var errNotNative = errors.New("no format")

// readNative reads a native file from r and calls fn with each record, in
// file order. It checks the file's shape (format attrib/1, the three arrays,
// no unknown field, nothing after the object); fn checks the records.
func readNative(r io.Reader, fn func(nativeRecord) error) error {
	dec := jsontext.NewDecoder(r, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	notJSON := func(err error) error { return fmt.Errorf("%w: not JSON: %v", ErrMalformed, err) }
	if tok, err := dec.ReadToken(); err != nil {
		return notJSON(err)
	} else if tok.Kind() != '{' {
		return fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	var (
		format *string
		have   = map[string]bool{}
		fields = jsontext.NewDecoder(bytes.NewReader(nil), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	)
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return notJSON(err)
		}
		name := tok.String()
		i := slices.IndexFunc(fileFields, func(f string) bool { return strings.EqualFold(f, name) })
		if i < 0 {
			return fmt.Errorf("%w: the file: unknown field %q", ErrMalformed, name)
		}
		field := fileFields[i]
		if field == "format" {
			tok, err := dec.ReadToken()
			if err != nil {
				return notJSON(err)
			}
			if tok.Kind() != '"' {
				return fmt.Errorf("%w: format is not a string", ErrMalformed)
			}
			f := tok.String()
			if f != "attrib/1" {
				return fmt.Errorf("%w: format %q is not attrib/1", ErrMalformed, f)
			}
			format = &f
			continue
		}
		switch dec.PeekKind() {
		case 'n':
			if _, err := dec.ReadToken(); err != nil {
				return notJSON(err)
			}
			continue
		case '[':
		case 0:
			_, err := dec.ReadToken()
			return notJSON(err)
		default:
			return fmt.Errorf("%w: %s is not an array", ErrMalformed, field)
		}
		if _, err := dec.ReadToken(); err != nil {
			return notJSON(err)
		}
		have[field] = true
		for i := 0; dec.PeekKind() != ']'; i++ {
			v, err := dec.ReadValue()
			if err != nil {
				return notJSON(err)
			}
			rec, err := decodeRecord(fields, field, i, v)
			if err != nil {
				return err
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return notJSON(err)
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return notJSON(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return fmt.Errorf("%w: data after the end of the JSON object", ErrMalformed)
	}
	if format == nil {
		return errNotNative
	}
	if !have["nodes"] || !have["edges"] || !have["documents"] {
		return fmt.Errorf("%w: nodes, edges and documents are all required", ErrMalformed)
	}
	return nil
}

// decodeRecord decodes v, element i of array field, after checking its
// field names with fields (a decoder reused for every record).
func decodeRecord(fields *jsontext.Decoder, field string, i int, v []byte) (nativeRecord, error) {
	where := fmt.Sprintf("%s[%d]", field, i)
	fields.Reset(bytes.NewReader(v), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if err := fileShape.inner[field].check(fields, where); err != nil {
		return nativeRecord{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	unmarshal := store.Decode
	if !utf8.Valid(v) {
		unmarshal = json.Unmarshal
	}
	rec := nativeRecord{Array: field, Index: i}
	var err error
	if field == "edges" {
		rec.Edge = &store.Edge{}
		err = unmarshal(v, rec.Edge)
	} else {
		rec.Node = &store.Node{}
		err = unmarshal(v, rec.Node)
	}
	if err != nil {
		return nativeRecord{}, fmt.Errorf("%w: %s: %v", ErrMalformed, where, err)
	}
	return rec, nil
}

// The fields of each object of a native file, as the structs name them.
var (
	fileFields        = []string{"format", "nodes", "edges", "documents"}
	nodeFields        = []string{"id", "type", "properties", "citations", "marking", "created_by", "retraction"}
	edgeFields        = append([]string{"from", "to"}, nodeFields...)
	citationFields    = []string{"document", "exact", "prefix", "suffix", "start", "end", "translation", "role"}
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

// check reads the next value from dec, checking its field names if it is
// an object, or each element's if it is an array. Names match
// case-insensitively and may repeat, as with encoding/json.
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
			return fmt.Errorf("%s: unknown field %q", where, name)
		}
		sub := s.inner[s.fields[i]]
		if sub == nil {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		if err := sub.check(dec, where+"."+s.fields[i]); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}
