package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

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
its text kept as a document that every kept object cites. The import is all
or nothing, whatever the file's size: it is staged where no reader looks,
checked, then made live at once; an import that fails or is interrupted
leaves the data directory as it was. Importing the same file twice changes
nothing, and every citation is verified first: a file with a broken
citation is refused, naming it. A native file is read as a stream, so
memory does not grow with it. Prints what was kept, what was skipped and
why: for a STIX bundle one line per STIX type, and with --verbose one line
per object; on a terminal, shows progress. Unless GOMEMLIMIT is set, it
runs under a soft memory limit of 768 MiB (see docs/performance.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in := io.Reader(cmd.InOrStdin())
			size := int64(-1)
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				defer f.Close()
				if fi, err := f.Stat(); err == nil {
					size = fi.Size()
				}
				in = f
			}
			s, err := openStore(data, nil)
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("import: %w\nstop the server first, or send the file to its importGraph mutation", err)
			}
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			defer s.Close()
			setImportMemoryLimit()
			read := &countingReader{r: in}
			o := importer.Options{}
			var p *importProgress
			if term.IsTerminal(int(os.Stderr.Fd())) {
				p = &importProgress{read: read, size: size}
				o.Progress = p.update
			}
			rep, err := importer.ImportReader(s, read, o)
			p.finish()
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

// importMemoryLimit is the soft memory limit attrib import sets for itself.
// What an import holds does not grow with the file, but Badger's
// compactions allocate a lot of short-lived memory, and with Go's default
// pacing the heap then grew with the file (1.95 GB peak RSS for the 10k
// export, 1.1 GB under this limit for 12% more CPU; 512 MiB cost 45% more
// CPU). The limit is soft: past it the collector works harder, it does
// not fail.
const importMemoryLimit = 768 << 20

// setImportMemoryLimit applies importMemoryLimit unless GOMEMLIMIT says
// otherwise, and returns the limit in force.
func setImportMemoryLimit() int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(importMemoryLimit)
	return importMemoryLimit
}

// countingReader counts the bytes read through it, for the progress bar.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// importProgress shows one bar per phase of an import on stderr: the
// file's bytes while it is read and staged, then the citations checked,
// then the records made live.
type importProgress struct {
	read  *countingReader
	size  int64
	phase string
	bar   *progressbar.ProgressBar
}

func (p *importProgress) update(phase string, done, total int) {
	if phase != p.phase {
		p.finish()
		p.phase = phase
		opts := []progressbar.Option{progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription(phase), progressbar.OptionClearOnFinish()}
		if phase == importer.PhaseRead {
			p.bar = progressbar.NewOptions64(p.size, append(opts, progressbar.OptionShowBytes(true))...)
		} else {
			if total <= 0 {
				total = -1
			}
			p.bar = progressbar.NewOptions(total, append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts())...)
		}
	}
	if phase == importer.PhaseRead {
		_ = p.bar.Set64(p.read.n.Load())
		return
	}
	_ = p.bar.Set(done)
}

func (p *importProgress) finish() {
	if p != nil && p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
