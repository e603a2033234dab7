package view_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// querySide are the packages that answer readers. None of them may hold a
// raw store transaction or cursor: every read they make goes through a
// view.Txn, which leaves out what the reader may not see. (A raw read
// needs one of those two types: store.View hands its callback a
// *store.Txn.)
var querySide = []string{"graph", "graphalgo", "query", "subgraph", "search", "export", "server"}

// rawReaders are the files of those packages that read the store raw on
// purpose, each with the reason.
var rawReaders = map[string]string{
	"search/index.go": "the indexer reads every record to index it; hits are read through a view",
}

func TestQuerySideReadsOnlyThroughView(t *testing.T) {
	fset := token.NewFileSet()
	checked := 0
	for _, dir := range querySide {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			rel := filepath.ToSlash(strings.TrimPrefix(path, ".."+string(filepath.Separator)))
			if strings.HasSuffix(path, "_test.go") || rawReaders[rel] != "" {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "store" && (sel.Sel.Name == "Txn" || sel.Sel.Name == "Cursor") {
					t.Errorf("%s: uses store.%s, an unfiltered read; read through a view.Txn (package view) instead", fset.Position(sel.Pos()), sel.Sel.Name)
				}
				return true
			})
		}
	}
	if checked < 40 {
		t.Fatalf("checked only %d files; the package list no longer matches the tree", checked)
	}
}
