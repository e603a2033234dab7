package synthetic

import (
	"errors"
	"fmt"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/store"
)

// Options configure Load.
type Options struct {
	// Seed picks the corpus; the same Seed and Incidents give the same bytes.
	Seed uint64
	// Incidents is how many incidents to write.
	Incidents int
	// Batch is how many incidents go into one transaction (default
	// DefaultBatch). Each transaction is synced, as every write is.
	Batch int
	// Progress, when set, is called after each committed batch with the
	// number of incidents written so far.
	Progress func(done int)
}

// DefaultBatch keeps one transaction at a few MB, well inside Badger's
// per-transaction limit (15% of the 64 MB memtable) even for the longest
// documents.
const DefaultBatch = 100

// Result counts what Load wrote.
type Result struct {
	Nodes, Edges, Citations int
}

// ErrNotEmpty means the data directory already holds a graph.
var ErrNotEmpty = errors.New("data directory is not empty")

// Load writes the corpus into s, which must be empty, through the same
// store.Txn.PutNode/PutEdge path that seeding and import use, in
// transactions of o.Batch incidents.
func Load(s *store.Store, o Options) (Result, error) {
	if o.Incidents < 0 {
		return Result{}, fmt.Errorf("gen: incidents must be at least 0, got %d", o.Incidents)
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	var docs []string
	if err := s.View(func(tx *store.Txn) error {
		var err error
		docs, err = tx.NodeIDsByType(ontology.Document)
		return err
	}); err != nil {
		return Result{}, fmt.Errorf("gen: %w", err)
	}
	if len(docs) > 0 {
		return Result{}, fmt.Errorf("gen: %w: it holds %d documents; generate into a new --data directory", ErrNotEmpty, len(docs))
	}
	c, err := New(o.Seed)
	if err != nil {
		return Result{}, err
	}
	var res Result
	nodes, edges := c.Fixed()
	if err := s.Update(func(tx *store.Txn) error { return put(tx, nodes, edges, &res) }); err != nil {
		return res, fmt.Errorf("gen: write states and organizations: %w", err)
	}
	for from := 1; from <= o.Incidents; from += o.Batch {
		to := min(from+o.Batch-1, o.Incidents)
		var batch Result
		err := s.Update(func(tx *store.Txn) error {
			batch = Result{}
			for i := from; i <= to; i++ {
				nodes, edges := c.Incident(i)
				if err := put(tx, nodes, edges, &batch); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, fmt.Errorf("gen: write incidents %d-%d: %w", from, to, err)
		}
		res.Nodes += batch.Nodes
		res.Edges += batch.Edges
		res.Citations += batch.Citations
		if o.Progress != nil {
			o.Progress(to)
		}
	}
	return res, nil
}

func put(tx *store.Txn, nodes []store.Node, edges []store.Edge, res *Result) error {
	for i := range nodes {
		if _, err := tx.PutNode(&nodes[i]); err != nil {
			return err
		}
		res.Nodes++
		res.Citations += len(nodes[i].Citations)
	}
	for i := range edges {
		if _, err := tx.PutEdge(&edges[i]); err != nil {
			return err
		}
		res.Edges++
		res.Citations += len(edges[i].Citations)
	}
	return nil
}
