package mockserver

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/redact"
)

// serveStrict runs the handler into a buffer and lets the answer out only if it matches the
// spec, so a test catches the mock drifting from its own contract.
func (s *Server) serveStrict(w http.ResponseWriter, r *http.Request, req *request, handler operation) {
	rec := &recorder{header: http.Header{}, status: http.StatusOK, x: exchangeOf(w)}
	handler(rec, r, req.input)
	r.Body = io.NopCloser(bytes.NewReader(req.body))
	s.releaseChecked(w, r, "openapi.yaml", req.route, req.params, rec)
}

// releaseChecked lets a recorded answer out only if it matches its spec (status, headers, body);
// one that does not is logged naming the spec and answered with a generic 500. The Plum API and
// the admin API both end their strict path here.
func (s *Server) releaseChecked(w http.ResponseWriter, r *http.Request, spec string, route *routers.Route, params map[string]string, rec *recorder) {
	err := openapi3filter.ValidateResponse(r.Context(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.status,
		Header:                 rec.header,
		Body:                   io.NopCloser(bytes.NewReader(rec.body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	})
	if err != nil {
		s.log.LogAttrs(r.Context(), slog.LevelError, "response violates "+spec,
			slog.String("operation", route.Operation.OperationID), slog.Int("status", rec.status),
			slog.String("error", violation(err)))
		writeError(w, apierr.Internal())
		return
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// recorder buffers a response. x is the request's exchange, so a handler writing here still
// records on it (the operation its refusal log line names).
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	x      *exchange
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// violation describes a response's drift from the spec without its values: kin-openapi's own
// text quotes the offending value, which for a token set is the tokens themselves.
func violation(err error) string {
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return redact.JWTs(strings.Join(se.JSONPointer(), ".") + ": " + se.Reason)
	}
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) && re.Reason != "" {
		return redact.JWTs(re.Reason)
	}
	return "response does not match the spec"
}
