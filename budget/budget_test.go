package budget

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestMeasures(t *testing.T) {
	q := `query Q($n: Int = 3, $o: In = {a: {b: 1}}) @live {
  a: incidents(first: $n) @include(if: true) {
    edges { node { id ...F ... on Incident { name } } }
  }
}
fragment F on Node { id b: id }`
	rep, err := Check(q, Budget{})
	if err != nil {
		t.Fatal(err)
	}
	// fields: incidents, edges, node, id, name (op) + id, id (fragment)
	if rep.Fields != 7 || rep.Aliases != 2 || rep.Directives != 2 {
		t.Errorf("fields/aliases/directives = %d/%d/%d, want 7/2/2", rep.Fields, rep.Aliases, rep.Directives)
	}
	if rep.Expanded != 7 {
		t.Errorf("expanded = %d, want 7", rep.Expanded)
	}
	if rep.Depth != 5 {
		t.Errorf("depth = %d, want 5 (the inline fragment counts)", rep.Depth)
	}
	if len(rep.Kinds) != 1 || rep.Kinds[0] != "query" {
		t.Errorf("kinds = %v", rep.Kinds)
	}
}

func TestShorthandAndMutationKinds(t *testing.T) {
	rep, err := Check(`{ a } mutation M { b }`, Budget{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Kinds, ",") != "query,mutation" {
		t.Errorf("kinds = %v", rep.Kinds)
	}
}

func TestIntrospectionFitsDefault(t *testing.T) {
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := Check(string(q), Default); err != nil {
		t.Fatalf("GraphiQL's introspection query is refused: %v (%+v)", err, rep)
	}
}

func TestFanOutCountsEachFragmentOnce(t *testing.T) {
	// F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^30 fields once
	// expanded, a few hundred bytes of text.
	var b strings.Builder
	b.WriteString("{ ...F" + itoa(0) + " }\n")
	const levels = 30
	for i := range levels {
		b.WriteString("fragment F" + itoa(i) + " on Query { ")
		if i < levels-1 {
			b.WriteString("...F" + itoa(i+1) + " ...F" + itoa(i+1))
		} else {
			b.WriteString("__typename")
		}
		b.WriteString(" }\n")
	}
	rep, err := Check(b.String(), Default)
	var be *Error
	if !errors.As(err, &be) || be.What != "fields after expanding fragments" {
		t.Fatalf("err = %v (%+v), want fan-out refused", err, rep)
	}
	if rep.Expanded != 1<<(levels-1) {
		t.Errorf("expanded = %d, want %d", rep.Expanded, 1<<(levels-1))
	}
}

func TestRefusals(t *testing.T) {
	rep := func(s string, n int) string { return strings.Repeat(s, n) }
	cases := []struct{ name, q, what string }{
		{"duplicate fields", "{" + rep(" id", 8000) + "}", "fields"},
		{"aliases", "{" + rep(" a: id", 101) + "}", "aliases"},
		{"directives", "{ id" + rep(" @skip(if: false)", 51) + "}", "directives"},
		{"tokens", "{ id(x: [" + rep("1 ", 6000) + "]) }", "tokens"},
		{"depth", rep("{ a ", 30) + rep("}", 30), "levels of nesting"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Check(c.q, Default)
			var be *Error
			if !errors.As(err, &be) || be.What != c.what {
				t.Fatalf("err = %v, want %s refused", err, c.what)
			}
			if !strings.Contains(err.Error(), "over the limit") {
				t.Errorf("message %q does not say what is wrong", err)
			}
		})
	}
}

func TestFragmentCycleTerminates(t *testing.T) {
	if _, err := Check(`{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }`, Default); err != nil {
		t.Fatalf("a cycle is for validation to report, got %v", err)
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := Check(`{ "unterminated }`, Default)
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a syntax error", err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
