package subgraph_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
)

// A client sends r.Query() and the server reads it with ParseQuery: the
// two must agree on every field, or the CLI would export from a server
// something else than it exports locally.
func TestQueryReadsBackAsTheSameRequest(t *testing.T) {
	for _, r := range []subgraph.Request{
		{Depth: subgraph.DefaultHops, Direction: store.Both},
		{Roots: []string{"a", "b"}, Depth: 0, Direction: store.Out, MaxNodes: 7},
		{Roots: []string{"a"}, Depth: subgraph.MaxHops, Direction: store.In, IncludeRetracted: true,
			EdgeTypes: []string{"TARGETED", "BLAMES"}, NodeTypes: []string{"State", "Incident"}},
	} {
		got, err := subgraph.ParseQuery(r.Query())
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("sent %+v\nread %+v", r, got)
		}
	}
}

// A bad argument is an *ArgError that names it, not a bad record.
func TestBadArgumentsNameTheArgument(t *testing.T) {
	for q, arg := range map[string]string{"direction": "direction", "includeRetracted": "includeRetracted", "edgeType": "edgeType", "nodeType": "nodeType"} {
		_, err := subgraph.ParseQuery(map[string][]string{q: {"nonsense"}})
		var ae *subgraph.ArgError
		if !errors.As(err, &ae) || ae.Arg != arg || errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s=nonsense: %v, want an ArgError naming %s", q, err, arg)
		}
	}
	if _, err := subgraph.ParseQuery(map[string][]string{"depth": {"9"}}); !errors.Is(err, subgraph.ErrLimit) {
		t.Errorf("depth=9: %v, want ErrLimit", err)
	}
}
