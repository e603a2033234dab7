package store

import (
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Dated is what paging by date needs of a node: its "date" property ("" when
// it has none) and its Meta, to leave out what the reader may not see.
type Dated struct {
	Date string
	Meta
}

// Dates returns the date and meta of each node in ids, in order, decoding
// nothing else. Paging thousands of claims by date
// needs every date but only a page of records: this reads each record once
// and keeps only its date, instead of decoding and holding them all.
func (tx *Txn) Dates(ids []string) ([]Dated, error) {
	out := make([]Dated, len(ids))
	var rec struct {
		Props struct {
			Date string `json:"date"`
		} `json:"properties"`
		Meta
	}
	for i, id := range ids {
		item, err := tx.t.Get(key(prefixNode, id))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil, fmt.Errorf("node %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("node %s: read: %w", id, err)
		}
		rec.Props.Date, rec.Meta = "", Meta{}
		if err := item.Value(func(b []byte) error { return decode(b, &rec) }); err != nil {
			return nil, fmt.Errorf("node %s: decode record: %w", id, err)
		}
		out[i] = Dated{Date: rec.Props.Date, Meta: rec.Meta}
	}
	return out, nil
}

// Outline is what deciding whether a reader may see a node needs: its type,
// its Meta, and the documents its citations point into, without its
// properties (a document's text can be many kilobytes).
type Outline struct {
	Type string
	Meta
	CitedDocs []string
}

// Outline reads the outline of node id.
func (tx *Txn) Outline(id string) (Outline, error) {
	return tx.outline(prefixNode, "node", id)
}

// EdgeOutline reads the outline of edge id: deciding whether a reader may
// see an edge, and which documents it cites, needs no more.
func (tx *Txn) EdgeOutline(id string) (Outline, error) {
	return tx.outline(prefixEdge, "edge", id)
}

func (tx *Txn) outline(prefix byte, kind, id string) (Outline, error) {
	var o Outline
	err := tx.value(prefix, kind, id, func(b []byte) error {
		var err error
		o, err = ParseOutline(b)
		return err
	})
	return o, err
}

// ParseOutline reads the outline of a stored node or edge record, as
// NodeValue and EdgeValue give it. It decodes with goccy, which copies the
// record but skips a document's text twice as fast as jsontext: for one
// record at a time (search reads one document's marking) that is cheaper;
// a Cursor, reading thousands, uses a reused token reader that allocates
// next to nothing (outlineReader).
func ParseOutline(b []byte) (Outline, error) {
	var rec struct {
		Type string `json:"type"`
		Meta
		Citations []struct {
			Document string `json:"document"`
		} `json:"citations"`
	}
	if err := decode(b, &rec); err != nil {
		return Outline{}, fmt.Errorf("decode record: %w", err)
	}
	o := Outline{Type: rec.Type, Meta: rec.Meta}
	for _, c := range rec.Citations {
		if !slices.Contains(o.CitedDocs, c.Document) {
			o.CitedDocs = append(o.CitedDocs, c.Document)
		}
	}
	return o, nil
}

// NodeValue calls fn with node id's record as stored (JSON, see Node),
// without decoding it. b is valid only during fn: fn must not keep it.
func (tx *Txn) NodeValue(id string, fn func(b []byte) error) error {
	return tx.value(prefixNode, "node", id, fn)
}

// EdgeValue calls fn with edge id's record as stored, like NodeValue.
func (tx *Txn) EdgeValue(id string, fn func(b []byte) error) error {
	return tx.value(prefixEdge, "edge", id, fn)
}

func (tx *Txn) value(prefix byte, kind, id string, fn func(b []byte) error) error {
	item, err := tx.t.Get(key(prefix, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s %s: read: %w", kind, id, err)
	}
	if err := item.Value(fn); err != nil {
		return fmt.Errorf("%s %s: %w", kind, id, err)
	}
	return nil
}
