package contract

import (
	"fmt"
	"time"
)

// validateCases cover E4: it echoes the token and agrees with what was issued.
func validateCases() []Case {
	return []Case{
		{Name: "e4/validate-user-token", Doc: "E4 echoes a user token and agrees with its issued expiry", Run: caseValidateUser},
		{Name: "e4/validate-company-token", Doc: "E4 accepts the company access token", Run: caseValidateCompany},
	}
}

func caseValidateUser(c *C) {
	a := c.NewUserTokens()
	v := c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	if v.ExpiresIn <= 0 || v.ExpiresIn > a.ExpiresIn {
		c.failOn(v.Resp, "validate: expires_in %d must be in (0, %d] for a fresh token", v.ExpiresIn, a.ExpiresIn)
	}
	c.Observe("validate.expiry_fields", "Does E4 return access_token_expiry and refresh_token_expiry?",
		presence(v.AccessExpiryMS, v.RefreshExpiryMS), "")
	if v.AccessExpiryMS != 0 && v.AccessExpiryMS != a.AccessExpiryMS {
		c.failOn(v.Resp, "validate: access_token_expiry %d differs from the issued %d", v.AccessExpiryMS, a.AccessExpiryMS)
	}
	if v.RefreshExpiryMS != 0 && v.RefreshExpiryMS != a.RefreshExpiryMS {
		c.failOn(v.Resp, "validate: refresh_token_expiry %d differs from the issued %d", v.RefreshExpiryMS, a.RefreshExpiryMS)
	}
	if v.AccessExpiryMS != 0 {
		c.checkRemaining(v)
	}
}

// checkRemaining: whichever meaning expires_in has, the token must not outlive its expiry by the
// server's own time.
func (c *C) checkRemaining(v Validation) {
	now, d := c.serverNow(v.Resp)
	left := (v.AccessExpiryMS - now.UnixMilli()) / 1000
	tol := int64(d / time.Second)
	if v.ExpiresIn > left+tol {
		c.failOn(v.Resp, "validate: expires_in %d exceeds the %d s left until access_token_expiry by the server's time (tolerance %d s)",
			v.ExpiresIn, left, tol)
	}
}

func presence(access, refresh int64) string {
	return fmt.Sprintf("access_token_expiry %s, refresh_token_expiry %s", present(access), present(refresh))
}

func present(v int64) string {
	if v == 0 {
		return "absent"
	}
	return "present"
}

func caseValidateCompany(c *C) {
	tok := c.Creds().CompanyToken
	v := c.Validation(c.Validate(tok), tok)
	if v.ExpiresIn <= 0 {
		c.failOn(v.Resp, "validate: expires_in must be positive for a live company token, got %d", v.ExpiresIn)
	}
}
