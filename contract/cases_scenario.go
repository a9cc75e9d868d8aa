package contract

import "net/http"

// tokenErrorBody is what Plum documents after a Super Admin resets their password.
const tokenErrorBody = `{"success":0,"error_message_id":"auth.token_error"}`

// scenarioCases trigger the fake's reproductions of Plum's documented invalidations
// (POST /__admin/scenarios/{name}) and check what a client then sees. Scenarios kill tokens
// for good, so each case but ip-not-allowed (which kills none) ends with a reset, like the
// company-rotation cases.
func scenarioCases() []Case {
	admin := []Capability{CapAdmin}
	return []Case{
		{Name: "scenario/password-reset", Doc: "after a Super Admin password reset every company and user token answers 401 auth.token_error", Needs: admin, Run: casePasswordReset},
		{Name: "scenario/other-super-admin", Doc: "another Super Admin generating tokens kills the user's tokens (invalid_token, invalid_grant); the company token still works", Needs: admin, Run: caseOtherSuperAdmin},
		{Name: "scenario/user-disabled", Doc: "a disabled user: E1 for them and their tokens answer 401 PIPE10015 until the block is lifted", Needs: admin, Run: caseUserDisabled},
		{Name: "scenario/company-disabled", Doc: "a disabled company: its company and user tokens answer 401 PIPE10016 on E1, E3, E4", Needs: admin, Run: caseCompanyDisabled},
		{Name: "scenario/ip-not-allowed", Doc: "a caller outside the IP allow-list gets 401 PIPE10017 until the block is lifted; nothing is consumed meanwhile", Needs: admin, Run: caseIPNotAllowed},
		{Name: "scenario/regenerate", Doc: "regenerating from the dashboard kills the company token and returns a fresh company pair that works on E1 and E3",
			Needs: []Capability{CapAdmin, CapRestore}, Run: caseRegenerate}, // it replaces the company credentials
	}
}

// scenarioResult is the answer of POST /__admin/scenarios/{name}.
type scenarioResult struct {
	Scenario string          `json:"scenario"`
	Revoked  int             `json:"revoked"`
	Blocked  bool            `json:"blocked"`
	Tokens   *scenarioTokens `json:"tokens"`
}

type scenarioTokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
}

// runScenario triggers a scenario for the run's company (and user, when given) and asserts the
// answer names it and says whether it left a block.
func (c *C) runScenario(name, user string, blocks bool) scenarioResult {
	body := map[string]string{"company": c.companyID()}
	if user != "" {
		body["user"] = user
	}
	var res scenarioResult
	resp := c.adminJSON(http.MethodPost, "/scenarios/"+name, body, http.StatusOK, &res)
	if res.Scenario != name || res.Blocked != blocks {
		c.FatalOn(resp, "scenario %s: want {\"scenario\":%q,\"blocked\":%v,...}", name, name, blocks)
	}
	return res
}

// liftBlocks calls DELETE /__admin/scenarios and asserts no block is left.
func (c *C) liftBlocks() {
	var out struct {
		Blocks []any `json:"blocks"`
	}
	resp := c.adminJSON(http.MethodDelete, "/scenarios", nil, http.StatusOK, &out)
	if out.Blocks == nil || len(out.Blocks) != 0 {
		c.FatalOn(resp, "DELETE /__admin/scenarios: want {\"blocks\":[]}")
	}
}

func casePasswordReset(c *C) {
	c.Cleanup(c.ResetTarget)
	a := c.NewUserTokens()
	c.runScenario("password_reset", "", false)
	c.expectExactJSON(c.Validate(a.AccessToken), http.StatusUnauthorized, tokenErrorBody)
	c.expectExactJSON(c.Balance(a.AccessToken), http.StatusUnauthorized, tokenErrorBody)
	c.expectExactJSON(c.RefreshUser(a.RefreshToken), http.StatusUnauthorized, tokenErrorBody)
	c.expectExactJSON(c.CreateUser(c.Creds().UserEmail, ScopeUserSession), http.StatusUnauthorized, tokenErrorBody)
}

