package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/attrib/attrib/budget"
	"github.com/attrib/attrib/graph/generated"
)

// listWeight is what a list field without `first` is assumed to hold when
// scoring complexity; MaxObjects bounds what it really holds.
const listWeight = 10

// weighComplexity replaces gqlgen's default score (child + 1, blind to
// lists) for every list field of the schema, found by walking c with
// reflection, so a list added later is weighed without anyone listing it:
//   - a field with `first` costs 1 + child × first;
//   - nodes(ids) costs 1 + child × len(ids);
//   - the edges of a connection cost 1 + child (the connection's `first`
//     already counts them);
//   - any other list costs 1 + child × listWeight.
func weighComplexity(c *generated.ComplexityRoot, schema *ast.Schema) {
	root := reflect.ValueOf(c).Elem()
	for i := range root.NumField() {
		typ := schema.Types[root.Type().Field(i).Name]
		obj := root.Field(i)
		if typ == nil || obj.Kind() != reflect.Struct {
			continue
		}
		for j := range obj.NumField() {
			fd := schemaField(typ, obj.Type().Field(j).Name)
			if fd == nil {
				continue
			}
			if w := weigher(typ, fd); w != nil {
				f := obj.Field(j)
				f.Set(reflect.MakeFunc(f.Type(), func(args []reflect.Value) []reflect.Value {
					return []reflect.Value{reflect.ValueOf(w(args))}
				}))
			}
		}
	}
}

// schemaField finds the field of typ that gqlgen named goName.
func schemaField(typ *ast.Definition, goName string) *ast.FieldDefinition {
	for _, f := range typ.Fields {
		if strings.EqualFold(f.Name, goName) {
			return f
		}
	}
	return nil
}

// weigher returns the scoring of field fd of typ, or nil to keep gqlgen's.
// args[0] is the child complexity, then the field's arguments in schema
// order.
func weigher(typ *ast.Definition, fd *ast.FieldDefinition) func(args []reflect.Value) int {
	argAt := func(name string) int {
		for i, a := range fd.Arguments {
			if a.Name == name {
				return i + 1
			}
		}
		return -1
	}
	if i := argAt("first"); i > 0 {
		return func(args []reflect.Value) int {
			n := defaultFirst
			if v := reflect.Indirect(args[i]); v.IsValid() && v.CanInt() {
				n = int(v.Int())
			}
			return weigh(int(args[0].Int()), max(n, 1))
		}
	}
	if fd.Type.Elem == nil {
		return nil
	}
	if i := argAt("ids"); i > 0 {
		return func(args []reflect.Value) int { return weigh(int(args[0].Int()), max(args[i].Len(), 1)) }
	}
	if strings.HasSuffix(typ.Name, "Connection") && fd.Name == "edges" {
		return func(args []reflect.Value) int { return weigh(int(args[0].Int()), 1) }
	}
	return func(args []reflect.Value) int { return weigh(int(args[0].Int()), listWeight) }
}

// weigh is 1 + child × n without overflowing: nested pages multiply.
func weigh(child, n int) int {
	const ceiling = 1 << 40
	if child > 0 && n > ceiling/child {
		return ceiling
	}
	return min(1+child*n, ceiling)
}

// runLimits bounds an operation while it runs: a timeout, and a count of
// the objects resolved so far. Once either is hit the remaining fields
// fail fast and the response is replaced by the one error that says why.
func runLimits(srv *handler.Server, lim Limits) {
	type runState struct {
		objects atomic.Int64
		err     atomic.Pointer[gqlerror.Error]
	}
	type key struct{}
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		st := &runState{}
		ctx = context.WithValue(ctx, key{}, st)
		cancel := func() {}
		if lim.Timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, lim.Timeout)
		}
		h := next(ctx)
		answered := false
		return func(rctx context.Context) *graphql.Response {
			resp := h(rctx)
			if resp == nil {
				cancel()
				// gqlgen answers nothing once the deadline has passed;
				// say why instead.
				if !answered && errors.Is(ctx.Err(), context.DeadlineExceeded) {
					answered = true
					return &graphql.Response{Errors: gqlerror.List{timeoutError(lim)}}
				}
				return nil
			}
			answered = true
			if err := st.err.Load(); err != nil {
				cancel()
				return &graphql.Response{Errors: gqlerror.List{copyError(err)}}
			}
			if lim.MaxResponse > 0 && len(resp.Data) > lim.MaxResponse {
				return &graphql.Response{Errors: gqlerror.List{limitError("response would be %d bytes, over the limit of %d; ask for smaller pages or fewer fields", len(resp.Data), lim.MaxResponse)}}
			}
			return resp
		}
	})
	srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		st, _ := ctx.Value(key{}).(*runState)
		if st == nil {
			return next(ctx)
		}
		// The stored error is shared by every field that fails after it:
		// gqlgen sets a field's path on the error it is given, so each
		// field gets its own copy.
		if err := st.err.Load(); err != nil {
			return nil, copyError(err)
		}
		if err := checkFirst(ctx, lim.MaxPageSize); err != nil {
			return nil, err
		}
		if ctx.Err() != nil {
			err := timeoutError(lim)
			st.err.CompareAndSwap(nil, err)
			return nil, copyError(err)
		}
		res, err := next(ctx)
		if err != nil || lim.MaxObjects <= 0 {
			return res, err
		}
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || len(fc.Field.Selections) == 0 {
			return res, nil // a scalar or enum: not an object
		}
		if n := st.objects.Add(objects(res)); n > int64(lim.MaxObjects) {
			err := limitError("response would hold more than %d objects; ask for smaller pages or fewer nested lists", lim.MaxObjects)
			st.err.CompareAndSwap(nil, err)
			return nil, copyError(err)
		}
		return res, nil
	})
}

