package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/attrib/attrib/check"
	"github.com/attrib/attrib/store"
)

func newRestoreCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "restore --data NEWDIR FILE...",
		Short: "Restore backups into a new data directory",
		Long: `Restore loads backup files written by 'attrib backup' into a new data
directory: the full backup first, then each incremental one in the order
taken. The directory must not exist or be empty. The result is checked
with the same invariants as 'attrib check'; then start the server with
--data NEWDIR.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if !cmd.Flags().Changed("data") {
				return usageError{errors.New("restore needs --data NEWDIR (a new, empty directory)")}
			}
			abs, err := filepath.Abs(data)
			if err != nil {
				return fmt.Errorf("data directory %s: %w", data, err)
			}
			var readers []io.Reader
			for _, f := range files {
				fh, err := os.Open(f)
				if err != nil {
					return fmt.Errorf("restore: %w", err)
				}
				defer fh.Close()
				readers = append(readers, fh)
			}
			if err := store.Restore(abs, readers...); err != nil {
				return err
			}
			s, err := openStore(abs, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			r, err := check.Run(s)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "restored %d files into %s: %d nodes, %d edges, %d problems\n",
				len(files), abs, r.Nodes, r.Edges, r.Broken)
			if !r.OK() {
				for _, p := range r.Problems {
					fmt.Fprintln(cmd.OutOrStdout(), "problem:", p)
				}
				return errCheckFailed
			}
			return nil
		},
	}
	addDataFlag(cmd, &data)
	return cmd
}
