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

// An admin reset restores the fake at the admin URL; when that is another host:port than the
// base URL, the base target's credentials were not restored, so the run must neither write the
// starting pair back (it is dead on the base target: the live pair would be lost) nor count the
// admin API as a way to undo a company rotation.
func TestResetElsewhereKeepsRotatedCredentials(t *testing.T) {
	target, other := newFake(t, nil, 5), newFake(t, nil, 5)
	target.AdminURL = other.AdminURL // a fake's admin API, but not the base target's
	var saved []contract.Credentials
	target.Persist = func(c contract.Credentials) error { saved = append(saved, c); return nil }
	cases, _ := contract.Select(contract.Cases(), "^e3/company-rotation$")
	rep, err := contract.RunSuite(t.Context(), target, append(cases, cases...)) // the second rotation needs the live pair
	if err != nil || rep.Failed() {
		t.Fatalf("run failed: %v, %d failed", err, failedCount(rep))
	}
	demo := contract.DemoCredentials()
	if len(saved) != 2 {
		t.Fatalf("want two saves (one per rotation), got %d: %+v", len(saved), saved)
	}
	for _, c := range saved {
		if c.CompanyRefreshToken == demo.CompanyRefreshToken || c.CompanyToken == demo.CompanyToken {
			t.Errorf("the starting (dead) company pair was written back: %+v", c)
		}
	}

	target.Persist = nil // now nothing can save the successor, and the reset cannot restore it
	cases, _ = contract.Select(contract.Cases(), "^e3/")
	rep, err = contract.RunSuite(t.Context(), target, cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"e3/company-rotation", "e3/company-replay-rejected"} {
		if c := rep.Case(name); c == nil || c.Verdict != contract.Skip {
			t.Errorf("%s must be skipped when the admin API is another target's, got %+v", name, c)
		}
	}
}

// e3Log records the refresh token each E3 request presented and the one its 200 answer issued.
type e3Log struct {
	mu       sync.Mutex
	issued   []string
	statuses []int
}

// stringExpiresIn answers every E3 with the fake's token set but expires_in as a string, a 200
// the suite rejects: the tokens in it are live all the same (the presented refresh token is dead).
func (l *e3Log) stringExpiresIn(next http.Handler) http.Handler {
	return editResponses(next, func(r *http.Request) bool { return r.URL.Path == "/chef"+contract.PathRefreshCompany },
		func(r *http.Request, c *captured) {
			m := c.object()
			l.mu.Lock()
			defer l.mu.Unlock()
			l.statuses = append(l.statuses, c.status)
			if c.status == http.StatusOK && m != nil {
				l.issued = append(l.issued, m["refresh_token"].(string))
				m["expires_in"] = "2592000"
				c.setObject(m)
			}
		})
}

// A 200 from E3 that the suite finds wrong still carries the only live company refresh token:
// it must be saved (and used from then on) before the case fails on the body.
func TestBadE3AnswerStillSavesTheTokens(t *testing.T) {
	var l e3Log
	target := newFake(t, l.stringExpiresIn, 5)
	target.AdminURL = "" // no reset: the rotation must stand on Persist alone
	var saved []contract.Credentials
	target.Persist = func(c contract.Credentials) error { saved = append(saved, c); return nil }
	cases, _ := contract.Select(contract.Cases(), "^e3/company-rotation$")
	rep, err := contract.RunSuite(t.Context(), target, append(cases, cases...))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Cases {
		if c.Verdict != contract.Fail {
			t.Errorf("%s: %s, want FAIL (expires_in is a string)", c.Name, c.Verdict)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.statuses) != 2 || l.statuses[1] != http.StatusOK {
		t.Fatalf("E3 statuses %v: the second rotation must present the saved live token and get 200", l.statuses)
	}
	if len(saved) != 2 {
		t.Fatalf("want the issued pair saved after each E3 200, got %d saves", len(saved))
	}
	for i, c := range saved {
		if c.CompanyRefreshToken != l.issued[i] || c.CompanyToken == contract.DemoCredentials().CompanyToken {
			t.Errorf("save %d is not the pair E3 issued", i+1)
		}
	}
}
