package graph

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

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
			if resp.HasNext == nil || !*resp.HasNext {
				// The last response: the operation is over. gqlgen asks for
				// no further one over GET or POST, so the nil case above
				// never comes, and until cancelled the deadline's timer
				// keeps this context, and through it the request's loaders
				// and every record they read, for the whole Timeout. A
				// server's request context is cancelled when its handler
				// returns, but a caller's that lives on (an in-process
				// client, a test) kept each request's memory that long.
				cancel()
			}
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
		fc := graphql.GetFieldContext(ctx)
		if fc != nil && !fc.IsResolver && !fc.IsMethod && len(fc.Field.Selections) == 0 {
			// A scalar read from a struct field the parent already holds:
			// nothing to time out, count or refuse, and a page resolves a
			// thousand of these.
			return next(ctx)
		}
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
		if err := checkFirst(fc, lim.MaxPageSize); err != nil {
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
func checkFirst(fc *graphql.FieldContext, maxPage int) error {
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
		allowed := maxPage // its own variable: taking maxPage's address would move it to the heap on every call
		fc.Args["first"] = &allowed
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
