package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/attrib/attrib/check"
)

// errCheckFailed makes check exit 1 after it has printed what is broken.
var errCheckFailed = errors.New("the store breaks its invariants (see above); restore the latest backup, or report the problems")

func newCheckCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify the store's invariants",
		Long: `Check reads the whole data directory in one snapshot and verifies that every
edge joins two stored nodes and is in both adjacency indexes, every index
entry points at a record that matches it, and every citation verifies
against its document's text. It exits 1 when anything is broken. The server
must be stopped (it holds the directory); check a restored backup instead
to test a running system.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(data); err != nil {
				return fmt.Errorf("no data directory at %s: %w (pass --data)", data, err)
			}
			s, err := openStore(data, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := check.Run(s)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, p := range r.Problems {
				fmt.Fprintln(out, "problem:", p)
			}
			if more := r.Broken - len(r.Problems); more > 0 {
				fmt.Fprintf(out, "... and %d more problems\n", more)
			}
			for prefix, n := range r.Unchecked {
				fmt.Fprintf(out, "note: %d keys of table %q are not verified (check does not know that table)\n", n, prefix)
			}
			fmt.Fprintf(out, "checked %d nodes, %d edges, %d index entries, %d citations: %d problems\n",
				r.Nodes, r.Edges, r.Indexes, r.Citations, r.Broken)
			if !r.OK() {
				return errCheckFailed
			}
			return nil
		},
	}
	addDataFlag(cmd, &data)
	return cmd
}
