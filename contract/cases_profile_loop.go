package contract

import (
	"net/http"
	"time"
)

// loopProfileCases show each knob a sandbox run may derive (docs/contract.md) making its
// difference on the fake, both sides, as profileCases do for the original options.
func loopProfileCases() []Case {
	var out []Case
	for _, p := range []profileCase{
		{"validate-expired", "validate_expired answer: E4 answers a token past its expiry 200 with expires_in <= 0, E8 still refuses it (default: 401)",
			Profile{ValidateExpired: "answer"}, checkValidateExpired},
		{"validate-expires-in-epoch", "validate_expires_in epoch: E4's expires_in is the access expiry in epoch seconds (default: the remaining seconds)",
			Profile{ValidateExpiresIn: "epoch"}, checkValidateEpoch},
		{"expiry-formats", "expiry_formats refresh_user string: only E2 types the expiry fields as strings (default: numbers everywhere)",
			Profile{ExpiryFormats: map[string]string{"refresh_user": "string"}}, checkExpiryFormats},
		{"allowed-scopes", "allowed_scopes user_session: E1 refuses store_admin_manage with invalid_scope (default: both scopes)",
			Profile{AllowedScopes: ScopeUserSession}, checkAllowedScopes},
		{"error-answers", "error_answers invalid_grant 401: an unknown refresh token gets exactly the configured status and body (default: 400 invalid_grant)",
			Profile{ErrorAnswers: map[string]ErrorAnswer{"invalid_grant": {Status: http.StatusUnauthorized,
				Body: map[string]any{"error": "invalid_token", "error_description": "refresh token rejected"}}}}, checkErrorAnswers},
	} {
		out = append(out, Case{Name: "profile/" + p.name, Doc: p.doc, Needs: []Capability{CapAdmin}, Run: p.run})
	}
	return out
}

func checkValidateExpired(c *C, on bool) {
	now := c.mockNow()
	defer c.SetClock(now) // 15 days on, twice, would outlive a company token too
	a := c.userTokensNow()
	c.SetClock(time.UnixMilli(a.AccessExpiryMS).Add(time.Second))
	v := c.Validate(a.AccessToken)
	if !on {
		c.ExpectError(v, http.StatusUnauthorized, "invalid_token")
	} else if got := c.Validation(v, a.AccessToken).ExpiresIn; got != -1 {
		c.failOn(v, "E4 one second past expiry with validate_expired=answer: expires_in must be -1, got %d", got)
	}
	c.ExpectError(c.Balance(a.AccessToken), http.StatusUnauthorized, "invalid_token")
}

func checkValidateEpoch(c *C, on bool) {
	a := c.userTokensNow()
	c.AdvanceClock(time.Hour)
	v := c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	want := a.ExpiresIn - 3600
	if on {
		want = a.AccessExpiryMS / 1000
	}
	if v.ExpiresIn != want {
		c.failOn(v.Resp, "E4 one hour after issue (epoch=%v): expires_in must be %d, got %d", on, want, v.ExpiresIn)
	}
}

func checkExpiryFormats(c *C, on bool) {
	a := c.userTokensNow()
	b := c.refreshNow(a.RefreshToken)
	v := c.Validation(c.Validate(b.AccessToken), b.AccessToken)
	want := map[bool]string{false: "number", true: "string"}[on]
	if a.ExpiryEncoding != "number" || v.ExpiryEncoding != "number" {
		c.failOn(b.Resp, "E1 and E4 must keep numbers, got %s and %s", a.ExpiryEncoding, v.ExpiryEncoding)
	}
	if b.ExpiryEncoding != want {
		c.failOn(b.Resp, "E2 with expiry_formats.refresh_user=%s: expiry fields must be %ss, got %ss", want, want, b.ExpiryEncoding)
	}
}

func checkAllowedScopes(c *C, on bool) {
	r := c.CreateUser(c.Creds().UserEmail, ScopeStoreAdmin)
	if on {
		c.ExpectError(r, http.StatusBadRequest, "invalid_scope")
		return
	}
	c.TokenSetAt(r, c.mockNow())
}

func checkErrorAnswers(c *C, on bool) {
	r := c.RefreshUser("plummock-contract-unknown-refresh-0000000000")
	if !on {
		c.ExpectError(r, http.StatusBadRequest, "invalid_grant")
		return
	}
	c.expectExactJSON(r, http.StatusUnauthorized, `{"error":"invalid_token","error_description":"refresh token rejected"}`)
}
