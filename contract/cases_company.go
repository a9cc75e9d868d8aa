package contract

import (
	"bytes"
	"encoding/json"
	"net/http"
)

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

// rotateCompanyNow performs E3 and saves the new pair before any other request. A 200 means the
// presented refresh token is spent, so the issued pair is saved first, read from the raw body as
// tolerantly as possible, and only then is the answer checked: a body the suite rejects still
// holds the user's only live company refresh token.
func (c *C) rotateCompanyNow() (old Credentials, ts TokenSet) {
	old = c.Creds()
	resp := c.RefreshCompany(old.CompanyRefreshToken)
	c.adoptCompanyPair(resp, old)
	return old, c.TokenSet(resp)
}

// adoptCompanyPair saves the company pair a 200 carries before anything else is sent (see
// rotateCompanyNow); any other answer changes nothing.
func (c *C) adoptCompanyPair(resp *Response, old Credentials) {
	if resp.Status == http.StatusOK {
		if access, refresh := companyTokensIn(resp.Body); refresh != "" {
			if access == "" {
				access = old.CompanyToken // none issued: keep the one in hand rather than save nothing
			}
			if err := c.s.rotateCompany(access, refresh); err != nil {
				c.Fatalf("%v", err)
			}
		}
	}
}

// companyTokensIn finds access_token and refresh_token in a token answer whatever else is wrong
// with it: other fields of any type, bytes after the object. Keys match as in decodeTokenSet.
func companyTokensIn(body []byte) (access, refresh string) {
	var w struct {
		AccessToken  json.RawMessage `json:"access_token"`
		RefreshToken json.RawMessage `json:"refresh_token"`
	}
	if json.NewDecoder(bytes.NewReader(body)).Decode(&w) != nil {
		return "", ""
	}
	_ = json.Unmarshal(w.AccessToken, &access) // left empty unless a JSON string
	_ = json.Unmarshal(w.RefreshToken, &refresh)
	return access, refresh
}

func caseCompanyRotation(c *C) {
	if ok, _ := c.s.has(CapAdmin); ok {
		c.Cleanup(c.ResetTarget)
	}
	old, ts := c.rotateCompanyNow()
	c.ObserveKnob("expiry_type.refresh_company", "Are E3's access_token_expiry and refresh_token_expiry numbers or strings?",
		ts.ExpiryEncoding, "", "expiry_formats.refresh_company", ts.ExpiryEncoding)
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
