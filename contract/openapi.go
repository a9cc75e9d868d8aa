package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/plummock/plummock"
)

// validator checks every response of the real API against openapi.yaml, so a target cannot pass
// a case with a body or status the contract does not allow.
type validator struct {
	router routers.Router
}

// verdict is what the spec says about one observed response.
type verdict struct {
	Operation string // operationId of the matched operation, "" when the path is not in the spec
	Assumed   bool   // the matched response definition carries x-assumed: true
	Err       error  // nil when the response conforms
}

func newValidator() (*validator, error) {
	doc, err := plummock.LoadSpec()
	if err != nil {
		return nil, err
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build spec router: %w", err)
	}
	return &validator{router: r}, nil
}

// check validates a response to method+path (path relative to the base URL, e.g.
// /v1/oauth/token). A wrong-method probe is validated against the 405 definition of an operation
// that does exist on the path, since the router itself refuses the method.
func (v *validator) check(method, path string, status int, header http.Header, body []byte) verdict {
	route, params, err := v.findRoute(method, path)
	if err != nil {
		return verdict{Err: err}
	}
	out := verdict{Operation: route.Operation.OperationID, Assumed: isAssumed(route.Operation, status)}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: mustRequest(method, path), PathParams: params, Route: route,
		},
		Status:  status,
		Header:  header,
		Body:    io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: false},
	}
	out.Err = openapi3filter.ValidateResponse(context.Background(), input)
	return out
}

func (v *validator) findRoute(method, path string) (*routers.Route, map[string]string, error) {
	route, params, err := v.router.FindRoute(mustRequest(method, path))
	if !errors.Is(err, routers.ErrMethodNotAllowed) {
		return route, params, err
	}
	for _, m := range []string{http.MethodPost, http.MethodGet} {
		if m == method {
			continue
		}
		if route, params, err2 := v.router.FindRoute(mustRequest(m, path)); err2 == nil {
			return route, params, nil
		}
	}
	return nil, nil, err
}

// isAssumed reports whether the response definition the status selects is marked x-assumed, so
// a report against the real service shows which of plummock's assumptions held.
func isAssumed(op *openapi3.Operation, status int) bool {
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return false
	}
	b, ok := ref.Value.Extensions["x-assumed"].(bool)
	return ok && b
}

// mustRequest builds the request the router matches on; the host is irrelevant because
// LoadSpec clears the spec's servers.
func mustRequest(method, path string) *http.Request {
	req, err := http.NewRequest(method, "http://target"+path, nil)
	if err != nil {
		req, _ = http.NewRequest(method, "http://target/", nil)
	}
	return req
}
