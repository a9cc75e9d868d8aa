package contract

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// errorCase is one bad request and the error it must get. Build may mint real tokens first so
// that the only thing wrong with the request is the thing under test.
type errorCase struct {
	name   string
	doc    string
	build  func(c *C) Request
	status int
	codes  []string // accepted error codes; empty accepts any code (405, 415)
	allow  string   // for 405: a method the Allow header must list
	after  func(c *C, r Request)
}

// The "no bearer credential" answers: Plum documents invalid_request for a missing or bad
// authorization header and invalid_token for an invalid one; either is accepted, with 401.
func noCredential() []string { return []string{"invalid_token", "invalid_request"} }

func errorCases() []Case {
	var out []Case
	for _, group := range [][]errorCase{bearerErrors(), bodyErrors(), refreshErrors(), transportErrors()} {
		for _, e := range group {
			out = append(out, Case{Name: "errors/" + e.name, Doc: e.doc, Run: e.run})
		}
	}
	return out
}

func (e errorCase) run(c *C) {
	req := e.build(c)
	resp := c.Do(req)
	c.Observe("error."+e.name, "What does the target answer when "+e.doc+"?", Outcome(resp), "")
	c.ExpectError(resp, e.status, e.codes...)
	if e.allow != "" && !strings.Contains(strings.ToUpper(resp.Header.Get("Allow")), e.allow) {
		c.failOn(resp, "405 must carry Allow listing %s, got %q", e.allow, resp.Header.Get("Allow"))
	}
	if e.after != nil {
		e.after(c, req)
	}
}

// e1Body is a valid E1 body for the Super Admin.
func (c *C) e1Body() map[string]string {
	return map[string]string{"user_input": c.Creds().UserEmail, "scope": ScopeUserSession}
}

func (c *C) balanceBody() map[string]any {
	return map[string]any{"query": "storesAdmin.query.user_balance", "tag": "storeAdmin",
		"variables": map[string]any{"user_data": map[string]string{"email": c.Creds().UserEmail}}}
}

const unknownToken = "plummock-contract-unknown-token-0000000000"

func bearerErrors() []errorCase {
	e1 := func(auth func(c *C) string) func(c *C) Request {
		return func(c *C) Request {
			return Request{Method: http.MethodPost, Path: PathCreateUser, AuthHeader: auth(c), JSON: c.e1Body()}
		}
	}
	e4 := func(auth func(c *C) string) func(c *C) Request {
		return func(c *C) Request { return Request{Method: http.MethodGet, Path: PathValidate, AuthHeader: auth(c)} }
	}
	e8 := func(auth func(c *C) string) func(c *C) Request {
		return func(c *C) Request {
			return Request{Method: http.MethodPost, Path: PathAPI, AuthHeader: auth(c), JSON: c.balanceBody()}
		}
	}
	none := func(*C) string { return "" }
	unknown := func(*C) string { return "Bearer " + unknownToken }
	userAccess := func(c *C) string { return "Bearer " + c.NewUserTokens().AccessToken }
	return []errorCase{
		{name: "e1-missing-bearer", doc: "E1 has no Authorization header", build: e1(none), status: 401, codes: noCredential()},
		{name: "e1-empty-bearer", doc: "E1 has 'Bearer' with no token", build: e1(func(*C) string { return "Bearer " }), status: 401, codes: noCredential()},
		{name: "e1-basic-scheme", doc: "E1 uses the Basic scheme", build: e1(basicAuth), status: 401, codes: noCredential()},
		{name: "e1-unknown-bearer", doc: "E1 has an unknown bearer token", build: e1(unknown), status: 401, codes: []string{"invalid_token"}},
		{name: "e1-user-token", doc: "E1 gets a user token where a company token is required", build: e1(userAccess), status: 401, codes: []string{"invalid_token"}},
		{name: "e4-missing-bearer", doc: "E4 has no Authorization header", build: e4(none), status: 401, codes: noCredential()},
		{name: "e4-unknown-bearer", doc: "E4 has an unknown bearer token", build: e4(unknown), status: 401, codes: []string{"invalid_token"}},
		{name: "e4-refresh-token-as-bearer", doc: "E4 gets a refresh token as the bearer", build: e4(func(c *C) string { return "Bearer " + c.NewUserTokens().RefreshToken }), status: 401, codes: []string{"invalid_token"}},
		{name: "e4-tampered-token", doc: "E4 gets an access token with one character changed", build: e4(tamperedAccess), status: 401, codes: []string{"invalid_token"}},
		{name: "e4-alg-none-token", doc: "E4 gets the access token re-signed with alg none", build: e4(algNoneAccess), status: 401, codes: []string{"invalid_token"}},
		{name: "e8-missing-bearer", doc: "E8 has no Authorization header", build: e8(none), status: 401, codes: noCredential()},
		{name: "e8-unknown-bearer", doc: "E8 has an unknown bearer token", build: e8(unknown), status: 401, codes: []string{"invalid_token"}},
	}
}

func basicAuth(c *C) string {
	cr := c.Creds()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(cr.ClientID+":"+cr.ClientSecret))
}

// tamperedAccess changes one character in the middle of a fresh access token (not the last,
// whose low bits may be base64 padding).
func tamperedAccess(c *C) string {
	tok := []byte(c.NewUserTokens().AccessToken)
	i := len(tok) - 6
	if i < 0 {
		i = 0
	}
	if tok[i] == 'A' {
		tok[i] = 'B'
	} else {
		tok[i] = 'A'
	}
	return "Bearer " + string(tok)
}

// algNoneAccess keeps a JWT's claims but declares alg none with no signature; an opaque token
// makes the case moot, so it is skipped.
func algNoneAccess(c *C) string {
	parts := strings.Split(c.NewUserTokens().AccessToken, ".")
	if len(parts) != 3 {
		c.Skipf("the access token is opaque, not a JWT")
	}
	head := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return "Bearer " + head + "." + parts[1] + "."
}
