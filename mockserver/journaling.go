package mockserver

import (
	"net/http"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/journal"
)

// reasonHeader is the answer header that says why the mock refused a call; the journal keeps it.
const reasonHeader = "Plummock-Reason"

// maxJournaledBody bounds what the journal keeps of a response body.
const maxJournaledBody = 16 << 10

// journalCalls records every API call, redacted, in the request journal. It writes through
// the request's exchange (one is made when it runs outside the chain, as in tests).
func (s *Server) journalCalls(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := exchangeOf(w)
		x.capture = true
		defer func() {
			if v := recover(); v != nil {
				x.status = http.StatusInternalServerError
				defer panic(v) // recorded; recoverPanics answers it
			}
			s.journal.Add(s.journalEntry(r, x))
		}()
		next.ServeHTTP(x, r)
	})
}

// journalEntry is the redacted record of a finished call.
func (s *Server) journalEntry(r *http.Request, x *exchange) journal.Entry {
	meta := metaOf(r.Context())
	e := s.journal.NewEntry(journal.Call{Request: r, RequestID: meta.id, RequestBody: x.requestBody, RequestJSON: x.bodyChecked,
		Status: x.status, ResponseBody: x.body, ResponseJSON: x.encoded, Reason: x.Header().Get(reasonHeader)})
	e.Time, e.Operation, e.Fault = s.clock.Now(), x.operation, x.fault
	e.DurationMS = meta.watch.Milliseconds()
	return e
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
