package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/attrib/attrib/graph"
	"github.com/attrib/attrib/server"
)

func newServeCmd() *cobra.Command {
	var (
		addr, data string
		drain, gc  time.Duration
		lim        graph.Limits
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the GraphQL server and the GraphiQL playground",
		Long: `Serve the GraphQL API at /graphql (POST, and GET for queries), the GraphiQL
playground at /, and /healthz. An empty data directory is seeded with the
embedded article first. SIGTERM or Ctrl-C stops the server after in-flight
requests finish. With ATTRIB_ADMIN_TOKEN set, /admin/backup streams online
backups to holders of that token (see 'attrib backup').`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := logger()
			abs, _ := filepath.Abs(data)
			log.Info("starting attrib", "version", version, "data", abs)
			s, err := openStore(data, log)
			if err != nil {
				return err
			}
			defer func() {
				if err := s.Close(); err != nil {
					log.Error("close store", "err", err)
				}
			}()
			empty, err := isEmpty(s)
			if err != nil {
				return err
			}
			if empty {
				res, err := seedDefault(s)
				if err != nil {
					return err
				}
				log.Info("seeded empty data directory", "nodes", res.NewNodes, "edges", res.NewEdges)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w (is another server running? try --addr 127.0.0.1:0)", addr, err)
			}
			url := "http://" + ln.Addr().String()
			log.Info("listening", "graphql", url+"/graphql", "playground", url+"/")
			gcCtx, stopGC := context.WithCancel(context.Background())
			gcDone := make(chan struct{})
			go func() { defer close(gcDone); s.RunGC(gcCtx, gc, log) }()
			// The GC pass must end before the deferred Close.
			defer func() { stopGC(); <-gcDone }()
			h := server.Handler(server.Config{Store: s, Logger: log, Limits: lim, MaxBody: lim.MaxBody,
				Admin: server.AdminToken(os.Getenv("ATTRIB_ADMIN_TOKEN"))})
			err = server.Serve(cmd.Context(), ln, h, drain)
			log.Info("stopped")
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().DurationVar(&drain, "drain", 15*time.Second, "how long to wait for in-flight requests on shutdown")
	cmd.Flags().DurationVar(&gc, "gc-interval", 10*time.Minute, "how often to reclaim space in the value log (0: never)")
	addDataFlag(cmd, &data)
	addLimitFlags(cmd, &lim)
	return cmd
}
