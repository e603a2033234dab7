package graph

import (
	"reflect"
	"strings"
	"testing"

	"github.com/attrib/attrib/graph/generated"
)

// Every list field of the schema must be weighed by its size: gqlgen's
// default (child + 1) lets nested lists multiply unseen.
func TestEveryListFieldIsWeighed(t *testing.T) {
	cfg := generated.Config{Resolvers: &Resolver{}}
	schema := generated.NewExecutableSchema(cfg).Schema()
	weighComplexity(&cfg.Complexity, schema)
	root := reflect.ValueOf(cfg.Complexity)
	lists := 0
	for _, typ := range schema.Types {
		if strings.HasPrefix(typ.Name, "__") || len(typ.Fields) == 0 || typ.Kind != "OBJECT" {
			continue
		}
		for _, fd := range typ.Fields {
			paged := fd.Arguments.ForName("first") != nil
			if fd.Type.Elem == nil && !paged || strings.HasPrefix(fd.Name, "__") {
				continue
			}
			lists++
			obj := root.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, typ.Name) })
			if !obj.IsValid() {
				t.Errorf("%s.%s: no complexity entry for type %s", typ.Name, fd.Name, typ.Name)
				continue
			}
			f := obj.FieldByNameFunc(func(n string) bool { return strings.EqualFold(n, fd.Name) })
			if !f.IsValid() || f.IsNil() {
				t.Errorf("%s.%s is a list but is not weighed", typ.Name, fd.Name)
				continue
			}
			args := []reflect.Value{reflect.ValueOf(5)}
			for i := 1; i < f.Type().NumIn(); i++ {
				args = append(args, reflect.Zero(f.Type().In(i)))
			}
			got := int(f.Call(args)[0].Int())
			want := 1 + 5*listWeight
			switch {
			case paged:
				want = 1 + 5*defaultFirst
			case fd.Arguments.ForName("ids") != nil, fd.Name == "edges" && strings.HasSuffix(typ.Name, "Connection"):
				want = 1 + 5
			}
			if got != want {
				t.Errorf("%s.%s with child cost 5 costs %d, want %d", typ.Name, fd.Name, got, want)
			}
		}
	}
	if lists < 30 {
		t.Fatalf("found only %d list fields; is the walk broken?", lists)
	}
}

func TestWeighDoesNotOverflow(t *testing.T) {
	c := 1
	for range 50 {
		c = weigh(c, 1_000_000_000)
	}
	// Fifty nested pages of a billion saturate at the ceiling, not wrap
	// around below it.
	if c != 1<<40 {
		t.Fatalf("nested pages weigh %d, want the ceiling %d", c, 1<<40)
	}
	if weigh(1<<39, 3) != 1<<40 || weigh(2, 3) != 7 {
		t.Fatalf("weigh(1<<39, 3) = %d, weigh(2, 3) = %d", weigh(1<<39, 3), weigh(2, 3))
	}
}
