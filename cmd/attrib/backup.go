package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/attrib/attrib/server"
)

func newBackupCmd() *cobra.Command {
	var (
		serverURL, out, tokenFlag string
		since                     uint64
	)
	cmd := &cobra.Command{
		Use:   "backup --server URL -o FILE",
		Short: "Take an online backup from a running server",
		Long: `Backup asks a running server for a consistent snapshot of its database and
writes it to FILE, while the server keeps serving and accepting writes. It
needs an admin's bearer token: one with the admin role from the server's
token set (--tokens, ATTRIB_TOKENS), or the ATTRIB_ADMIN_TOKEN the server was
started with. The token is taken from --token, else $ATTRIB_TOKEN, else
$ATTRIB_ADMIN_TOKEN, and is never printed.

Without --since the backup is full. It prints the version to pass as
--since to the next backup, which then holds only what changed since: keep
every file, and restore them oldest first with 'attrib restore'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if serverURL == "" || out == "" {
				return usageError{errors.New("backup needs --server URL and -o FILE")}
			}
			token := clientToken(tokenFlag)
			if token == "" {
				token = os.Getenv("ATTRIB_ADMIN_TOKEN")
			}
			if token == "" {
				return errors.New("backup needs an admin's token: pass --token, or set ATTRIB_TOKEN (or ATTRIB_ADMIN_TOKEN, the token the server was started with)")
			}
			n, next, err := backup(cmd.Context(), serverURL, token, since, out, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d bytes); for the next incremental backup pass --since %d\n", out, n, next)
			return nil
		},
	}
	cmd.Flags().StringVar(&serverURL, "server", "", "URL of the running server, e.g. http://127.0.0.1:8080")
	cmd.Flags().Uint64Var(&since, "since", 0, "version printed by the previous backup (0: full backup)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write the backup to")
	addTokenFlag(cmd, &tokenFlag)
	return cmd
}

// backup downloads a backup into out, through a temporary file renamed
// only when the stream is complete, so a failed backup never looks like a
// good one.
func backup(ctx context.Context, base, token string, since uint64, out string, progress io.Writer) (int64, uint64, error) {
	u, err := url.Parse(strings.TrimRight(base, "/") + "/admin/backup")
	if err != nil {
		return 0, 0, fmt.Errorf("server URL %q: %w", base, err)
	}
	u.RawQuery = url.Values{"since": {strconv.FormatUint(since, 10)}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w (is the server running at %s?)", err, base)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return 0, 0, fmt.Errorf("backup: server said %s: %s", resp.Status, refusal(msg))
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), filepath.Base(out)+".partial-*")
	if err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	var w io.Writer = tmp
	if f, ok := progress.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.DefaultBytes(-1, "backing up")
		defer bar.Finish()
		w = io.MultiWriter(tmp, bar)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		tmp.Close()
		return 0, 0, fmt.Errorf("backup: the stream broke after %d bytes: %w; nothing was written to %s, try again", n, err, out)
	}
	next, err := strconv.ParseUint(resp.Trailer.Get(server.BackupVersionTrailer), 10, 64)
	if err != nil {
		tmp.Close()
		return 0, 0, fmt.Errorf("backup: the server did not finish the stream (see its log); nothing was written to %s", out)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return 0, 0, fmt.Errorf("backup: %w", err)
	}
	return n, next, nil
}
