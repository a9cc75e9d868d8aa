package mockserver

import (
	"net/http"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/journal"
)

// reasonHeader is the answer header that says why the mock refused a call; the journal keeps it.
const reasonHeader = "Plummock-Reason"

// maxJournaledBody bounds what the journal keeps of a response body.
const maxJournaledBody = 16 << 10

// journalCalls records every API call, redacted, in the request journal.
func (s *Server) journalCalls(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		watch := clock.StartStopwatch()
		cw := &capturingWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				cw.status = http.StatusInternalServerError
				defer panic(v) // recorded; recoverPanics answers it
			}
			info := infoOf(r.Context())
			e := s.journal.NewEntry(journal.Call{Request: r, RequestID: info.id, RequestBody: info.body, RequestJSON: info.bodyChecked,
				Status: cw.status, ResponseBody: cw.body, ResponseJSON: cw.encoded, Reason: cw.Header().Get(reasonHeader)})
			e.Time, e.Operation, e.Fault = s.clock.Now(), info.operation, info.fault
			e.DurationMS = watch.Milliseconds()
			s.journal.Add(e)
		}()
		next.ServeHTTP(cw, r)
	})
}

// rememberSecrets tells the journal the credentials of a fixture set and the admin token, so it
// hides them wherever a call carries them (under an unknown key, in the path, in a header).
func (s *Server) rememberSecrets(set *fixtures.Set) {
	s.journal.Remember(s.opts.AdminToken)
	for _, c := range set.Companies {
		s.journal.Remember(c.ClientSecret)
		s.journal.Remember(c.AccessTokens...)
		s.journal.Remember(c.RefreshTokens...)
	}
}

// capturingWriter keeps the status and the first part of the body.
type capturingWriter struct {
	http.ResponseWriter
	status  int
	body    []byte
	encoded bool // the body came from writeEncoded: valid JSON by construction, kept as it is
}

// wroteEncodedJSON is how writeEncoded hands over its body: the journal keeps that slice (no
// one writes to it again) instead of copying it, and need not check that it is JSON.
func (w *capturingWriter) wroteEncodedJSON(body []byte) {
	w.encoded, w.body = true, body[:min(len(body), maxJournaledBody)]
}

func (w *capturingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *capturingWriter) Write(b []byte) (int, error) {
	if room := maxJournaledBody - len(w.body); room > 0 && !w.encoded {
		w.body = append(w.body, b[:min(len(b), room)]...)
	}
	return w.ResponseWriter.Write(b)
}

func (w *capturingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
