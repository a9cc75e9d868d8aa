package contract

import (
	"net/http"
	"net/url"
)

// bodyErrors are bad E1 bodies: each must get 400 with a named error and issue no token.
func bodyErrors() []errorCase {
	e1 := func(body func(c *C) map[string]string) func(c *C) Request {
		return func(c *C) Request {
			return Request{Method: http.MethodPost, Path: PathCreateUser, Bearer: c.Creds().CompanyToken, JSON: body(c)}
		}
	}
	with := func(email, scope string) func(c *C) map[string]string {
		return func(c *C) map[string]string { return map[string]string{"user_input": email, "scope": scope} }
	}
	malformed := func(c *C) Request {
		return Request{Method: http.MethodPost, Path: PathCreateUser, Bearer: c.Creds().CompanyToken, Raw: []byte(`{"user_input":`)}
	}
	return []errorCase{
		{name: "e1-malformed-json", doc: "E1's body is truncated JSON", build: malformed, status: 400, codes: []string{"invalid_request"}},
		{name: "e1-missing-scope", doc: "E1's body lacks scope", build: e1(func(c *C) map[string]string { return map[string]string{"user_input": c.Creds().UserEmail} }), status: 400, codes: []string{"invalid_request"}},
		{name: "e1-non-email", doc: "E1's user_input is not an email", build: e1(with("not-an-email", ScopeUserSession)), status: 400, codes: []string{"invalid_request"}},
		{name: "e1-unknown-user", doc: "E1 names a user the company does not have", build: e1(with("nobody.plummock-contract@example.invalid", ScopeUserSession)), status: 400, codes: []string{"invalid_request"}},
		{name: "e1-non-admin-user", doc: "E1 names a user who is not a Super Admin", build: e1(nonAdmin), status: 400, codes: []string{"invalid_request"}},
		{name: "e1-bad-scope", doc: "E1 asks for a scope outside the allowed set", build: e1(func(c *C) map[string]string {
			return map[string]string{"user_input": c.Creds().UserEmail, "scope": "everything"}
		}), status: 400, codes: []string{"invalid_scope"}},
	}
}

func nonAdmin(c *C) map[string]string {
	email := c.Creds().NonAdminEmail
	if email == "" {
		c.Skipf("no non-admin user email configured (non_admin_email / PLUM_NON_ADMIN_EMAIL)")
	}
	return map[string]string{"user_input": email, "scope": ScopeUserSession}
}

// refreshErrors present bad E2/E3 bodies. Where a live user refresh token is used, the case then
// proves the failed call changed nothing: the token still refreshes.
func refreshErrors() []errorCase {
	e2 := func(edit func(c *C, body map[string]string)) func(c *C) Request {
		return func(c *C) Request {
			body := c.refreshBody(c.NewUserTokens().RefreshToken)
			edit(c, body)
			return Request{Method: http.MethodPost, Path: PathRefreshUser, JSON: body}
		}
	}
	set := func(k, v string) func(*C, map[string]string) {
		return func(_ *C, b map[string]string) { b[k] = v }
	}
	unknownAt := func(path string) func(c *C) Request {
		return func(c *C) Request {
			return Request{Method: http.MethodPost, Path: path, JSON: c.refreshBody(unknownToken)}
		}
	}
	return []errorCase{
		{name: "e2-wrong-grant-type", doc: "E2's grant_type is not refresh_token", build: e2(set("grant_type", "password")), status: 400, codes: []string{"unsupported_grant_type"}, after: stillRefreshes},
		{name: "e2-wrong-client-secret", doc: "E2 has the wrong client_secret", build: e2(set("client_secret", "plummock-contract-wrong-secret")), status: 400, codes: []string{"invalid_client"}, after: stillRefreshes},
		{name: "e2-wrong-client-id", doc: "E2 has the wrong client_id", build: e2(set("client_id", "plummock-contract-wrong-client")), status: 400, codes: []string{"invalid_client"}, after: stillRefreshes},
		{name: "e2-missing-field", doc: "E2's body lacks client_secret", build: e2(func(_ *C, b map[string]string) { delete(b, "client_secret") }), status: 400, codes: []string{"invalid_request"}, after: stillRefreshes},
		{name: "e2-unknown-refresh", doc: "E2 presents an unknown refresh token", build: unknownAt(PathRefreshUser), status: 400, codes: []string{"invalid_grant"}},
		{name: "e3-unknown-refresh", doc: "E3 presents an unknown refresh token", build: unknownAt(PathRefreshCompany), status: 400, codes: []string{"invalid_grant"}},
	}
}

// stillRefreshes proves a rejected refresh left the presented token alive.
func stillRefreshes(c *C, r Request) {
	body, _ := r.JSON.(map[string]string)
	c.TokenSet(c.RefreshUser(body["refresh_token"]))
}

// transportErrors: wrong method (405 + Allow) and wrong media type (415).
func transportErrors() []errorCase {
	form := func(c *C) Request {
		v := url.Values{}
		for k, x := range c.refreshBody(unknownToken) {
			v.Set(k, x)
		}
		return Request{Method: http.MethodPost, Path: PathRefreshUser, Raw: []byte(v.Encode()),
			ContentType: "application/x-www-form-urlencoded"}
	}
	return []errorCase{
		{name: "e1-wrong-method", doc: "E1's path is called with GET", build: func(c *C) Request {
			return Request{Method: http.MethodGet, Path: PathCreateUser, Bearer: c.Creds().CompanyToken}
		}, status: 405, allow: http.MethodPost},
		{name: "e2-wrong-method", doc: "E2's path is called with GET", build: func(*C) Request {
			return Request{Method: http.MethodGet, Path: PathRefreshUser}
		}, status: 405, allow: http.MethodPost},
		{name: "e4-wrong-method", doc: "E4's path is called with DELETE", build: func(c *C) Request {
			return Request{Method: http.MethodDelete, Path: PathValidate, Bearer: unknownToken}
		}, status: 405, allow: http.MethodGet},
		{name: "e1-wrong-content-type", doc: "E1's JSON body is sent as text/plain", build: func(c *C) Request {
			return Request{Method: http.MethodPost, Path: PathCreateUser, Bearer: c.Creds().CompanyToken,
				Raw: []byte(`{"user_input":"` + c.Creds().UserEmail + `","scope":"user_session"}`), ContentType: "text/plain"}
		}, status: 415},
		{name: "e2-form-encoded", doc: "E2's body is form-encoded instead of JSON", build: form, status: 415},
	}
}
