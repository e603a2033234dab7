package bench

import (
	"encoding/binary"
	"fmt"
)

// The raw floors read Badger directly, so they build keys themselves. This
// mirrors the on-disk layout documented in store/keys.go (a one-byte table
// prefix, then each part with a 2-byte big-endian length); TestRawKeys
// fails if the two drift apart.
const (
	tableNode  = 'n'
	tableOut   = 'o'
	tableIn    = 'i'
	tableEdge  = 'e'
	tableDate  = 'd'
	tableDated = 'r'
	tableCount = 'u'
)

func rawKey(prefix byte, parts ...string) []byte {
	n := 1
	for _, p := range parts {
		n += 2 + len(p)
	}
	k := make([]byte, 1, n)
	k[0] = prefix
	for _, p := range parts {
		k = binary.BigEndian.AppendUint16(k, uint16(len(p)))
		k = append(k, p...)
	}
	return k
}

// keyPart returns part i (from 0) of a composite key.
func keyPart(k []byte, i int) (string, error) {
	rest := k[1:]
	for j := 0; ; j++ {
		if len(rest) < 2 {
			return "", fmt.Errorf("key %q has no part %d", k, i)
		}
		n := int(binary.BigEndian.Uint16(rest))
		if len(rest) < 2+n {
			return "", fmt.Errorf("key %q: truncated part", k)
		}
		if j == i {
			return string(rest[2 : 2+n]), nil
		}
		rest = rest[2+n:]
	}
}
