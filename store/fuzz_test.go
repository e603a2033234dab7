package store

import "testing"

// FuzzDecodeNodeID: DecodeNodeID never panics, and what it accepts
// re-encodes to an ID that decodes to the same type and key.
func FuzzDecodeNodeID(f *testing.F) {
	f.Add(NodeID("State", "AL"))
	f.Add(NodeID("Incident", "2022-07-15-albania-gov"))
	f.Add("U3RhdGU6")     // "State:" with no key
	f.Add("!!not-base64") // not base64
	f.Add("U3RhdGU6QUw=") // padded
	f.Fuzz(func(t *testing.T, id string) {
		typ, key, err := DecodeNodeID(id)
		if err != nil {
			return
		}
		if typ == "" || key == "" {
			t.Fatalf("accepted %q with empty type or key", id)
		}
		t2, k2, err := DecodeNodeID(NodeID(typ, key))
		if err != nil || t2 != typ || k2 != key {
			t.Fatalf("%q: round trip gave %q %q %v", id, t2, k2, err)
		}
	})
}
