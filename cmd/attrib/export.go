package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/store"
	"github.com/attrib/attrib/subgraph"
	"github.com/attrib/attrib/view"
)

type exportFlags struct {
	data, format, output, server string
	token                        string
	roots, edgeTypes, nodeTypes  []string
	depth, maxNodes              int
	direction                    string
	includeRetracted             bool
}

func newExportCmd() *cobra.Command {
	var fl exportFlags
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write a subgraph as a self-contained file (native JSON, STIX 2.1, JGF, Cytoscape.js)",
		Long: `Export the nodes within --depth hops of each --root (the whole graph when no
root is given), the links among them, and the documents their citations point
into, so the file alone verifies every citation. The same request gives the
same bytes here, from GET /export and from the GraphQL exportSubgraph field.

The export streams with no node cap unless --max-nodes is given. With -o, the
file appears only when the export succeeds. A data directory held by a running
server is locked: stop the server, or fetch from it with --server URL.

A local export holds every record, whatever its marking. From a server, the
export holds what the token's role may read (anonymous: CLEAR only); send
the token with --token or $ATTRIB_TOKEN.`,
		Example: `  attrib export --root SW5jaWRlbnQ6MjAyMi0wNy0xNS1hbGJhbmlhLWdvdg --depth 2 -o cq5.json
  attrib export --format stix21 -o all.stix.json
  attrib export --server http://127.0.0.1:8080 --root SW5jaWRlbnQ6MjAyMi0wNy0xNS1hbGJhbmlhLWdvdg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd, fl)
		},
	}
	f := cmd.Flags()
	addDataFlag(cmd, &fl.data)
	f.StringArrayVar(&fl.roots, "root", nil, "node ID to start from (repeatable; none means the whole graph)")
	f.IntVar(&fl.depth, "depth", subgraph.DefaultHops, fmt.Sprintf("hops from the roots, 0 to %d", subgraph.MaxHops))
	f.StringVar(&fl.format, "format", string(export.Native), "native, stix21, jgf or cytoscape")
	f.StringVarP(&fl.output, "output", "o", "", "write to FILE instead of stdout")
	f.StringVar(&fl.server, "server", "", "fetch from a running attrib server at URL (e.g. http://127.0.0.1:8080) instead of opening --data")
	f.StringArrayVar(&fl.edgeTypes, "edge-type", nil, "follow and keep only links of this type (repeatable)")
	f.StringArrayVar(&fl.nodeTypes, "node-type", nil, "enter only nodes of this type (repeatable; roots are always kept)")
	f.StringVar(&fl.direction, "direction", "both", "which way links are followed: out, in or both")
	f.IntVar(&fl.maxNodes, "max-nodes", 0, "refuse a subgraph of more nodes than this (0: no cap)")
	f.BoolVar(&fl.includeRetracted, "include-retracted", false, "keep retracted facts, with their retraction (from a server: needs an editor's token)")
	addTokenFlag(cmd, &fl.token)
	return cmd
}

// request is the walk and format the flags ask for, checked as GET /export
// checks its own: a request sent to a server is r.Query(), which the
// server reads back as r.
func (fl exportFlags) request() (subgraph.Request, export.Format, error) {
	f, err := export.ParseFormat(fl.format)
	if err != nil {
		return subgraph.Request{}, "", err
	}
	r := subgraph.Request{Roots: fl.roots, Depth: fl.depth, EdgeTypes: fl.edgeTypes, NodeTypes: fl.nodeTypes,
		MaxNodes: fl.maxNodes, IncludeRetracted: fl.includeRetracted}
	if r.Direction, err = subgraph.ParseDirection(fl.direction); err != nil {
		return r, "", err
	}
	return r, f, r.Validate()
}

func runExport(cmd *cobra.Command, fl exportFlags) error {
	req, format, err := fl.request()
	if err != nil {
		return usageError{fmt.Errorf("export: %w", err)}
	}
	return writeOutput(cmd.OutOrStdout(), fl.output, func(w io.Writer) error {
		if fl.output != "" && fl.output != "-" {
			bar := progress(cmd.ErrOrStderr(), "exporting")
			defer bar.Finish()
			w = io.MultiWriter(w, bar)
		}
		if fl.server != "" {
			return fetchExport(cmd.Context(), fl.server, clientToken(fl.token), req, format, w)
		}
		return exportLocal(fl.data, req, format, w)
	})
}

// exportLocal writes the export of req from the data directory dir.
func exportLocal(dir string, req subgraph.Request, format export.Format, w io.Writer) error {
	// Badger keeps a MANIFEST in every store: without one there is
	// nothing to export (and a read-only open could not create it).
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST")); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("export: %s holds no attrib data; seed it with 'attrib seed --data %s', or point --data at your data", dir, dir)
	}
	// Read-only: no memtable to allocate, and concurrent exports of
	// one directory do not lock each other out.
	s, err := store.Open(dir, store.Options{ReadOnly: true})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("export: %w\nto export from the running server instead, add --server http://ADDR (the address 'attrib serve' listens on, 127.0.0.1:8080 by default)", err)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer s.Close()
	// Whoever can open the data directory can read every record in
	// it: a local export is not filtered by marking.
	all := view.Everything()
	all.Retracted = req.IncludeRetracted
	return export.Write(view.New(s, all), req, format, w)
}

// writeOutput runs write into stdout, or into file: a temporary file beside
// it that is renamed into place only when write succeeds, so a failed
// export never leaves a file (or half of one) behind.
func writeOutput(stdout io.Writer, file string, write func(io.Writer) error) error {
	if file == "" || file == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	ok = true
	return nil
}

// progress is a byte counter on a terminal, and silent in a pipe or a file.
func progress(stderr io.Writer, what string) *progressbar.ProgressBar {
	if f, ok := stderr.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return progressbar.DefaultBytesSilent(-1, what)
	}
	return progressbar.NewOptions64(-1,
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionShowBytes(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionClearOnFinish(),
	)
}
