package contract_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/plummock/plummock/contract"
)

// stateMutants break rotation, expiry and concurrency: the behaviour behind the answers.
func stateMutants() []mutant {
	return []mutant{
		{"refresh-returns-presented-token", "e2/rotation", func(next http.Handler) http.Handler {
			return keepPresentedRefresh(next, pUser)
		}},
		{"company-refresh-not-rotated", "e3/company-rotation", func(next http.Handler) http.Handler {
			return keepPresentedRefresh(next, pCompany)
		}},
		{"rotated-token-still-accepted", "e2/rotation", replayRotated},
		{"old-refresh-alive-after-new-e1", "e1/new-call-kills-previous-refresh", resurrectE1Refresh},
		{"all-concurrent-refreshes-succeed", "race/concurrent-refresh", coalesceRefreshes},
		{"failed-client-auth-consumes-token", "errors/e2-wrong-client-secret", consumeOnBadClient},
		{"expired-token-accepted", "clock/access-expiry-boundary", acceptExpired},
		{"token-valid-at-exp", "clock/access-expiry-boundary", func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/__admin/clock/set" {
					b := bodyOf(r)
					if t, err := time.Parse(time.RFC3339Nano, b["time"]); err == nil {
						r = withBody(r, map[string]string{"time": t.Add(-time.Second).Format(time.RFC3339Nano)})
					}
				}
				next.ServeHTTP(w, r)
			})
		}},
	}
}

// keepPresentedRefresh answers a refresh with the presented refresh token instead of the new one.
func keepPresentedRefresh(next http.Handler, path string) http.Handler {
	return editResponses(next, on(http.MethodPost, path), func(r *http.Request, c *captured) {
		presented := bodyOf(r)["refresh_token"]
		if m := c.object(); c.status == 200 && m != nil {
			m["refresh_token"] = presented
			c.setObject(m)
		}
	})
}

// replayRotated answers a second presentation of a rotated refresh token with the first answer.
func replayRotated(next http.Handler) http.Handler {
	var mu sync.Mutex
	seen := map[string]*captured{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !on(http.MethodPost, pUser)(r) {
			next.ServeHTTP(w, r)
			return
		}
		tok := bodyOf(r)["refresh_token"]
		c := capture(next, r)
		mu.Lock()
		if c.status == 200 {
			seen[tok] = c
		} else if prev := seen[tok]; prev != nil {
			c = prev
		}
		mu.Unlock()
		c.write(w)
	})
}

// resurrectE1Refresh keeps a user's earlier E1 refresh token working after a new E1: when one is
// refused, it answers with a fresh E1 set instead.
func resurrectE1Refresh(next http.Handler) http.Handler {
	var mu sync.Mutex
	fromE1, used := map[string]bool{}, map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case on(http.MethodPost, pCreate)(r):
			c := capture(next, r)
			if m := c.object(); c.status == 200 && m != nil {
				mu.Lock()
				fromE1[m["refresh_token"].(string)] = true
				mu.Unlock()
			}
			c.write(w)
		case on(http.MethodPost, pUser)(r):
			tok := bodyOf(r)["refresh_token"]
			c := capture(next, r)
			mu.Lock()
			revive := c.status == 400 && fromE1[tok] && !used[tok]
			used[tok] = true
			mu.Unlock()
			if revive {
				c = capture(next, freshE1(r))
			}
			c.write(w)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// freshE1 builds an E1 request for the demo Super Admin with the demo company token.
func freshE1(orig *http.Request) *http.Request {
	d := contract.DemoCredentials()
	r := httptest.NewRequest(http.MethodPost, "/chef"+pCreate,
		strings.NewReader(`{"user_input":"`+d.UserEmail+`","scope":"user_session"}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+d.CompanyToken)
	return r.WithContext(orig.Context())
}

// coalesceRefreshes makes concurrent refreshes of one token share the first one's answer, so all
// of them "succeed".
func coalesceRefreshes(next http.Handler) http.Handler {
	type call struct {
		done chan struct{}
		c    *captured
	}
	var mu sync.Mutex
	inflight := map[string]*call{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !on(http.MethodPost, pUser)(r) {
			next.ServeHTTP(w, r)
			return
		}
		tok := bodyOf(r)["refresh_token"]
		mu.Lock()
		if cl, ok := inflight[tok]; ok {
			mu.Unlock()
			<-cl.done
			cl.c.write(w)
			return
		}
		cl := &call{done: make(chan struct{})}
		inflight[tok] = cl
		mu.Unlock()
		time.Sleep(50 * time.Millisecond) // a slow path: the window the race needs
		cl.c = capture(next, r)
		mu.Lock()
		delete(inflight, tok)
		mu.Unlock()
		close(cl.done)
		cl.c.write(w)
	})
}

// consumeOnBadClient rotates the presented token before refusing bad client credentials.
func consumeOnBadClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if on(http.MethodPost, pUser)(r) {
			b := bodyOf(r)
			if d := contract.DemoCredentials(); b["client_secret"] != d.ClientSecret && b["client_secret"] != "" {
				good := map[string]string{"grant_type": "refresh_token", "refresh_token": b["refresh_token"],
					"client_id": d.ClientID, "client_secret": d.ClientSecret}
				capture(next, withBody(r, good))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// acceptExpired answers 200 to an expired (but genuine) access token on E4 and E8.
func acceptExpired(next http.Handler) http.Handler {
	return editResponses(next, func(r *http.Request) bool {
		return on(http.MethodGet, pValidate)(r) || on(http.MethodPost, pAPI)(r)
	}, func(r *http.Request, c *captured) {
		exp, iat, ok := jwtClaims(bearer(r))
		if !ok || c.status != http.StatusUnauthorized || exp > mockNow(next) {
			return
		}
		c.status = http.StatusOK
		c.header.Del("WWW-Authenticate")
		if r.Method == http.MethodGet {
			c.setObject(map[string]any{"access_token": bearer(r), "token_type": "bearer", "expires_in": exp - iat})
			return
		}
		c.setObject(map[string]any{"data": map[string]any{"user_balance": map[string]any{"success": 1, "message": nil, "data": map[string]any{"total": contract.DemoBalance}}}})
	})
}
