package main

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/attrib/attrib/ontology"
	"github.com/attrib/attrib/seed"
	"github.com/attrib/attrib/store"
)

// addDataFlag gives a command the --data flag every subcommand shares.
func addDataFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "data", defaultDataDir, "data directory (created if missing)")
}

// openStore opens the data directory.
func openStore(dir string, log *slog.Logger) (*store.Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	return store.Open(abs, store.Options{Logger: log})
}

// seedDefault loads the embedded seed; it writes nothing that is already
// there, so it is safe to run on every start.
func seedDefault(s *store.Store) (seed.Result, error) {
	b, err := seed.Default()
	if err != nil {
		return seed.Result{}, err
	}
	return seed.Load(s, b)
}

// isEmpty reports whether the store holds no node at all.
func isEmpty(s *store.Store) (bool, error) {
	empty := true
	err := s.View(func(tx *store.Txn) error {
		for _, typ := range ontology.NodeTypes {
			ids, err := tx.NodeIDsByType(typ)
			if err != nil || len(ids) > 0 {
				empty = false
				return err
			}
		}
		return nil
	})
	return empty, err
}
