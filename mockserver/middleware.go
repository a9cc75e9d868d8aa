package mockserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/redact"
)

// requestInfo travels with a request so the access log can name the operation the API layer
// resolved; it is written once by the request's own goroutine.
type requestInfo struct {
	id        string
	operation string
	body      []byte // the request body the API layer read, for the journal
	// bodyChecked says body passed the strict JSON check, so the journal need not check it again.
	bodyChecked bool
	fault       string // the id of the fault that answered, if any
}

type infoKey struct{}

func infoOf(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{} // outside the middleware (direct handler tests): a throwaway
}

func setOperation(ctx context.Context, op string) { infoOf(ctx).operation = op }

// logRequests writes one access-log line per request, at debug level: the request journal is
// the per-call record (as WireMock's is), and formatting and writing a line per call cost E4 a
// tenth of its throughput (BENCHMARKS.md). Admin calls that change something are logged at
// info. The line never holds a header, a body or a query
// string, so no token or secret can reach the log.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		watch := clock.StartStopwatch()
		info := &requestInfo{id: r.Header.Get("X-Request-Id")}
		if !safeRequestID(info.id) {
			info.id = s.requestIDs.next()
		}
		w.Header()["X-Request-Id"] = []string{info.id}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))
		level := slog.LevelDebug
		if isAdminChange(r) {
			level = slog.LevelInfo // a moved clock or an injected fault explains later answers
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", info.id), slog.String("method", r.Method), slog.String("path", redact.JWTs(r.URL.Path)),
			slog.String("operation", info.operation), slog.Int("status", sw.status),
			slog.Float64("latency_ms", watch.Milliseconds()))
	})
}

// isAdminChange reports a call that may change the mock's behaviour: any admin call but a read.
func isAdminChange(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, adminPrefix+"/") && r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
}

// safeRequestID accepts a caller's X-Request-Id only if it cannot carry a secret or break a
// log: 1 to 64 of A-Z a-z 0-9 . _ -.
func safeRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// requestIDs names requests that came without an id: a random prefix per server and a counter,
// unique within a run and between runs, without a call into the random source per request.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &requestIDs{prefix: hex.EncodeToString(b) + "-"}
}

func (g *requestIDs) next() string {
	return g.prefix + strconv.FormatUint(g.n.Add(1), 36)
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
				slog.String("path", redact.JWTs(r.URL.Path)), slog.String("stack", string(debug.Stack())))
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
