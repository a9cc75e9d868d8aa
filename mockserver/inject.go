package mockserver

import (
	"log/slog"
	"net/http"
	"time"
)

// injectFault answers a call the way a fault rule says, if one applies; it reports whether it
// did. The delay is real time (it simulates latency, not expiry).
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, operation string) bool {
	out := s.faults.Decide(operation, s.clock.Now())
	if out == nil {
		return false
	}
	exchangeOf(w).fault = out.RuleID
	if out.Delay > 0 {
		timer := time.NewTimer(out.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return true
		}
	}
	if out.Drop {
		dropConnection(w, s.log, r)
		return true
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	if out.Status == http.StatusTooManyRequests {
		h.Set("Retry-After", "60")
	}
	w.WriteHeader(out.Status)
	_, _ = w.Write(out.Body)
	return true
}

// dropConnection closes the client's connection without an answer, as a dying upstream would.
func dropConnection(w http.ResponseWriter, log *slog.Logger, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		log.LogAttrs(r.Context(), slog.LevelWarn, "fault: cannot drop this connection", slog.String("error", err.Error()))
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}
