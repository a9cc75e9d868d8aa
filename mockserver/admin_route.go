package mockserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/jsonbody"
)

// adminOperation handles one operationId of admin.yaml, given what admission read.
type adminOperation func(w http.ResponseWriter, r *http.Request, in adminInput)

// adminInput is what admission read and checked against admin.yaml.
type adminInput struct {
	body   []byte            // the request body, valid for the operation's schema
	params map[string]string // path parameters by name
}

// fixturesBodyBytes bounds a PUT /fixtures body (a fixture file); other admin bodies are
// bounded by DefaultMaxBodyBytes.
const fixturesBodyBytes = 1 << 20

// serveAdmin is the request path for the admin API, the same as the Plum API's: route from
// admin.yaml, guard, check the transport and the body, validate against admin.yaml, run the
// operation; in strict mode the answer is checked against admin.yaml too.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if isPreflight(r) && !s.opts.DisableAdmin {
		s.refuseBrowserAdmin(w, r) // only a browser sends a preflight (cors.go)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, adminPrefix)
	route, params, e := s.routeAdmin(r, path)
	if e != nil {
		writeError(w, e)
		return
	}
	if !s.opts.Strict {
		s.runAdmin(w, r, route, params)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.runAdmin(rec, r, route, params)
	s.releaseChecked(w, r, "admin.yaml", route, params, rec)
}

// routeAdmin finds the admin.yaml operation for a path below /__admin. With --admin=false only
// health is served and every other path is unknown.
func (s *Server) routeAdmin(r *http.Request, path string) (*routers.Route, map[string]string, *apierr.Error) {
	route, params, err := s.admin.router.FindRoute(withPath(r, path))
	disabled := s.opts.DisableAdmin && (err != nil || route.Operation.OperationID != "health")
	switch {
	case disabled || (err != nil && !errors.Is(err, routers.ErrMethodNotAllowed)):
		return nil, nil, apierr.New(http.StatusNotFound, "invalid_request", "no such endpoint: "+r.URL.Path)
	case err != nil:
		e := apierr.New(http.StatusMethodNotAllowed, "invalid_request", "method "+r.Method+" is not allowed on this path")
		e.Allow = s.admin.allowed(path)
		return nil, nil, e
	}
	return route, params, nil
}

// runAdmin guards, admits and runs one routed admin call.
func (s *Server) runAdmin(w http.ResponseWriter, r *http.Request, route *routers.Route, params map[string]string) {
	if guarded(route.Operation) && crossOrigin(r) {
		s.refuseBrowserAdmin(w, r)
		return
	}
	if guarded(route.Operation) && !s.adminAllowed(r) {
		writeError(w, s.adminRefusal())
		return
	}
	in, e := s.admitAdmin(r, route, params)
	if e != nil {
		writeError(w, e)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(in.body))
	s.admin.operations[route.Operation.OperationID](w, r, in)
}

// guarded reports an operation under admin.yaml's global security (every one but those that
// declare `security: []`: health, the UI and the docs).
func guarded(op *openapi3.Operation) bool {
	return op.Security == nil || len(*op.Security) > 0
}

// admitAdmin reads the body (media type, size, strict JSON) and validates the request, path
// and query included, against admin.yaml; the first refusal is returned.
func (s *Server) admitAdmin(r *http.Request, route *routers.Route, params map[string]string) (adminInput, *apierr.Error) {
	in := adminInput{params: params}
	if rb := route.Operation.RequestBody; rb != nil {
		body, e := readAdminBody(r, rb.Value, route.Operation.OperationID)
		if e != nil {
			return in, e
		}
		in.body = body
	}
	if route.Operation.RequestBody == nil && len(route.Operation.Parameters) == 0 {
		return in, nil
	}
	r.Body = io.NopCloser(bytes.NewReader(in.body))
	err := openapi3filter.ValidateRequest(r.Context(), &openapi3filter.RequestValidationInput{
		Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	})
	if err == nil {
		return in, nil
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil && re.Parameter.In == openapi3.ParameterInPath {
		// The path names something that does not exist (a scenario, say): not found.
		name := re.Parameter.Name
		return in, apierr.New(http.StatusNotFound, "invalid_request", "no such "+name+": "+params[name]+" ("+schemaReason(err)+")")
	}
	return in, apierr.BadRequest(describeAdminValidation(err))
}

// describeAdminValidation names the field a refusal concerns: "parameter limit: ..." for the
// query, "field.sub: ..." for the body, "name: unknown field" for a field admin.yaml lacks.
func describeAdminValidation(err error) string {
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil {
		return "parameter " + re.Parameter.Name + ": " + schemaReason(err)
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if m := unsupportedProperty.FindStringSubmatch(se.Reason); m != nil {
			return strings.Join(append(se.JSONPointer(), m[1]), ".") + ": unknown field"
		}
	}
	return describeValidation(err)
}

// unsupportedProperty is kin-openapi's reason for a field additionalProperties: false refuses.
var unsupportedProperty = regexp.MustCompile(`^property "(.*)" is unsupported$`)

// schemaReason is the schema's own reason for a refusal, without kin-openapi's framing.
func schemaReason(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return se.Reason
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Reason != "" {
		return re.Reason
	}
	return "does not match admin.yaml"
}

// readAdminBody checks the media type against those admin.yaml declares, the size, and, for
// JSON, the strict form (one object, no duplicate keys, no trailing data).
func readAdminBody(r *http.Request, rb *openapi3.RequestBody, op string) ([]byte, *apierr.Error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || rb.Content[mt] == nil {
		return nil, apierr.New(http.StatusUnsupportedMediaType, "invalid_request", "Content-Type must be "+mediaTypes(rb.Content))
	}
	limit := int64(DefaultMaxBodyBytes)
	if op == "putFixtures" {
		limit = fixturesBodyBytes
	}
	body, err := jsonbody.Read(r.Body, limit)
	if errors.Is(err, jsonbody.ErrTooLarge) {
		return nil, apierr.New(http.StatusRequestEntityTooLarge, "invalid_request", fmt.Sprintf("request body exceeds %d bytes", limit))
	}
	if err != nil { // a cut-off upload must not be applied as if it were whole
		return nil, apierr.BadRequest("could not read the request body")
	}
	if mt == "application/json" {
		if err := jsonbody.Check(body); err != nil {
			return nil, apierr.BadRequest(err.Error())
		}
	} else if len(bytes.TrimSpace(body)) == 0 {
		return nil, apierr.BadRequest("request body is empty")
	}
	return body, nil
}

// mediaTypes lists the media types an operation takes, application/json first.
func mediaTypes(content openapi3.Content) string {
	var out []string
	for mt := range content {
		if mt != "application/json" {
			out = append(out, mt)
		}
	}
	sort.Strings(out)
	if content["application/json"] != nil {
		out = append([]string{"application/json"}, out...)
	}
	return strings.Join(out, " or ")
}
