package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/attrib/attrib/search"
)

// searchDir is where the search index lives inside the data directory.
const searchDir = "search.bleve"

// indexPath is the search index of data directory dir.
func indexPath(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("data directory %s: %w", dir, err)
	}
	return filepath.Join(abs, searchDir), nil
}

func newReindexCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the full-text search index from the database",
		Long: `Throw away the search index in the data directory and build it again from
the database. The server keeps the index up to date by itself and repairs it
at start, so this is only needed after copying a database in by hand or to
rule the index out when search looks wrong. Stop the server first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(data, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			start := time.Now()
			var bar *progressbar.ProgressBar
			progress := func(done, total int) {}
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				progress = func(done, total int) {
					if bar == nil {
						bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f),
							progressbar.OptionSetDescription("indexing"), progressbar.OptionShowCount(),
							progressbar.OptionClearOnFinish())
					}
					bar.Set(done)
				}
			}
			path, err := indexPath(data)
			if err != nil {
				return err
			}
			x, err := search.Build(path, s, nil, progress)
			if err != nil {
				return fmt.Errorf("reindex: %w", err)
			}
			defer x.Close()
			seq, err := x.CommitSeq()
			if err != nil {
				return fmt.Errorf("reindex: %w", err)
			}
			n, err := x.Count()
			if err != nil {
				return fmt.Errorf("reindex: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "reindexed: %d nodes up to change %d in %s\n", n, seq, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	addDataFlag(cmd, &data)
	return cmd
}
