package store_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/attrib/attrib/internal/seedtest"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/synthetic"
)

// sameAsMarshal fails t unless EncodeNode/EncodeEdge write exactly what
// encoding/json.Marshal writes for v.
func sameAsMarshal(t *testing.T, v any) {
	t.Helper()
	want, werr := json.Marshal(v)
	var got []byte
	var err error
	switch r := v.(type) {
	case *store.Node:
		got, err = store.EncodeNode(r)
	case *store.Edge:
		got, err = store.EncodeEdge(r)
	}
	if (err != nil) != (werr != nil) {
		t.Fatalf("error %v, encoding/json's %v", err, werr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("encoded\n%s\nencoding/json wrote\n%s", got, want)
	}
}

func TestEncodeMatchesMarshalOnSeedAndCorpus(t *testing.T) {
	b, err := seed.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := range b.Nodes {
		sameAsMarshal(t, &b.Nodes[i])
	}
	for i := range b.Edges {
		sameAsMarshal(t, &b.Edges[i])
	}
	s := seedtest.Synthetic(t, synthetic.Options{Seed: 5, Incidents: 40})
	nodes, edges := 0, 0
	err = s.View(func(tx *store.Txn) error {
		if err := tx.ScanNodes(func(_ string, n *store.Node) error { nodes++; sameAsMarshal(t, n); return nil }); err != nil {
			return err
		}
		return tx.ScanEdges(func(_ string, e *store.Edge) error { edges++; sameAsMarshal(t, e); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if nodes < 300 || edges < 300 {
		t.Fatalf("compared only %d nodes and %d edges", nodes, edges)
	}
}

func TestEncodeMatchesMarshalOnOddValues(t *testing.T) {
	var every strings.Builder
	for c := range 256 {
		every.WriteByte(byte(c))
	}
	strs := []string{"", every.String(), "<script>&amp;</script>", "\u2028\u2029\u202f", "\x7f\x00\x1f\b\f\n\r\t",
		"\xff\xfe", "a\xc3", "\xed\xa0\x80", "\U0001F600", "عربي — «اقتباس»", `"\/`, "\ufffd", "\xef\xbf\xbd"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		buf := make([]byte, rnd.IntN(40))
		for i := range buf {
			buf[i] = byte(rnd.IntN(256))
		}
		strs = append(strs, string(buf))
		rs := make([]rune, rnd.IntN(20))
		for i := range rs {
			rs[i] = rune(rnd.IntN(0x2100))
		}
		strs = append(strs, string(rs))
	}
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99999e-7, 1e-7, 1e20, 1e21, 123456789012345678901234567890,
		1.0000000000000002, 5e-324, math.MaxFloat64, -1e-100, 1e100, 12.5, 1e-10}
	for range 500 {
		f := math.Float64frombits(rnd.Uint64())
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			floats = append(floats, f)
		}
	}
	for i, s := range strs {
		f := floats[i%len(floats)]
		n := &store.Node{ID: s, Type: s, Props: store.Props{s: s, "f": f, "list": []any{s, f, nil, true, []any{}, map[string]any{}},
			"obj": map[string]any{"z": s, "a": []any{f}, s: false}, "strs": []string{s}, "int": i, "props": store.Props{s: 1},
			"nilList": []any(nil), "nilMap": map[string]any(nil)},
			Citations: []store.Citation{{Document: s, Exact: s, Prefix: s, Suffix: s, Start: -i, End: i,
				Translation: &store.Translation{Lang: s, Text: s, Translator: s, Authoritative: i%2 == 0}}},
			Meta: store.Meta{Marking: s, CreatedBy: s, Retraction: &store.Retraction{By: s, At: s, Reason: s}}}
		sameAsMarshal(t, n)
		sameAsMarshal(t, &store.Edge{ID: s, Type: s, From: s, To: s, Props: n.Props, Citations: n.Citations, Meta: n.Meta})
	}
	sameAsMarshal(t, &store.Node{})
	sameAsMarshal(t, &store.Edge{Props: store.Props{}, Citations: []store.Citation{}})
	sameAsMarshal(t, &store.Node{Props: store.Props{"nan": math.NaN()}})
	sameAsMarshal(t, &store.Node{Props: store.Props{"inf": []any{math.Inf(1)}}})
	sameAsMarshal(t, &store.Node{Props: store.Props{"ch": make(chan int)}})
}