func caseOtherSuperAdmin(c *C) {
	c.Cleanup(c.ResetTarget)
	a := c.NewUserTokens()
	c.runScenario("other_super_admin", c.Creds().UserEmail, false)
	c.ExpectError(c.Validate(a.AccessToken), http.StatusUnauthorized, "invalid_token")
	c.ExpectError(c.Balance(a.AccessToken), http.StatusUnauthorized, "invalid_token")
	c.ExpectError(c.RefreshUser(a.RefreshToken), http.StatusBadRequest, "invalid_grant")
	c.ExpectBalance(c.Balance(c.NewUserTokens().AccessToken))
}

func caseUserDisabled(c *C) {
	c.Cleanup(c.ResetTarget)
	a := c.NewUserTokens()
	c.runScenario("user_disabled", c.Creds().UserEmail, true)
	c.expectBusiness(c.CreateUser(c.Creds().UserEmail, ScopeUserSession), http.StatusUnauthorized, "PIPE10015")
	c.expectBusiness(c.Validate(a.AccessToken), http.StatusUnauthorized, "PIPE10015")
	c.liftBlocks()
	c.ExpectBalance(c.Balance(c.NewUserTokens().AccessToken))
}

func caseCompanyDisabled(c *C) {
	c.Cleanup(c.ResetTarget)
	a := c.NewUserTokens()
	cr := c.Creds()
	c.runScenario("company_disabled", "", true)
	c.expectBusiness(c.Validate(cr.CompanyToken), http.StatusUnauthorized, "PIPE10016")
	c.expectBusiness(c.Validate(a.AccessToken), http.StatusUnauthorized, "PIPE10016")
	c.expectBusiness(c.CreateUser(cr.UserEmail, ScopeUserSession), http.StatusUnauthorized, "PIPE10016")
	c.expectBusiness(c.RefreshCompany(cr.CompanyRefreshToken), http.StatusUnauthorized, "PIPE10016")
}

// caseIPNotAllowed revokes nothing, so it restores precisely: it lifts the block it set, and
// refuses to run where blocks are already in force (lifting them would change the target).
func caseIPNotAllowed(c *C) {
	var found struct {
		Blocks []any `json:"blocks"`
	}
	c.adminJSON(http.MethodGet, "/scenarios", nil, http.StatusOK, &found)
	if len(found.Blocks) > 0 {
		c.Skipf("the target has %d scenario block(s) in force; lifting this case's block would lift them too", len(found.Blocks))
	}
	c.Cleanup(c.liftBlocks)
	a := c.NewUserTokens()
	c.runScenario("ip_not_allowed", "", true)
	c.expectBusiness(c.Validate(a.AccessToken), http.StatusUnauthorized, "PIPE10017")
	c.expectBusiness(c.RefreshUser(a.RefreshToken), http.StatusUnauthorized, "PIPE10017")
	c.expectBusiness(c.CreateUser(c.Creds().UserEmail, ScopeUserSession), http.StatusUnauthorized, "PIPE10017")
	c.liftBlocks()
	c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	c.ExpectBalance(c.Balance(c.TokenSet(c.RefreshUser(a.RefreshToken)).AccessToken))
}

func caseRegenerate(c *C) {
	c.Cleanup(c.ResetTarget)
	old := c.Creds()
	res := c.runScenario("regenerate", "", false)
	t := res.Tokens
	if t == nil || t.AccessToken == "" || t.RefreshToken == "" || t.TokenType != "bearer" || t.ExpiresIn <= 0 {
		c.Fatalf("regenerate: want tokens {access_token, refresh_token, token_type bearer, expires_in > 0}")
	}
	if err := c.s.rotateCompany(t.AccessToken, t.RefreshToken); err != nil {
		c.Fatalf("%v", err)
	}
	c.ExpectError(c.Validate(old.CompanyToken), http.StatusUnauthorized, "invalid_token")
	c.ExpectBalance(c.Balance(c.NewUserTokens().AccessToken))
	c.rotateCompanyNow()
	c.NewUserTokens()
}
