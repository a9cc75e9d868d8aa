package contract

import "net/http"

// companyCases rotate the company refresh token: the credential a user can least afford to lose.
// They run last, and only where the successor can be saved or an admin reset brings the original
// back.
func companyCases() []Case {
	return []Case{
		{Name: "e3/company-rotation", Doc: "E3 rotates the company pair; the new company token works on E1",
			Needs: []Capability{CapRestore}, Run: caseCompanyRotation},
		{Name: "e3/company-replay-rejected", Doc: "a used company refresh token is rejected (admin only: on a real service a replay might revoke the whole company token family)",
			Needs: []Capability{CapAdmin, CapRestore}, Run: caseCompanyReplay},
	}
}

// rotateCompanyNow performs E3 and saves the new pair before any other request.
func (c *C) rotateCompanyNow() (old Credentials, ts TokenSet) {
	old = c.Creds()
	ts = c.TokenSet(c.RefreshCompany(old.CompanyRefreshToken))
	if err := c.s.rotateCompany(ts.AccessToken, ts.RefreshToken); err != nil {
		c.Fatalf("%v", err)
	}
	return old, ts
}

func caseCompanyRotation(c *C) {
	if ok, _ := c.s.has(CapAdmin); ok {
		c.Cleanup(c.ResetTarget)
	}
	old, ts := c.rotateCompanyNow()
	c.Observe("company.access_lifetime", "What is expires_in for company tokens (E3)?", secondsLabel(ts.ExpiresIn), "")
	c.Observe("company.refresh_lifetime", "How long does a company refresh token live?", lifetimeDays(ts), "")
	if ts.RefreshToken == old.CompanyRefreshToken || ts.AccessToken == old.CompanyToken {
		c.failOn(ts.Resp, "E3 must issue a new company access token and a new refresh token")
	}
	prev := c.Validate(old.CompanyToken)
	c.Observe("company.old_access_after_refresh", "Does the previous company access token survive E3?", aliveOrNot(prev), Outcome(prev))
	c.TokenSet(c.CreateUser(c.Creds().UserEmail, ScopeUserSession))
}

func caseCompanyReplay(c *C) {
	c.Cleanup(c.ResetTarget)
	old, _ := c.rotateCompanyNow()
	c.ExpectError(c.RefreshCompany(old.CompanyRefreshToken), http.StatusBadRequest, "invalid_grant")
	c.TokenSet(c.CreateUser(c.Creds().UserEmail, ScopeUserSession))
}
