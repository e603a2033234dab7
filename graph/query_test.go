package graph

import (
	"strconv"
	"strings"
	"testing"

	"github.com/attrib/attrib/graph/generated"
	"github.com/attrib/attrib/query"
)

// The schema writes the default page size into every `first` argument,
// where clients read it; the query layer and the complexity weights use
// query.DefaultFirst. The two must say the same, or a page would be
// weighed at one size and served at another.
func TestSchemaPagesByDefaultFirst(t *testing.T) {
	schema := generated.NewExecutableSchema(generated.Config{Resolvers: &Resolver{}}).Schema()
	seen := 0
	for _, typ := range schema.Types {
		if strings.HasPrefix(typ.Name, "__") {
			continue
		}
		for _, f := range typ.Fields {
			a := f.Arguments.ForName("first")
			if a == nil {
				continue
			}
			seen++
			if a.DefaultValue == nil || a.DefaultValue.Raw != strconv.Itoa(query.DefaultFirst) {
				t.Errorf("%s.%s(first: %v): the default page is query.DefaultFirst, %d", typ.Name, f.Name, a.DefaultValue, query.DefaultFirst)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("found %d fields with `first`; the schema has more", seen)
	}
}
