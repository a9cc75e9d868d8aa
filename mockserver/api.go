package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/jsonbody"
)

// operation handles one operationId of openapi.yaml, given what the pipeline already read. It
// reads the body's fields from in, never from r.Body: admission has drained it.
type operation func(w http.ResponseWriter, r *http.Request, in input)

// input is what admission read from a request, so no handler reads or parses it again.
type input struct {
	body   []byte // checked against the spec
	bearer string // the Authorization header's token, for operations that need one
	// fields are the body's string values by dotted path, read in the same pass that checked
	// it (jsonbody.Strings); the spec has checked their types.
	fields map[string]string
}

// bindOperations binds every operation in the spec to its handler; start-up fails on a gap, so
// the spec and the mock cannot drift apart silently.
func bindOperations(doc *openapi3.T, handlers map[string]operation) error {
	var missing []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if _, ok := handlers[op.OperationID]; !ok {
				missing = append(missing, op.OperationID)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("mockserver: no handler for operation(s) %s in openapi.yaml", strings.Join(missing, ", "))
	}
	return nil
}

// request is one public API call on its way through the pipeline.
type request struct {
	route       *routers.Route
	params      map[string]string
	bodyChecked bool // body passed the strict JSON check
	input
}

// serveAPI is the request path for the real API: route from the spec, check the transport
// (method, credentials present, media type, size), check the body strictly, validate against
// the spec, then run the operation.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	x := exchangeOf(w)
	route, params, apiErr := s.route(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	x.operation = route.Operation.OperationID
	if s.injectFault(w, r, x.operation) {
		return
	}
	req, apiErr := s.admit(r, route, params)
	x.requestBody, x.bodyChecked = req.body, req.bodyChecked
	if apiErr != nil {
		s.refuse(w, r, apiErr)
		return
	}
	// Handlers read in, not r.Body (see operation); strict mode rewinds it for the answer's check.
	handler := s.operations[req.route.Operation.OperationID]
	if s.opts.Strict {
		s.serveStrict(w, r, req, handler)
		return
	}
	handler(w, r, req.input)
}

// route finds the spec operation for a request under /chef: the spec's fixed paths from a table
// built at start-up, anything else through kin-openapi's router.
func (s *Server) route(r *http.Request) (*routers.Route, map[string]string, *apierr.Error) {
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	if route, ok := s.fixedRoutes.find(r.Method, path); ok {
		return route, nil, nil
	}
	route, params, err := s.router.FindRoute(withPath(r, path))
	if errors.Is(err, routers.ErrMethodNotAllowed) {
		e := apierr.New(http.StatusMethodNotAllowed, "invalid_request", "method "+r.Method+" is not allowed on this path")
		e.Allow = s.allowedMethods(path)
		return nil, nil, e
	}
	if err != nil {
		return nil, nil, apierr.New(http.StatusNotFound, "invalid_request", "no such endpoint: "+path)
	}
	return route, params, nil
}

// withPath is r seen at path, as the spec (mounted under /chef) names it.
func withPath(r *http.Request, path string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path, r2.URL.RawPath = path, ""
	return r2
}

// admit runs every check that precedes a handler and returns the first refusal, with the
// request as far as it was read (the journal keeps a refused body too).
func (s *Server) admit(r *http.Request, route *routers.Route, params map[string]string) (*request, *apierr.Error) {
	req := &request{route: route, params: params}
	if needsBearer(route.Operation) {
		tok, e := admitBearer(r)
		if e != nil {
			return req, e
		}
		req.bearer = tok
	}
	if route.Operation.RequestBody != nil {
		if e := s.readBody(r, req); e != nil {
			return req, e
		}
	}
	return req, s.validateRequest(r, req)
}

// readBody checks the media type and size and the body's strict JSON form.
func (s *Server) readBody(r *http.Request, req *request) *apierr.Error {
	if !isJSON(r.Header.Get("Content-Type")) {
		return apierr.New(http.StatusUnsupportedMediaType, "invalid_request", "Content-Type must be application/json")
	}
	body, err := jsonbody.Read(r.Body, s.opts.MaxBodyBytes)
	if errors.Is(err, jsonbody.ErrTooLarge) {
		return apierr.New(http.StatusRequestEntityTooLarge, "invalid_request", fmt.Sprintf("request body exceeds %d bytes", s.opts.MaxBodyBytes))
	}
	if err != nil {
		return apierr.BadRequest("could not read the request body")
	}
	req.body = body
	fields, err := jsonbody.Strings(body)
	if err != nil {
		return apierr.BadRequest(err.Error())
	}
	req.bodyChecked, req.fields = true, fields
	return nil
}

// isJSON accepts application/json in any case, with parameters such as charset.
func isJSON(contentType string) bool {
	if contentType == "application/json" { // what nearly every client sends: no parsing
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

func needsBearer(op *openapi3.Operation) bool {
	return op.Security != nil && len(*op.Security) > 0
}

// validateRequest checks the request against the spec and names the offending field.
func (s *Server) validateRequest(r *http.Request, req *request) *apierr.Error {
	if nothingToValidate(req.route) {
		return nil
	}
	op := req.route.Operation.OperationID
	cacheable := onlyTheBodyVaries(req.route)
	if cacheable && s.validBodies.has(op, req.body) {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(req.body))
	in := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: req.params, Route: req.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	err := openapi3filter.ValidateRequest(r.Context(), in)
	if err == nil {
		if cacheable {
			s.validBodies.add(op, req.body)
		}
		return nil
	}
	return apierr.BadRequest(describeValidation(err))
}

// nothingToValidate reports an operation with no parameters and no body (E4): kin-openapi
// would only re-check the Authorization header that admit and the domain already check, at
// a fifth of the cost of the whole call.
func nothingToValidate(route *routers.Route) bool {
	return route.Operation.RequestBody == nil && onlyTheBodyVaries(route)
}

// onlyTheBodyVaries reports an operation whose validation verdict depends on its body alone
// (no parameters): a body that passed once passes again, so its verdict can be remembered.
func onlyTheBodyVaries(route *routers.Route) bool {
	return len(route.Operation.Parameters) == 0 && len(route.PathItem.Parameters) == 0
}

// describeValidation turns kin-openapi's error into a short description naming the field,
// never its raw multi-line text.
func describeValidation(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		field := strings.Join(se.JSONPointer(), ".")
		if field == "" {
			return "request body: " + se.Reason
		}
		return field + ": " + se.Reason
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		if re.Parameter != nil {
			return "parameter " + re.Parameter.Name + ": " + re.Reason
		}
		if re.Reason != "" {
			return "request body: " + re.Reason
		}
	}
	return "request does not match the API contract"
}

// allowedMethods lists the methods the spec declares for a path, for the Allow header.
func (s *Server) allowedMethods(path string) string {
	item := s.doc.Paths.Find(path)
	if item == nil {
		return ""
	}
	var methods []string
	for m := range item.Operations() {
		methods = append(methods, m)
	}
	sort.Strings(methods)
	return strings.Join(methods, ", ")
}
