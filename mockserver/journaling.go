package mockserver

import (
	"net/http"

	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/journal"
)

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
			e := journal.NewEntry(journal.Call{Request: r, RequestBody: info.body, RequestJSON: info.bodyChecked,
				Status: cw.status, ResponseBody: cw.body, ResponseJSON: cw.encoded})
			e.Time, e.RequestID, e.Operation, e.Fault = s.clock.Now(), info.id, info.operation, info.fault
			e.DurationMS = watch.Milliseconds()
			s.journal.Add(e)
		}()
		next.ServeHTTP(cw, r)
	})
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
