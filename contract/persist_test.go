package contract_test

import (
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/plummock/plummock/contract"
)

// requestLog records the path of every request the fake receives.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.paths = append(l.paths, r.Method+" "+r.URL.Path)
		l.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (l *requestLog) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.paths...)
}

// The rotated company pair is handed to Persist right after the E3 answer, before any other
// request; and the target's in-memory credentials move on to it.
func TestRotatedCompanyTokensPersistedBeforeNextRequest(t *testing.T) {
	var log requestLog
	target := newFake(t, log.wrap, 5)
	target.AdminURL = "" // no reset: the rotation must stand on Persist alone
	var saved []contract.Credentials
	target.Persist = func(c contract.Credentials) error {
		if p := log.snapshot(); p[len(p)-1] != "POST /chef"+contract.PathRefreshCompany {
			t.Errorf("Persist called after %q, want right after E3", p[len(p)-1])
		}
		saved = append(saved, c)
		return nil
	}
	cases, _ := contract.Select(contract.Cases(), "^e3/company-rotation$")
	rep, err := contract.RunSuite(t.Context(), target, cases)
	if err != nil || rep.Failed() {
		t.Fatalf("run failed: %v %+v", err, rep.Cases)
	}
	if len(saved) != 1 || saved[0].CompanyRefreshToken == contract.DemoCredentials().CompanyRefreshToken {
		t.Fatalf("want one save of a new company refresh token, got %d", len(saved))
	}
}

// If the successor cannot be saved, the run stops sending requests at once.
func TestPersistFailureAbortsTheRun(t *testing.T) {
	var log requestLog
	target := newFake(t, log.wrap, 5)
	target.AdminURL = ""
	var after int
	target.Persist = func(contract.Credentials) error { after = len(log.snapshot()); return errors.New("disk full") }
	cases, _ := contract.Select(contract.Cases(), "^(e3/company-rotation|e1/token-set)$")
	cases = append(cases[1:], cases[0]) // e3 first, then e1
	rep, err := contract.RunSuite(t.Context(), target, cases)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Failed() || rep.Aborted == "" {
		t.Errorf("want a failed, aborted report; got aborted=%q", rep.Aborted)
	}
	if n := len(log.snapshot()); n != after {
		t.Errorf("%d requests were sent after the save failed", n-after)
	}
	if c := rep.Case("e1/token-set"); c == nil || c.Verdict != contract.Skip {
		t.Errorf("the case after the abort must be skipped, got %+v", c)
	}
}
