// Command attrib-load measures attrib against its floors on a generated
// corpus and prints the tables of docs/performance.md: each benchmarked
// query in process, over one loopback HTTP connection and over many, beside
// the raw Badger reads it needs, a bare gqlgen request and gqlgen's cost
// per output field, all measured in the same run. Every measurement is
// bounded by --count requests and --duration; nothing listens beyond
// 127.0.0.1.
//
// With --sizes it measures instead how each case's cost grows with the
// corpus, on corpora of growing size measured in turn.
//
//	attrib gen --data /tmp/corpus-1k --incidents 1000
//	attrib-load --data /tmp/corpus-1k
//	attrib-load --sizes /tmp/corpus-1k /tmp/corpus-100k
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/attrib/attrib/bench"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "attrib-load:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		data       = flag.String("data", "", "data directory of a corpus written by 'attrib gen' (required)")
		count      = flag.Int("count", 2000, "most timed requests per measurement")
		duration   = flag.Duration("duration", 2*time.Second, "longest time per measurement")
		conns      = flag.Int("conns", 32, "connections of the concurrent measurement")
		rounds     = flag.Int("rounds", 2, "passes over each case: the first, then rounds that measure the case beside its floors (the fastest of each figure kept); with --sizes, rounds over the corpora")
		load       = flag.Int("load", 1000, "incidents of the bulk-load comparison (0 skips it)")
		imports    = flag.Int("import", 100, "incidents of the import comparison (0 skips it)")
		stixFile   = flag.String("stix", "testdata/attack-ics/ics-attack.json", "STIX bundle of the STIX import comparison (\"\" skips it)")
		mutation   = flag.Bool("mutation", true, "measure one mutation against a raw synced Update")
		noSearch   = flag.Bool("no-search", false, "leave out the search cases (they build the index when it is missing)")
		cpuprofile = flag.String("cpuprofile", "", "write a CPU profile of the query measurements to this file")
		sizes      = flag.Bool("sizes", false, "instead, measure how each case's cost grows over the corpora whose data directories are the arguments, smallest first")
	)
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *sizes {
		return growth(ctx, flag.Args(), bench.Config{Count: *count, Duration: *duration, Warm: 50, Rounds: *rounds, Log: os.Stderr})
	}
	if *data == "" {
		return errors.New("--data is required: generate a corpus first with 'attrib gen --data DIR --incidents N'")
	}

	s, abs, err := openCorpus(*data)
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := bench.Pick(s)
	if err != nil {
		return err
	}
	var x *search.Index
	if !*noSearch {
		// The index of 'attrib serve' and 'attrib reindex'; built here
		// when missing.
		fmt.Fprintln(os.Stderr, "opening the search index...")
		if x, err = search.Open(filepath.Join(abs, "search.bleve"), s, nil); err != nil {
			return fmt.Errorf("search index: %w (run attrib reindex --data %s)", err, *data)
		}
		defer x.Close()
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := bench.Run(ctx, bench.Config{Store: s, Count: *count, Duration: *duration, Warm: 50, Conns: *conns, Rounds: *rounds, Log: os.Stderr, Index: x}, f)
	if err != nil {
		return err
	}
	rep.Markdown(os.Stdout, *conns)
	pprof.StopCPUProfile()

	// The load comparison runs last, so its memory does not count in the
	// idle RSS above.
	if *load > 0 {
		dir, err := os.MkdirTemp("", "attrib-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintf(os.Stderr, "bulk load of %d incidents...\n", *load)
		l, err := bench.MeasureLoad(dir, *load)
		if err != nil {
			return err
		}
		fmt.Println()
		l.Markdown(os.Stdout)
	}
	if *imports > 0 {
		dir, err := os.MkdirTemp("", "attrib-import-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintf(os.Stderr, "import of %d incidents...\n", *imports)
		l, err := bench.MeasureImport(dir, *imports)
		if err != nil {
			return err
		}
		fmt.Println()
		l.Markdown(os.Stdout)
	}
	if *stixFile != "" {
		bundle, err := os.ReadFile(*stixFile)
		if err != nil {
			return fmt.Errorf("STIX import comparison: %w (run from the repository root, or give --stix \"\" to skip it)", err)
		}
		dir, err := os.MkdirTemp("", "attrib-stix-import-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintf(os.Stderr, "import of %s...\n", *stixFile)
		l, err := bench.MeasureSTIXImport(dir, bundle)
		if err != nil {
			return err
		}
		fmt.Println()
		l.Markdown(os.Stdout)
	}
	if *mutation {
		dir, err := os.MkdirTemp("", "attrib-mutation-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		fmt.Fprintln(os.Stderr, "mutations...")
		m, err := bench.MeasureMutation(dir, *count, *duration)
		if err != nil {
			return err
		}
		fmt.Println()
		m.Markdown(os.Stdout)
	}
	return nil
}

// growth measures how each case's cost grows over the corpora in dirs,
// smallest first, and prints it.
func growth(ctx context.Context, dirs []string, cfg bench.Config) error {
	if len(dirs) < 2 {
		return errors.New("--sizes needs the data directories of two corpora or more, smallest first")
	}
	corpora := make([]bench.Corpus, len(dirs))
	for i, d := range dirs {
		s, abs, err := openCorpus(d)
		if err != nil {
			return err
		}
		defer s.Close()
		corpora[i] = bench.Corpus{Name: filepath.Base(abs), Store: s}
	}
	gs, err := bench.MeasureGrowth(ctx, cfg, corpora)
	if err != nil {
		return err
	}
	bench.GrowthMarkdown(os.Stdout, corpora, gs, max(1, cfg.Rounds))
	return nil
}

// openCorpus opens the store in data directory dir read-write, as 'attrib
// serve' does, so that Open brings an older store's indexes up to date
// before it is measured. abs is dir made absolute.
func openCorpus(dir string) (s *store.Store, abs string, err error) {
	if abs, err = filepath.Abs(dir); err != nil {
		return nil, "", err
	}
	s, err = store.Open(abs, store.Options{})
	return s, abs, err
}
