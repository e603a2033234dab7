package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/attrib/attrib/importer"
	"github.com/attrib/attrib/store"
)

func newImportCmd() *cobra.Command {
	var (
		data    string
		verbose bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a native export or a STIX 2.1 bundle into the data directory",
		Long: `Import FILE ('-' for stdin): attrib's native JSON (format attrib/1) is
restored exactly; a STIX 2.1 bundle from another tool is mapped best-effort,
its text kept as a document that every kept object cites. The import is one
transaction (all or nothing), importing the same file twice changes nothing,
and every citation is verified first: a file with a broken citation is
refused, naming it. Prints what was kept, what was skipped and why: for a
STIX bundle one line per STIX type, and with --verbose one line per object.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var (
				raw []byte
				err error
			)
			if args[0] == "-" {
				raw, err = io.ReadAll(cmd.InOrStdin())
			} else {
				raw, err = os.ReadFile(args[0])
			}
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			s, err := openStore(data, nil)
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("import: %w\nstop the server first, or send the file to its importGraph mutation", err)
			}
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			defer s.Close()
			rep, err := importer.Import(s, raw)
			if err != nil {
				return err
			}
			if rep.STIX != nil {
				return rep.WriteSTIX(cmd.OutOrStdout(), verbose)
			}
			_, err = rep.WriteTo(cmd.OutOrStdout())
			return err
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "for a STIX bundle, list every object: what it became, or why it was skipped")
	addDataFlag(cmd, &data)
	return cmd
}
