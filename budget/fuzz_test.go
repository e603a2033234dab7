package budget

import (
	"os"
	"testing"
)

// FuzzCheck: the budget pass never panics or loops, and never counts more
// tokens than the limit it stops at.
func FuzzCheck(f *testing.F) {
	q, _ := os.ReadFile("testdata/introspection.graphql")
	f.Add(string(q))
	f.Add(`{ a: b(x: {y: [1, "z"]}) @d(if: true) { ...F ... on T { c } } } fragment F on T { d }`)
	f.Add(`query Q($v: In = {a: 1}) { x }`)
	f.Fuzz(func(t *testing.T, q string) {
		rep, err := Check(q, Default)
		if rep.Tokens > Default.MaxTokens+1 {
			t.Fatalf("lexed %d tokens past the limit %d (err %v)", rep.Tokens, Default.MaxTokens, err)
		}
	})
}
