package mockserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"

	"github.com/plummock/plummock"
	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/clock"
)

// requestInfo travels with a request so the access log can name the operation the API layer
// resolved; it is written once by the request's own goroutine.
type requestInfo struct {
	id        string
	operation string
	body      []byte // the request body the API layer read, for the journal
	fault     string // the id of the fault that answered, if any
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{} // outside the middleware (direct handler tests): a throwaway
}

func setOperation(ctx context.Context, op string) { infoOf(ctx).operation = op }

// safeRequestID accepts a caller's X-Request-Id only if it cannot carry a secret or break a log.
var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// logRequests writes one access-log line per request: never a header, a body or a query string,
// so no token or secret can reach the log.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		watch := clock.StartStopwatch()
		info := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !safeRequestID.MatchString(info.id) {
			info.id = newRequestID()
		}
		w.Header().Set("X-Request-Id", info.id)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", info.id), slog.String("method", r.Method), slog.String("path", plummock.RedactJWTs(r.URL.Path)),
			slog.String("operation", info.operation), slog.Int("status", sw.status),
			slog.Float64("latency_ms", watch.Milliseconds()))
	})
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// recoverPanics turns a handler panic into a JSON 500 and a log line; the process lives on.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "handler panic",
				slog.String("path", plummock.RedactJWTs(r.URL.Path)), slog.String("stack", string(debug.Stack())))
			writeError(w, apierr.Internal())
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
