// Package gqltest sends GraphQL requests over HTTP for tests: the one
// helper every package's tests use, whether the handler runs in process or
// behind a listening server.
package gqltest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Request is one GraphQL request.
type Request struct {
	Query     string
	Variables map[string]any
	// Token is sent as "Authorization: Bearer <Token>"; "" sends none.
	Token string
	// Context is the request's context (nil: background). A test that
	// serves graph's handler without the token check puts its principal
	// here.
	Context context.Context
}

// Error is one entry of a response's errors.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is the error's extensions.code.
func (e Error) Code() string {
	c, _ := e.Extensions["code"].(string)
	return c
}

// Response is what came back: the HTTP status and body, and the body read
// as a GraphQL response when it is one.
type Response struct {
	Status int
	Header http.Header
	Body   string
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
}

// Code is the first error's extensions.code, or "".
func (r *Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Code()
}

// Decode reads the data into out (when there is any), failing t if it
// does not fit.
func (r *Response) Decode(t testing.TB, out any) {
	t.Helper()
	if out == nil || len(r.Data) == 0 || string(r.Data) == "null" {
		return
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatalf("decode data %s: %v", r.Data, err)
	}
}

// Must fails t unless the response has no error, then decodes its data
// into out.
func (r *Response) Must(t testing.TB, out any) *Response {
	t.Helper()
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	r.Decode(t, out)
	return r
}

// Serve sends req to h in process, as a POST of /graphql.
func Serve(t testing.TB, h http.Handler, req Request) *Response {
	t.Helper()
	r, err := build("/graphql", req)
	if err != nil {
		t.Fatal(err)
	}
	in := httptest.NewRequestWithContext(r.Context(), http.MethodPost, "/graphql", r.Body)
	in.Header = r.Header
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, in)
	return read(rec.Code, rec.Header(), rec.Body.Bytes())
}

// Post sends req to the GraphQL endpoint at url (a listening server's
// base URL followed by /graphql), failing t if it gets no answer.
func Post(t testing.TB, url string, req Request) *Response {
	t.Helper()
	r, err := Send(http.DefaultClient, url, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Send is Post for a goroutine other than the test's, or a test that
// expects the server to go away: it returns the transport's error
// instead of failing a test.
func Send(c *http.Client, url string, req Request) (*Response, error) {
	r, err := build(url, req)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(r)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", url, err)
	}
	return read(resp.StatusCode, resp.Header, b), nil
}

// Err is nil for a clean answer (200, JSON, no error) and says what came
// back otherwise; with out, it decodes the data into out.
func (r *Response) Err(out any) error {
	if r.Status != http.StatusOK || len(r.Errors) > 0 || !json.Valid([]byte(r.Body)) {
		if len(r.Errors) > 0 {
			return fmt.Errorf("reply %d: %+v", r.Status, r.Errors)
		}
		return fmt.Errorf("reply %d: %.200s", r.Status, r.Body)
	}
	if out != nil && len(r.Data) > 0 && string(r.Data) != "null" {
		return json.Unmarshal(r.Data, out)
	}
	return nil
}

// build makes the HTTP request of req.
func build(url string, req Request) (*http.Request, error) {
	body := map[string]any{"query": req.Query}
	if req.Variables != nil {
		body["variables"] = req.Variables
	}
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	ctx := req.Context
	if ctx == nil {
		ctx = context.Background()
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	if req.Token != "" {
		r.Header.Set("Authorization", "Bearer "+req.Token)
	}
	return r, nil
}

// read keeps the status and body, and reads the body as a GraphQL response
// when it is JSON (a refusal before GraphQL may be anything).
func read(status int, h http.Header, body []byte) *Response {
	r := &Response{Status: status, Header: h, Body: string(body)}
	_ = json.Unmarshal(body, r)
	return r
}