// checkFirst refuses a `first` above the configured page size before the
// field resolves, and lowers the schema's default when it is above; page()
// enforces the built-in MaxPageSize in any case.
func checkFirst(ctx context.Context, maxPage int) error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || maxPage <= 0 || maxPage >= MaxPageSize {
		return nil
	}
	var n int
	switch v := fc.Args["first"].(type) {
	case int:
		n = v
	case *int:
		if v == nil {
			return nil
		}
		n = *v
	default:
		return nil
	}
	if n > maxPage && fc.Field.Arguments.ForName("first") == nil {
		// The schema's default page is larger than this server allows:
		// serve the largest page allowed instead of refusing.
		fc.Args["first"] = &maxPage
		return nil
	}
	if n > maxPage {
		return errInvalid("first", "must be between 0 and %d (the maximum page size), got %d", maxPage, n)
	}
	return nil
}

func timeoutError(lim Limits) *gqlerror.Error {
	return limitError("query ran longer than the limit of %s; ask for less", lim.Timeout)
}

// objects is how many objects a resolved composite value holds: a list's
// length, or 1.
func objects(v any) int64 {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		return 0
	case reflect.Slice, reflect.Array:
		return int64(rv.Len())
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return 0
		}
	}
	return 1
}

// guard is the first thing a GraphQL request meets. It admits JSON POST and
// GET only (form, multipart and text/plain posts are what a cross-site form
// can send), mutations only over POST, single requests only, bodies up to
// MaxBody, and queries within the budget; all before gqlgen parses
// anything. Refusals are GraphQL-shaped JSON errors with a 4xx status.
func guard(lim Limits, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var query string
		switch r.Method {
		case http.MethodGet:
			params, err := url.ParseQuery(r.URL.RawQuery)
			if err != nil {
				refuse(w, http.StatusBadRequest, CodeValidation, "the URL query string is malformed")
				return
			}
			for _, k := range []string{"variables", "extensions"} {
				if v := params.Get(k); v != "" && !json.Valid([]byte(v)) {
					refuse(w, http.StatusBadRequest, CodeValidation, k+" is not valid JSON")
					return
				}
			}
			query = params.Get("query")
		case http.MethodPost:
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				refuse(w, http.StatusUnsupportedMediaType, CodeValidation, "send GraphQL requests as JSON (Content-Type: application/json), or queries with GET")
				return
			}
			body := r.Body
			if lim.MaxBody > 0 {
				body = http.MaxBytesReader(w, r.Body, lim.MaxBody)
			}
			raw, err := io.ReadAll(body)
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					refuse(w, http.StatusRequestEntityTooLarge, CodeLimit, fmt.Sprintf("request body is larger than the limit of %d bytes", mbe.Limit))
					return
				}
				refuse(w, http.StatusBadRequest, CodeValidation, "could not read the request body")
				return
			}
			if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) > 0 && t[0] == '[' {
				refuse(w, http.StatusBadRequest, CodeValidation, "batched requests are not supported; send one request per query")
				return
			}
			var params struct {
				Query string `json:"query"`
			}
			if err := json.Unmarshal(raw, &params); err != nil {
				refuse(w, http.StatusBadRequest, CodeValidation, `request body is not a JSON object like {"query": "...", "variables": {...}}`)
				return
			}
			query = params.Query
			r.Body = io.NopCloser(bytes.NewReader(raw))
		default:
			w.Header().Set("Allow", "GET, POST")
			refuse(w, http.StatusMethodNotAllowed, CodeValidation, "use POST with a JSON body, or GET for queries")
			return
		}
		rep, err := budget.Check(query, lim.Budget)
		var se *budget.SyntaxError
		switch {
		case errors.As(err, &se):
			refuse(w, http.StatusBadRequest, CodeValidation, se.Error())
			return
		case err != nil:
			refuse(w, http.StatusBadRequest, CodeLimit, err.Error())
			return
		}
		if r.Method == http.MethodGet {
			for _, k := range rep.Kinds {
				if k != "query" {
					w.Header().Set("Allow", "POST")
					refuse(w, http.StatusMethodNotAllowed, CodeValidation, k+"s must be sent with POST, not GET")
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuse writes a GraphQL-shaped error response.
func refuse(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}
