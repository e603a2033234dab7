package store

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
)

// outlineReader reads outlines with jsontext's token reader: it visits the
// record's members and skips the properties without building them or
// copying the record. Decoding into a struct (goccy) copied the whole
// record first, a document's text included, and the outline is read for
// every record a walk meets. One reader is reused for many records.
type outlineReader struct {
	buf   bytes.Buffer
	dec   *jsontext.Decoder
	names map[string]string // strings kept, see Cursor; nil keeps none
}

// Stored records are written by EncodeNode and EncodeEdge: valid UTF-8 and
// no duplicate names, which the reader need not check again (both checks
// cost time and memory per record).
var outlineOptions = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// parse reads the outline of stored record b. The outline holds no
// reference into b.
func (r *outlineReader) parse(b []byte) (Outline, error) {
	o, err := r.read(b)
	if err != nil {
		return Outline{}, fmt.Errorf("decode record: %w", err)
	}
	return o, nil
}

func (r *outlineReader) read(b []byte) (Outline, error) {
	// A bytes.Buffer is read in place: jsontext does not copy it.
	r.buf = *bytes.NewBuffer(b)
	if r.dec == nil {
		r.dec = jsontext.NewDecoder(&r.buf, outlineOptions...)
	} else {
		r.dec.Reset(&r.buf, outlineOptions...)
	}
	var o Outline
	dec := r.dec
	if err := r.open('{'); err != nil {
		return o, err
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return o, err
		}
		switch string(name) {
		case `"type"`:
			o.Type, err = r.str(true)
		case `"marking"`:
			o.Marking, err = r.str(true)
		case `"created_by"`:
			o.CreatedBy, err = r.str(true)
		case `"retraction"`:
			o.Retraction, err = r.retraction()
		case `"citations"`:
			o.CitedDocs, err = r.citedDocs()
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return o, fmt.Errorf("%s: %w", name, err)
		}
	}
	return o, r.close('}')
}

// open reads the start of an object or array ('{' or '[').
func (r *outlineReader) open(kind jsontext.Kind) error {
	tok, err := r.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != kind {
		return fmt.Errorf("found %v, want %v", tok.Kind(), kind)
	}
	return nil
}

// close reads the end of an object or array ('}' or ']').
func (r *outlineReader) close(kind jsontext.Kind) error {
	return r.open(kind)
}

// null reads a null if one comes next.
func (r *outlineReader) null() (bool, error) {
	if r.dec.PeekKind() != 'n' {
		return false, nil
	}
	_, err := r.dec.ReadToken()
	return true, err
}

// str reads a string, or a null as "". With keep, it is taken from and
// kept in the reader's names.
func (r *outlineReader) str(keep bool) (string, error) {
	if null, err := r.null(); null || err != nil {
		return "", err
	}
	v, err := r.dec.ReadValue()
	if err != nil {
		return "", err
	}
	if v.Kind() != '"' {
		return "", fmt.Errorf("found %v, want a string", v.Kind())
	}
	if bytes.IndexByte(v, '\\') < 0 {
		if !keep {
			return string(v[1 : len(v)-1]), nil
		}
		return intern(r.names, v[1:len(v)-1]), nil
	}
	u, err := jsontext.AppendUnquote(nil, v)
	return string(u), err
}

func (r *outlineReader) retraction() (*Retraction, error) {
	if null, err := r.null(); null || err != nil {
		return nil, err
	}
	if err := r.open('{'); err != nil {
		return nil, err
	}
	var rt Retraction
	for r.dec.PeekKind() == '"' {
		name, err := r.dec.ReadValue()
		if err != nil {
			return nil, err
		}
		// Retractions are few and their reasons free text: not kept.
		switch string(name) {
		case `"by"`:
			rt.By, err = r.str(false)
		case `"at"`:
			rt.At, err = r.str(false)
		case `"reason"`:
			rt.Reason, err = r.str(false)
		default:
			err = r.dec.SkipValue()
		}
		if err != nil {
			return nil, err
		}
	}
	return &rt, r.close('}')
}

// citedDocs reads the citations and returns the documents they cite, each
// once, in order of first citation.
func (r *outlineReader) citedDocs() ([]string, error) {
	if null, err := r.null(); null || err != nil {
		return nil, err
	}
	if err := r.open('['); err != nil {
		return nil, err
	}
	var docs []string
	for k := r.dec.PeekKind(); k == '{' || k == 'n'; k = r.dec.PeekKind() {
		// A null citation cites no document; it reads as one with an
		// empty document, as decoding into a struct reads it.
		if null, err := r.null(); err != nil {
			return nil, err
		} else if null {
			if !slices.Contains(docs, "") {
				docs = append(docs, "")
			}
			continue
		}
		if err := r.open('{'); err != nil {
			return nil, err
		}
		for r.dec.PeekKind() == '"' {
			name, err := r.dec.ReadValue()
			if err != nil {
				return nil, err
			}
			if string(name) != `"document"` {
				if err := r.dec.SkipValue(); err != nil {
					return nil, err
				}
				continue
			}
			d, err := r.str(true)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(docs, d) {
				docs = append(docs, d)
			}
		}
		if err := r.close('}'); err != nil {
			return nil, err
		}
	}
	return docs, r.close(']')
}
