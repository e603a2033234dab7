package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newSeedCmd() *cobra.Command {
	var data string
	cmd := &cobra.Command{
		Use:   "seed",
		Short: "Load the embedded article and its facts into the data directory",
		Long: `Load the embedded seed (the article of 7 September 2022 and its annotated
facts) in one transaction. Records already present and identical are not
written again, so running seed twice changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openStore(data, nil)
			if err != nil {
				return err
			}
			defer s.Close()
			res, err := seedDefault(s)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "seeded: %d nodes and %d edges in the seed; %d nodes and %d edges written\n",
				res.Nodes, res.Edges, res.NewNodes, res.NewEdges)
			return nil
		},
	}
	addDataFlag(cmd, &data)
	return cmd
}
