package graph

import (
	"reflect"
	"strings"

	"github.com/attrib/attrib/graph/generated"
	"github.com/vektah/gqlparser/v2/ast"
)

// Query cost: how gqlgen's complexity limit (configured in handler.go, with
// the schema in schema/ and gqlgen.yml) scores an operation. The score
// bounds an operation before it runs (Limits.MaxComplexity) and decides
// which queries are heavy (Admission.Heavy).

// listWeight is what a list field without `first` is assumed to hold when
// scoring complexity; MaxObjects bounds what it really holds.
const listWeight = 10

// weighComplexity replaces gqlgen's default score (child + 1, blind to
// lists) for every list field of the schema, found by walking c with
// reflection, so a list added later is weighed without anyone listing it:
//   - a field with `first` costs 1 + child × first;
//   - nodes(ids) costs 1 + child × len(ids);
//   - the edges of a connection cost 1 + child (the connection's `first`
//     already counts them);
//   - any other list costs 1 + child × listWeight.
func weighComplexity(c *generated.ComplexityRoot, schema *ast.Schema) {
	root := reflect.ValueOf(c).Elem()
	for i := range root.NumField() {
		typ := schema.Types[root.Type().Field(i).Name]
		obj := root.Field(i)
		if typ == nil || obj.Kind() != reflect.Struct {
			continue
		}
		for j := range obj.NumField() {
			fd := schemaField(typ, obj.Type().Field(j).Name)
			if fd == nil {
				continue
			}
			if w := weigher(typ, fd); w != nil {
				f := obj.Field(j)
				f.Set(reflect.MakeFunc(f.Type(), func(args []reflect.Value) []reflect.Value {
					return []reflect.Value{reflect.ValueOf(w(args))}
				}))
			}
		}
	}
}

// schemaField finds the field of typ that gqlgen named goName.
func schemaField(typ *ast.Definition, goName string) *ast.FieldDefinition {
	for _, f := range typ.Fields {
		if strings.EqualFold(f.Name, goName) {
			return f
		}
	}
	return nil
}

// weigher returns the scoring of field fd of typ, or nil to keep gqlgen's.
// args[0] is the child complexity, then the field's arguments in schema
// order.
func weigher(typ *ast.Definition, fd *ast.FieldDefinition) func(args []reflect.Value) int {
	argAt := func(name string) int {
		for i, a := range fd.Arguments {
			if a.Name == name {
				return i + 1
			}
		}
		return -1
	}
	if i := argAt("first"); i > 0 {
		return func(args []reflect.Value) int {
			n := defaultFirst
			if v := reflect.Indirect(args[i]); v.IsValid() && v.CanInt() {
				n = int(v.Int())
			}
			return weigh(int(args[0].Int()), max(n, 1))
		}
	}
	if fd.Type.Elem == nil {
		return nil
	}
	if i := argAt("ids"); i > 0 {
		return func(args []reflect.Value) int { return weigh(int(args[0].Int()), max(args[i].Len(), 1)) }
	}
	if strings.HasSuffix(typ.Name, "Connection") && fd.Name == "edges" {
		return func(args []reflect.Value) int { return weigh(int(args[0].Int()), 1) }
	}
	return func(args []reflect.Value) int { return weigh(int(args[0].Int()), listWeight) }
}

// weigh is 1 + child × n without overflowing: nested pages multiply.
func weigh(child, n int) int {
	const ceiling = 1 << 40
	if child > 0 && n > ceiling/child {
		return ceiling
	}
	return min(1+child*n, ceiling)
}
