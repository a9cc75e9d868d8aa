package main

import (
	"fmt"
	"net/http"
	"strings"
)

// newWorker builds worker i for the mode. E2, E4 and E8 first get a token set for the worker's
// own Super Admin through E1 (not measured) at cfg.tokens; E2 then presents each answer's refresh
// token in the next request, so every request rotates a token exactly once. E4 and E8 pointed at
// the plain baseline (-url) with tokens from the mock (-token-url) send the plain handler the very
// request shape the mock's rows send, so their ratio isolates plummock's own cost.
func newWorker(c *http.Client, cfg config, i int) (*worker, error) {
	w := &worker{client: c, statuses: map[int]int{}}
	user := fmt.Sprintf(cfg.users, i)
	create := func() (*http.Request, error) { return createUser(cfg.base, cfg.token, user), nil }
	switch cfg.mode {
	case "plain":
		w.next = func([]byte) (*http.Request, error) { return http.NewRequest("GET", cfg.base+"/", nil) }
		return w, nil
	case "e1":
		w.next = func([]byte) (*http.Request, error) { return create() }
		return w, nil
	}
	set, status, err := do(c, createUser(cfg.tokens, cfg.token, user))
	if err != nil || status != http.StatusOK {
		return nil, fmt.Errorf("worker %d: E1 for %s: %d %v %s", i, user, status, err, set)
	}
	w.prev = set
	access := field(set, "access_token")
	switch cfg.mode {
	case "e2":
		w.next = func(prev []byte) (*http.Request, error) { return refresh(cfg.base, field(prev, "refresh_token")) }
	case "e4":
		w.next = func([]byte) (*http.Request, error) { return get(cfg.base+"/chef/v1/oauth/token", access), nil }
	case "mix":
		w.next = mix(cfg.base, create, set)
	case "e8":
		body := `{"query":"storesAdmin.query.user_balance","tag":"storeAdmin","variables":{"user_data":{"email":"` + user + `"}}}`
		w.next = func([]byte) (*http.Request, error) { return post(cfg.base+"/chef/v1/oauth/api", access, body), nil }
	default:
		return nil, fmt.Errorf("unknown -mode %q (plain, e1, e2, e4, e8, mix)", cfg.mode)
	}
	return w, nil
}

// createUser is E1 for one Super Admin at base: the measured request of E1 and the mix, and how
// every other mode gets its worker's token set.
func createUser(base, companyToken, user string) *http.Request {
	return post(base+"/chef/v1/oauth/token/create/user", companyToken, `{"user_input":"`+user+`","scope":"user_session"}`)
}

func refresh(base, token string) (*http.Request, error) {
	if token == "" {
		return nil, errChain
	}
	return post(base+"/chef/v1/oauth/token/user", "", `{"grant_type":"refresh_token","refresh_token":"`+token+
		`","client_id":"bench-client","client_secret":"bench-secret"}`), nil
}

func post(url, bearer, body string) *http.Request {
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	return req
}

func get(url, bearer string) *http.Request {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+bearer)
	return req
}

// mix is the soak's request sequence for one worker, ten steps a cycle: one E1 (a new family for
// the worker's user), three E2 following the chain, six E4 with the newest access token.
func mix(base string, create func() (*http.Request, error), set []byte) func([]byte) (*http.Request, error) {
	access, refreshTok, step := field(set, "access_token"), field(set, "refresh_token"), 0
	return func(prev []byte) (*http.Request, error) {
		if rt := field(prev, "refresh_token"); rt != "" {
			access, refreshTok = field(prev, "access_token"), rt
		}
		step++
		switch {
		case step%10 == 0:
			return create()
		case step%10 <= 3:
			return refresh(base, refreshTok)
		default:
			return get(base+"/chef/v1/oauth/token", access), nil
		}
	}
}
