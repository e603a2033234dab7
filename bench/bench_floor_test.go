package bench

import (
	"testing"

	"github.com/attrib/attrib/bench/floor"
)

// BenchmarkFloor runs the static schema: floor (b) and, with items,
// floor (c).
func BenchmarkFloor(b *testing.B) {
	h := floor.NewHandler()
	for _, q := range []struct{ name, query string }{{"typename", TypenameQuery}, {"items100", floor.ItemsQuery(FloorItems)}} {
		b.Run(q.name, func(b *testing.B) {
			op, err := InProcess(h, q.query, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := op(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
