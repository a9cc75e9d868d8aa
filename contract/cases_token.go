package contract

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// tokenCases cover the happy paths of E1, E2 and E8: the token set and rotation.
func tokenCases() []Case {
	return []Case{
		{Name: "e1/token-set", Doc: "E1 issues a consistent token set; a second call issues different tokens", Run: caseTokenSet},
		{Name: "e1/lowercase-bearer-scheme", Doc: "E1 accepts the scheme written 'bearer'", Run: caseLowercaseBearer},
		{Name: "e1/new-call-kills-previous-refresh", Doc: "a second E1 for the same user kills the previous refresh token at once", Run: caseSecondE1},
		{Name: "e2/rotation", Doc: "E2 rotates: new tokens, the successor works, the used refresh token is rejected", Run: caseRotation},
		{Name: "e8/user-balance", Doc: "the E1 user token works on E8 and returns the Super Admin's balance", Run: caseBalance},
	}
}

func caseTokenSet(c *C) {
	a := c.NewUserTokens()
	c.Observe("e1.expiry_field_type", "Are access_token_expiry/refresh_token_expiry numbers or strings?", a.ExpiryEncoding, "")
	c.Observe("token.format", "What format is the access token?", tokenFormat(a.AccessToken), "")
	c.Observe("user.access_lifetime", "What is expires_in for user tokens (E1)?", fmt.Sprintf("%ds", a.ExpiresIn), "")
	c.Observe("user.refresh_lifetime", "How long does a user refresh token live?", lifetimeDays(a), "")
	b := c.NewUserTokens()
	if b.AccessToken == a.AccessToken || b.RefreshToken == a.RefreshToken {
		c.failOn(b.Resp, "a second E1 must issue a new access token and a new refresh token")
	}
}

// lifetimeDays derives the refresh lifetime from the set, rounded to whole days.
func lifetimeDays(ts TokenSet) string {
	issuedMS := ts.AccessExpiryMS - ts.ExpiresIn*1000
	secs := (ts.RefreshExpiryMS - issuedMS) / 1000
	return fmt.Sprintf("%dd", (secs+43200)/86400)
}

// tokenFormat says "jwt <alg>" for a JWS-shaped token and "opaque" otherwise, never the token.
func tokenFormat(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "opaque"
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	var h struct{ Alg string }
	if err != nil || json.Unmarshal(raw, &h) != nil || h.Alg == "" {
		return "opaque"
	}
	return "jwt " + h.Alg
}

func caseLowercaseBearer(c *C) {
	cr := c.Creds()
	resp := c.Do(Request{Method: http.MethodPost, Path: PathCreateUser, AuthHeader: "bearer " + cr.CompanyToken,
		JSON: map[string]string{"user_input": cr.UserEmail, "scope": ScopeUserSession}})
	c.TokenSet(resp)
}

func caseSecondE1(c *C) {
	a := c.NewUserTokens()
	b := c.NewUserTokens()
	old := c.Validate(a.AccessToken)
	c.Observe("e1.old_access_after_new_e1", "Does an access token survive a new E1 for the same user?",
		aliveOrNot(old), Outcome(old))
	c.ExpectError(c.RefreshUser(a.RefreshToken), http.StatusBadRequest, "invalid_grant")
	c.TokenSet(c.RefreshUser(b.RefreshToken))
}

// aliveOrNot classifies an E4 answer for observations.
func aliveOrNot(resp *Response) string {
	if resp.Status == http.StatusOK {
		return "still valid"
	}
	return "rejected"
}

func caseRotation(c *C) {
	a := c.NewUserTokens()
	b := c.TokenSet(c.RefreshUser(a.RefreshToken))
	if b.RefreshToken == a.RefreshToken || b.AccessToken == a.AccessToken {
		c.failOn(b.Resp, "E2 must issue a new access token and a new refresh token")
	}
	v := c.Validation(c.Validate(b.AccessToken), b.AccessToken)
	if v.AccessExpiryMS != 0 && v.AccessExpiryMS != b.AccessExpiryMS {
		c.failOn(v.Resp, "validate: access_token_expiry %d differs from the issued %d", v.AccessExpiryMS, b.AccessExpiryMS)
	}
	c.ExpectBalance(c.Balance(b.AccessToken))
	c.TokenSet(c.RefreshUser(b.RefreshToken))
	c.ExpectError(c.RefreshUser(a.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

func caseBalance(c *C) {
	a := c.NewUserTokens()
	c.ExpectBalance(c.Balance(a.AccessToken))
}

func secondsLabel(n int64) string { return fmt.Sprintf("%ds", n) }
