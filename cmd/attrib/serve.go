package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/attrib/attrib/auth"
	"github.com/attrib/attrib/search"
	"github.com/attrib/attrib/server"
)

func newServeCmd() *cobra.Command {
	var (
		addr, data, tokensFile string
		memoryLimit            string
		drain, gc              time.Duration
		readsNeedToken         bool
		lim                    server.Limits
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the GraphQL server and the GraphiQL playground",
		Long: `Serve the GraphQL API at /graphql (POST, and GET for queries), the GraphiQL
playground at /, and /healthz. An empty data directory is seeded with the
embedded article first. SIGTERM or Ctrl-C stops the server after in-flight
requests finish.

Writes need a bearer token with the editor role: tokens come from --tokens
FILE and from the ATTRIB_TOKENS environment variable, one "name:role:token"
entry per line (';' also separates entries). Roles are reader, editor and
admin. Reads are anonymous on a loopback address unless
--require-token-for-reads; on any other address they need a token unless
--require-token-for-reads=false. GET /export follows the same rules, and
exports only what the token's role may read. /admin/backup streams online
backups to holders of an admin's token, or of ATTRIB_ADMIN_TOKEN when set
(see 'attrib backup').`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := logger()
			abs, _ := filepath.Abs(data)
			limit, err := server.MemoryLimit(memoryLimit)
			if err != nil {
				return err
			}
			log.Info("starting attrib", "version", version, "data", abs, "memory_limit", humanize.IBytes(uint64(limit)))
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
			tokens, err := loadTokens(tokensFile)
			if err != nil {
				return err
			}
			ipath, err := indexPath(data)
			if err != nil {
				return err
			}
			// The index follows the store from here on; Open has already
			// replayed whatever a crash left unapplied.
			x, err := search.Open(ipath, s, log)
			if err != nil {
				return fmt.Errorf("search index %s: %w (run attrib reindex --data %s)", ipath, err, data)
			}
			x.Follow()
			defer func() {
				if err := x.Close(); err != nil {
					log.Error("close search index", "err", err)
				}
			}()
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w (is another server running? try --addr 127.0.0.1:0)", addr, err)
			}
			if tokens.Len() == 0 {
				log.Warn("no tokens configured: the API is read-only; see --tokens")
			}
			if !cmd.Flags().Changed("require-token-for-reads") {
				readsNeedToken = !isLoopback(ln.Addr())
			}
			url := "http://" + ln.Addr().String()
			log.Info("listening", "graphql", url+"/graphql", "playground", url+"/",
				"tokens", tokens.Len(), "reads_need_token", readsNeedToken)
			gcCtx, stopGC := context.WithCancel(context.Background())
			gcDone := make(chan struct{})
			go func() { defer close(gcDone); s.RunGC(gcCtx, gc, log) }()
			// The GC pass must end before the deferred Close.
			defer func() { stopGC(); <-gcDone }()
			h := server.Handler(server.Config{Store: s, Index: x, Logger: log, Limits: lim,
				Tokens: tokens, ReadsNeedToken: readsNeedToken,
				Admin: server.AdminToken(os.Getenv("ATTRIB_ADMIN_TOKEN"))})
			err = server.Serve(cmd.Context(), ln, h, drain)
			log.Info("stopped")
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on")
	cmd.Flags().DurationVar(&drain, "drain", 15*time.Second, "how long to wait for in-flight requests on shutdown")
	cmd.Flags().StringVar(&tokensFile, "tokens", "", "file of bearer tokens, one name:role:token per line (also read from $ATTRIB_TOKENS)")
	cmd.Flags().BoolVar(&readsNeedToken, "require-token-for-reads", false, "refuse reads without a token (default: false on a loopback address, true otherwise)")
	cmd.Flags().DurationVar(&gc, "gc-interval", 10*time.Minute, "how often to reclaim space in the value log (0: never)")
	cmd.Flags().StringVar(&memoryLimit, "memory-limit", "", "soft memory limit of the process, e.g. 2GiB (default: $GOMEMLIMIT, else 3/4 of the memory available; 0: none)")
	addDataFlag(cmd, &data)
	addLimitFlags(cmd, &lim)
	return cmd
}

// tokensEnv names the environment variable that may hold token entries.
const tokensEnv = "ATTRIB_TOKENS"

// loadTokens reads the token file (if any) and $ATTRIB_TOKENS.
func loadTokens(file string) (*auth.Tokens, error) {
	var src strings.Builder
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read token file: %w", err)
		}
		src.Write(raw)
		src.WriteByte('\n')
	}
	src.WriteString(os.Getenv(tokensEnv))
	tokens, err := auth.Parse(strings.NewReader(src.String()))
	if err != nil {
		return nil, fmt.Errorf("%w (from --tokens %s and $%s)", err, file, tokensEnv)
	}
	return tokens, nil
}

// isLoopback reports whether the server listens on a loopback address only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
