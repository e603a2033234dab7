package seed

import (
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"

	"github.com/attrib/attrib/store"
)

// StoredType gives ReadDir and ParseOnto the types of the nodes stored in
// s, for facts files whose edges join nodes already in the graph (a State
// of the seed, say).
func StoredType(s *store.Store) func(id string) (string, bool) {
	return func(id string) (string, bool) {
		var typ string
		_ = s.View(func(tx *store.Txn) error {
			if n, err := tx.Node(id); err == nil {
				typ = n.Type
			}
			return nil
		})
		return typ, typ != ""
	}
}

// ReadDir reads every facts file (*.yaml, *.yml) at the top of fsys, in
// name order, each with the documents it names from fsys, into one bundle.
// A file may use the nodes of the files before it and, through typeOf (nil
// for none), the nodes of a graph. A node or edge two files both define
// must be the same record in both. It returns the names of the files read.
func ReadDir(fsys fs.FS, typeOf func(id string) (string, bool)) (*Bundle, []string, error) {
	var names []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := fs.Glob(fsys, pat)
		if err != nil {
			return nil, nil, fmt.Errorf("list facts files: %w", err)
		}
		names = append(names, m...)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no facts file (*.yaml) in the directory; see seed/FORMAT.md")
	}
	all := &Bundle{}
	types := map[string]string{}
	nodeAt, edgeAt := map[string]int{}, map[string]int{}
	known := func(id string) (string, bool) {
		if t, ok := types[id]; ok {
			return t, true
		}
		if typeOf != nil {
			return typeOf(id)
		}
		return "", false
	}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, nil, fmt.Errorf("read facts file: %w", err)
		}
		b, err := ParseOnto(raw, func(file string) ([]byte, error) {
			return fs.ReadFile(fsys, path.Join(path.Dir(name), file))
		}, known)
		if err == nil {
			err = merge(all, b, nodeAt, edgeAt)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, n := range b.Nodes {
			types[n.ID] = n.Type
		}
	}
	return all, names, nil
}

// merge adds bundle b to all.
func merge(all, b *Bundle, nodeAt, edgeAt map[string]int) error {
	for _, n := range b.Nodes {
		if i, ok := nodeAt[n.ID]; ok {
			if !reflect.DeepEqual(all.Nodes[i], n) {
				return fmt.Errorf("node %s (%s) is defined differently in an earlier file; define it once and refer to it", n.ID, n.Type)
			}
			continue
		}
		nodeAt[n.ID] = len(all.Nodes)
		all.Nodes = append(all.Nodes, n)
	}
	for _, e := range b.Edges {
		if i, ok := edgeAt[e.ID]; ok {
			if !reflect.DeepEqual(all.Edges[i], e) {
				return fmt.Errorf("edge %s %s -> %s is defined differently in an earlier file; define it once", e.Type, e.From, e.To)
			}
			continue
		}
		edgeAt[e.ID] = len(all.Edges)
		all.Edges = append(all.Edges, e)
	}
	all.Cites = append(all.Cites, b.Cites...)
	return nil
}
