// Command attrib is the cyber-incident attribution knowledge graph: a
// GraphQL server over an embedded database, seeded with an annotated
// article, and the tools to seed, inspect and move its data.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// defaultDataDir is where attrib keeps its database unless told otherwise:
// a local folder, ignored by git.
const defaultDataDir = "attrib-data"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := newRootCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "attrib:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError marks an error in the command line itself.
type usageError struct{ error }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "attrib",
		Short: "Cyber-incident attribution knowledge graph",
		Long: `attrib keeps who attacked whom, who blamed whom and how sure they were, and
what states did in response, with the exact source words behind every fact.
It serves a GraphQL API and an offline GraphiQL playground over an embedded
database, seeded with an annotated Arabic news article of 7 September 2022.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see 'attrib %s --help')", err, c.Name())}
	})
	root.AddCommand(newServeCmd(), newSeedCmd(), newIngestCmd(), newExportCmd(), newImportCmd(),
		newReindexCmd(), newCheckCmd(), newBackupCmd(), newRestoreCmd(), newGenCmd(), newVersionCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of attrib",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), "attrib", version)
			return nil
		},
	}
}

// logger writes structured logs to stderr.
func logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
