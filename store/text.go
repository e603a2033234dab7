package store

import "fmt"

// Quotable is what citing a node needs: its type and Meta, to check that it
// is a document the fact may cite, and its "text" property, to find the
// quote in ("" when it has none or it is not a string, as Props.String).
type Quotable struct {
	Type string
	Meta
	Text string
}

// Quotable reads the quotable parts of node id, skipping its other
// properties and its citations. A mutation cites a document of several
// kilobytes; decoding it whole into a Node was the largest single cost of
// a write.
func (tx *Txn) Quotable(id string) (Quotable, error) {
	var rec struct {
		Type  string `json:"type"`
		Props struct {
			Text any `json:"text"`
		} `json:"properties"`
		Meta
	}
	err := tx.value(prefixNode, "node", id, func(b []byte) error {
		if err := decode(b, &rec); err != nil {
			return fmt.Errorf("decode record: %w", err)
		}
		return nil
	})
	if err != nil {
		return Quotable{}, err
	}
	text, _ := rec.Props.Text.(string)
	return Quotable{Type: rec.Type, Meta: rec.Meta, Text: text}, nil
}
