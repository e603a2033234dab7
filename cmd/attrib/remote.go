package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/attrib/attrib/export"
	"github.com/attrib/attrib/subgraph"
)

// fetchExport streams GET /export of req as format from a running server
// into w, sending token (when set) as a bearer token: the server exports
// what that token's role may see. This is the one HTTP path of export; a
// local export reads the store directly.
func fetchExport(ctx context.Context, base, token string, req subgraph.Request, format export.Format, w io.Writer) error {
	u, err := url.Parse(strings.TrimRight(base, "/") + "/export")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return usageError{fmt.Errorf("export: --server %q is not an http(s) URL", base)}
	}
	q := url.Values(req.Query())
	q.Set("format", string(format))
	u.RawQuery = q.Encode()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if token != "" {
		hreq.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 30 * time.Minute}
	resp, err := client.Do(hreq)
	if err != nil {
		return fmt.Errorf("export: fetch from %s: %w (is 'attrib serve' running there?)", base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		hint := ""
		if resp.StatusCode == http.StatusUnauthorized {
			hint = "\nsend a token the server knows with --token or $" + tokenEnv
		}
		return fmt.Errorf("export: server %s: %s: %s%s", base, resp.Status, refusal(msg), hint)
	}
	if _, err := io.Copy(w, resp.Body); err != nil {
		return fmt.Errorf("export: fetch from %s: %w", base, err)
	}
	return nil
}

// refusal is the message of a server's JSON refusal, or its body as sent
// when it is not one.
func refusal(body []byte) string {
	var r struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(body, &r) == nil && len(r.Errors) > 0 && r.Errors[0].Message != "" {
		return r.Errors[0].Message
	}
	return strings.TrimSpace(string(body))
}
