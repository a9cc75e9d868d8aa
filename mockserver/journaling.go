package mockserver

import (
	"bytes"
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
			e := journal.NewEntry(r, info.body, cw.status, cw.body.Bytes())
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
	status int
	body   bytes.Buffer
}

func (w *capturingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *capturingWriter) Write(b []byte) (int, error) {
	if room := maxJournaledBody - w.body.Len(); room > 0 {
		w.body.Write(b[:min(len(b), room)])
	}
	return w.ResponseWriter.Write(b)
}

func (w *capturingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
