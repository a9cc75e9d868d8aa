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

// requestMeta is what is known of a request when it arrives: the one value its context
// carries, set once by trackRequests and never changed. What the request turns out to be (its
// operation, body, status, answer) is recorded on its exchange instead.
type requestMeta struct {
	id    string          // the caller's X-Request-Id when safe, else one the mock made up
	watch clock.Stopwatch // started when the request entered the chain
}

type metaKey struct{}

// metaOf is the request's meta; outside the chain (direct handler tests), an empty one
// started now.
func metaOf(ctx context.Context) *requestMeta {
	if m, ok := ctx.Value(metaKey{}).(*requestMeta); ok {
		return m
	}
	return &requestMeta{watch: clock.StartStopwatch()}
}

// trackRequests names the request (X-Request-Id), puts its meta in the context and its one
// response-writer wrapper (exchange) around the writer, and afterwards writes its access-log
// line. The line is at debug level: the request journal is the per-call record (as WireMock's
// is), and formatting and writing a line per call cost E4 a tenth of its throughput
// (BENCHMARKS.md). Admin calls that change something are logged at info. The line never holds
// a header, a body or a query string, so no token or secret can reach the log.
func (s *Server) trackRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		meta := &requestMeta{id: r.Header.Get("X-Request-Id"), watch: clock.StartStopwatch()}
		if !safeRequestID(meta.id) || s.journal.Hides(meta.id) { // a token fits the id's alphabet
			meta.id = s.requestIDs.next()
		}
		w.Header()["X-Request-Id"] = []string{meta.id}
		x := &exchange{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(x, r.WithContext(context.WithValue(r.Context(), metaKey{}, meta)))
		level := slog.LevelDebug
		if isAdminChange(r) {
			level = slog.LevelInfo // a moved clock or an injected fault explains later answers
		}
		if !s.log.Enabled(r.Context(), level) {
			return
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", meta.id), slog.String("method", r.Method), slog.String("path", redact.JWTs(r.URL.Path)),
			slog.String("operation", x.operation), slog.Int("status", x.status),
			slog.Float64("latency_ms", meta.watch.Milliseconds()))
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

// exchange is the request's one response-writer wrapper: it remembers the status for the
// access log and, for a journaled call, the answer's first bytes; the API layer records on it
// what it learned of the request (operation, body, fault), for the log and the journal. Only
// the request's own goroutine writes it.
type exchange struct {
	http.ResponseWriter
	status  int
	capture bool   // journaled: keep the answer's first maxJournaledBody bytes
	body    []byte // the answer, as far as captured
	encoded bool   // the body came from writeEncoded: valid JSON by construction, kept as it is

	operation   string // the spec operation the API layer resolved
	requestBody []byte // the request body the API layer read
	bodyChecked bool   // requestBody passed the strict JSON check, so the journal need not check it again
	fault       string // the id of the fault rule that answered, if any
}

// exchangeOf finds the request's exchange under w; outside the chain (direct handler tests),
// a throwaway one.
func exchangeOf(w http.ResponseWriter) *exchange {
	for w != nil {
		switch v := w.(type) {
		case *exchange:
			return v
		case *recorder: // strict mode buffers the handler's answer
			if v.x != nil {
				return v.x
			}
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			break
		}
		w = u.Unwrap()
	}
	return &exchange{ResponseWriter: w, status: http.StatusOK}
}

// wroteEncodedJSON is how writeEncoded hands over its body: the journal keeps that slice (no
// one writes to it again) instead of copying it, and need not check that it is JSON.
func (x *exchange) wroteEncodedJSON(body []byte) {
	if x.capture {
		x.encoded, x.body = true, body[:min(len(body), maxJournaledBody)]
	}
}

func (x *exchange) WriteHeader(status int) {
	x.status = status
	x.ResponseWriter.WriteHeader(status)
}

func (x *exchange) Write(b []byte) (int, error) {
	if room := maxJournaledBody - len(x.body); x.capture && room > 0 && !x.encoded {
		x.body = append(x.body, b[:min(len(b), room)]...)
	}
	return x.ResponseWriter.Write(b)
}

func (x *exchange) Unwrap() http.ResponseWriter { return x.ResponseWriter }
