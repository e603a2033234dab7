package store_test

import (
	"encoding/json"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	gojson "github.com/goccy/go-json"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// corpus is a store holding a generated corpus, and its nodes.
func corpus(b *testing.B) (*store.Store, []*store.Node) {
	s := seedtest.Synthetic(b, synthetic.Options{Seed: 5, Incidents: 40})
	var nodes []*store.Node
	err := s.View(func(tx *store.Txn) error {
		return tx.ScanNodes(func(_ string, n *store.Node) error { nodes = append(nodes, n); return nil })
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, nodes
}

// The codecs a record could be read with, measured on the stored bytes of
// a generated corpus's nodes: the measurement behind the choice in the
// package doc (store.go).
func BenchmarkDecodeRecord(b *testing.B) {
	_, nodes := corpus(b)
	recs := make([][]byte, len(nodes))
	for i, n := range nodes {
		recs[i], _ = store.EncodeNode(n)
	}
	for _, c := range []struct {
		name      string
		unmarshal func([]byte, any) error
	}{
		{"encoding-json", json.Unmarshal},
		{"goccy", gojson.Unmarshal},
		{"json-v2", func(r []byte, v any) error {
			return jsonv2.Unmarshal(r, v, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
		}},
		{"store.Decode", func(r []byte, v any) error { return store.Decode(r, v) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				var n store.Node
				if err := c.unmarshal(recs[i%len(recs)], &n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Records are written by EncodeNode, byte for byte what encoding/json
// writes (encode_test.go), and faster.
func BenchmarkEncodeRecord(b *testing.B) {
	_, nodes := corpus(b)
	b.Run("EncodeNode", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := store.EncodeNode(nodes[i%len(nodes)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := json.Marshal(nodes[i%len(nodes)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// ScanNodes reads every record whole, as check does.
func BenchmarkScanNodes(b *testing.B) {
	s, _ := corpus(b)
	b.ReportAllocs()
	for range b.N {
		err := s.View(func(tx *store.Txn) error {
			return tx.ScanNodes(func(string, *store.Node) error { return nil })
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
