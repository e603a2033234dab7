package main

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/attrib/attrib/edit"
	"github.com/attrib/attrib/seed"
)

func newIngestCmd() *cobra.Command {
	var data, facts, by, marking string
	cmd := &cobra.Command{
		Use:   "ingest ARTICLE.txt --facts FACTS_FILE | ingest DIRECTORY",
		Short: "Add an annotated article from a facts file, or a folder of them",
		Long: `Add an article and the facts it supports, written in the facts format the seed
uses (seed/FORMAT.md). The facts file names its documents by file name: the
one named like ARTICLE.txt is read from ARTICLE.txt, any other from the
facts file's folder. Every quote is resolved against the text; a quote that
is missing or ambiguous refuses the whole file, naming the fact.

Everything is written, with an audit entry per record, or nothing is,
whatever the file's size: it is staged where no reader looks, then made
live at once. Records identical to those stored are not written again, so
ingesting the same files twice changes nothing. Stop the server first: it
holds the data directory.

Given a directory instead, every facts file in it (*.yaml, in name order)
is read with the documents it names from the same directory, and all of
them are written in one transaction: a file may use the nodes of the files
before it, and a failure in any leaves nothing written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if by == "" {
				by = "ingest"
				if u, err := user.Current(); err == nil && u.Username != "" {
					by = "ingest:" + u.Username
				}
			}
			if fi, err := os.Stat(args[0]); err == nil && fi.IsDir() {
				if facts != "" {
					return usageError{fmt.Errorf("--facts is for one article; a directory's facts files are read from it")}
				}
				return ingestDir(cmd, data, args[0], by, marking)
			}
			if facts == "" {
				return usageError{fmt.Errorf("--facts FACTS_FILE is required (see 'attrib ingest --help')")}
			}
			article := args[0]
			raw, err := os.ReadFile(facts)
			if err != nil {
				return fmt.Errorf("read facts file: %w", err)
			}
			s, err := openStore(data, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			// Edges may join nodes already stored (a State of the seed, say).
			typeOf := seed.StoredType(s)
			dir := filepath.Dir(facts)
			used := false
			b, err := seed.ParseOnto(raw, func(file string) ([]byte, error) {
				if filepath.Base(file) == filepath.Base(article) {
					used = true
					return os.ReadFile(article)
				}
				return os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
			}, typeOf)
			if err != nil {
				return fmt.Errorf("%s: %w", facts, err)
			}
			if !used {
				return fmt.Errorf("%s names no document file %q: add it under documents (file: %s)", facts, filepath.Base(article), filepath.Base(article))
			}
			res, err := edit.New(s).Ingest(by, marking, b)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "ingested %s: %d nodes and %d edges in the file; %d nodes and %d edges written\n",
				filepath.Base(article), res.Nodes, res.Edges, res.NewNodes, res.NewEdges)
			return nil
		},
	}
	cmd.Flags().StringVar(&facts, "facts", "", "facts file annotating the article (format: seed/FORMAT.md)")
	cmd.Flags().StringVar(&by, "as", "", "name recorded as the author in the audit trail (default ingest:$USER)")
	cmd.Flags().StringVar(&marking, "marking", "", "TLP marking of every record: CLEAR, GREEN, AMBER, AMBER+STRICT or RED (default CLEAR)")
	addDataFlag(cmd, &data)
	return cmd
}

// ingestDir ingests every facts file of dir, in name order, as one bundle.
func ingestDir(cmd *cobra.Command, data, dir, by, marking string) error {
	s, err := openStore(data, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	b, names, err := seed.ReadDir(os.DirFS(dir), seed.StoredType(s))
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	res, err := edit.New(s).Ingest(by, marking, b)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "ingested %d facts files from %s: %d nodes and %d edges in the files; %d nodes and %d edges written\n",
		len(names), filepath.Base(filepath.Clean(dir)), res.Nodes, res.Edges, res.NewNodes, res.NewEdges)
	return nil
}
