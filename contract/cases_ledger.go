package contract

import (
	"encoding/json"
	"net/http"
	"strings"
)

// E8's Reward Points queries.
const (
	QueryUserBalance = "storesAdmin.query.user_balance"
	QuerySend        = "storesAdmin.mutation.sendBalance"
	QueryCancel      = "storesAdmin.mutation.cancelBalance"
)

// ledgerCases hold E8's ledger to its promises: a send moves points, a cancel restores them
// once, an overdraw moves nothing, an unsupported query says so, and Plum's per-query limits
// hold when switched on. They move points, so they run only where an admin reset puts every
// balance back; observations record what a real server does with the dashboard pair.
func ledgerCases() []Case {
	admin := []Capability{CapAdmin}
	return []Case{
		{Name: "ledger/send-moves-points", Doc: "sendBalance takes the amount from the sender and gives it to the recipient", Needs: admin, Run: caseSendMoves},
		{Name: "ledger/cancel-restores-once", Doc: "cancelBalance puts a send back once; a second cancel of the same id fails and moves nothing", Needs: admin, Run: caseCancelOnce},
		{Name: "ledger/overdraw-refused", Doc: "a send larger than the sender's balance is a 400 and moves nothing", Needs: admin, Run: caseOverdraw},
		{Name: "ledger/unsupported-query", Doc: "a query the server does not answer is a 400 invalid_request that names it", Run: caseUnsupportedQuery},
		{Name: "ledger/per-query-limit", Doc: "api_rate_limits: the 11th getBalance in a minute answers 429 with Plum's per-API body", Needs: admin, Run: caseQueryLimit},
		{Name: "profile/refresh-path-kind", Doc: "refresh_path_kind strict: E2 refuses a company refresh token (default any: E2 rotates it and it stays a company pair)",
			Needs: admin, Run: caseRefreshPathKind},
		{Name: "observe/e8-company-token", Doc: "whether E8 answers user_balance for a company token that names the user", Run: caseE8CompanyToken},
	}
}

// API calls E8 with query and variables.
func (c *C) API(token, query string, variables any) *Response {
	body := map[string]any{"query": query, "tag": "storeAdmin"}
	if variables != nil {
		body["variables"] = variables
	}
	return c.Do(Request{Method: http.MethodPost, Path: PathAPI, Bearer: token, JSON: body})
}

// balanceOf is a user's E8 balance, asserted to be a documented success.
func (c *C) balanceOf(token, email string) float64 {
	resp := c.API(token, QueryUserBalance, map[string]any{"user_data": map[string]string{"email": email}})
	var body struct {
		Data struct {
			UserBalance struct {
				Success int `json:"success"`
				Data    *struct {
					Total *float64 `json:"total"`
				} `json:"data"`
			} `json:"user_balance"`
		} `json:"data"`
	}
	if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &body) != nil || body.Data.UserBalance.Success != 1 ||
		body.Data.UserBalance.Data == nil || body.Data.UserBalance.Data.Total == nil {
		c.FatalOn(resp, "user_balance of %s: want 200 with data.user_balance.data.total", email)
	}
	return *body.Data.UserBalance.Data.Total
}

// ledgerAnswer is sendBalance's or cancelBalance's answer.
type ledgerAnswer struct {
	Error      *bool  `json:"error"`
	Message    string `json:"message"`
	Recipients []struct {
		UniqueID *int64 `json:"unique_id"`
		Success  *bool  `json:"success"`
	} `json:"recipients"`
}

func (c *C) ledgerAnswer(resp *Response, name string) ledgerAnswer {
	var body struct {
		Data map[string]ledgerAnswer `json:"data"`
	}
	if json.Unmarshal(resp.Body, &body) != nil {
		c.FatalOn(resp, "%s: the answer is not JSON", name)
	}
	a, ok := body.Data[name]
	if !ok || a.Error == nil {
		c.FatalOn(resp, "%s: want data.%s.error", name, name)
	}
	return a
}

// send sends amount points from the Super Admin to the non-admin user and returns the answer.
func (c *C) send(token, amount string) *Response {
	cr := c.Creds()
	return c.API(token, QuerySend, map[string]any{"recipients_data": map[string]any{"sender_email": cr.UserEmail,
		"recipients": []map[string]string{{"to_name": "Contract", "to_email": c.recipient(), "amount": amount, "citation": "contract suite"}}}})
}

// recipient is who the ledger cases send to: the non-admin user when the target names one.
func (c *C) recipient() string {
	if e := c.Creds().NonAdminEmail; e != "" {
		return e
	}
	return c.Creds().UserEmail
}

// sendOK sends amount and returns the transaction id.
func (c *C) sendOK(token, amount string) int64 {
	resp := c.send(token, amount)
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "sendBalance %s: want 200", amount)
	}
	a := c.ledgerAnswer(resp, "sendBalance")
	if *a.Error || len(a.Recipients) != 1 || a.Recipients[0].UniqueID == nil {
		c.FatalOn(resp, "sendBalance: want error false and one recipient with a unique_id")
	}
	return *a.Recipients[0].UniqueID
}

func (c *C) cancel(token string, id int64) ledgerAnswer {
	resp := c.API(token, QueryCancel, map[string]any{"recipients_data": map[string]any{"recipients": []map[string]int64{{"unique_id": id}}}})
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "cancelBalance: want 200")
	}
	a := c.ledgerAnswer(resp, "cancelBalance")
	if len(a.Recipients) != 1 || a.Recipients[0].Success == nil {
		c.FatalOn(resp, "cancelBalance: want one recipient with success")
	}
	return a
}

// ledgerStart resets the target (balances back to the fixtures') now and when the case ends.
func (c *C) ledgerStart() (token string, sender, recipient float64) {
	c.ResetTarget()
	c.Cleanup(c.ResetTarget)
	token = c.NewUserTokens().AccessToken
	return token, c.balanceOf(token, c.Creds().UserEmail), c.balanceOf(token, c.recipient())
}

func (c *C) expectBalances(token string, sender, recipient float64, when string) {
	if c.recipient() == c.Creds().UserEmail {
		recipient = sender
	}
	if got := c.balanceOf(token, c.Creds().UserEmail); got != sender {
		c.Errorf("%s: sender's balance %v, want %v", when, got, sender)
	}
	if got := c.balanceOf(token, c.recipient()); got != recipient {
		c.Errorf("%s: recipient's balance %v, want %v", when, got, recipient)
	}
}

func caseSendMoves(c *C) {
	tok, s0, r0 := c.ledgerStart()
	c.sendOK(tok, "1")
	c.expectBalances(tok, s0-1, r0+1, "after sending 1")
}

func caseCancelOnce(c *C) {
	tok, s0, r0 := c.ledgerStart()
	id := c.sendOK(tok, "1")
	if a := c.cancel(tok, id); *a.Error || !*a.Recipients[0].Success {
		c.Errorf("the first cancel of %d failed: %s", id, a.Message)
	}
	c.expectBalances(tok, s0, r0, "after the cancel")
	if a := c.cancel(tok, id); !*a.Error || *a.Recipients[0].Success {
		c.Errorf("a second cancel of %d succeeded", id)
	}
	c.expectBalances(tok, s0, r0, "after a second cancel")
}

func caseOverdraw(c *C) {
	tok, s0, r0 := c.ledgerStart()
	resp := c.send(tok, jsonNumber(s0+1))
	if resp.Status != http.StatusBadRequest {
		c.FatalOn(resp, "a send of more than the balance: want 400")
	}
	if a := c.ledgerAnswer(resp, "sendBalance"); !*a.Error || a.Message == "" {
		c.failOn(resp, "an overdraw must answer data.sendBalance.error true with a message")
	}
	c.expectBalances(tok, s0, r0, "after a refused send")
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func caseUnsupportedQuery(c *C) {
	const query = "storesAdmin.query.contract_suite_unknown"
	resp := c.API(c.NewUserTokens().AccessToken, query, nil)
	c.ExpectError(resp, http.StatusBadRequest, "invalid_request")
	var e struct {
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(resp.Body, &e)
	if !strings.Contains(e.Description, query) || !strings.Contains(e.Description, QueryUserBalance) {
		c.failOn(resp, "the description must name the query and the supported ones")
	}
}

func caseQueryLimit(c *C) {
	c.keepProfile()
	c.FreezeClock()
	c.Cleanup(c.ResetTarget) // the minute's counters
	c.setProfile(Profile{APIRateLimits: true})
	tok := c.NewUserTokens().AccessToken
	const query = "plumProAPI.query.getBalance"
	for i := 0; i < 10; i++ {
		if resp := c.API(tok, query, nil); resp.Status == http.StatusTooManyRequests {
			c.FatalOn(resp, "call %d of 10 in a minute was limited", i+1)
		}
	}
	c.expectExactJSON(c.API(tok, query, nil), http.StatusTooManyRequests, `{"errors":[{"message":"auth.request_limit_exceeded","penaltySeconds":60}]}`)
}

// caseRefreshPathKind checks both settings, each on a fresh company pair (a reset brings the
// fixtures' pair back); unlike the other profile cases it cannot freeze the clock across resets.
func caseRefreshPathKind(c *C) {
	c.keepProfile()
	c.Cleanup(c.ResetTarget)
	for _, on := range []bool{false, true} {
		c.ResetTarget()
		p := Profile{}
		if on {
			p.RefreshPathKind = "strict"
		}
		c.setProfile(p)
		checkRefreshPathKind(c, on)
	}
}

func checkRefreshPathKind(c *C, on bool) {
	resp := c.RefreshUser(c.Creds().CompanyRefreshToken)
	if on {
		c.ExpectError(resp, http.StatusBadRequest, "invalid_grant")
		return
	}
	ts := c.TokenSet(resp)
	c.ExpectStatus(c.CreateUser(c.Creds().UserEmail, ScopeUserSession), http.StatusOK)
	if resp := c.Do(Request{Method: http.MethodPost, Path: PathCreateUser, Bearer: ts.AccessToken,
		JSON: map[string]string{"user_input": c.Creds().UserEmail, "scope": ScopeUserSession}}); resp.Status != http.StatusOK {
		c.failOn(resp, "a company pair refreshed on E2 must stay a company pair (its access token works on E1)")
	}
}

func caseE8CompanyToken(c *C) {
	cr := c.Creds()
	resp := c.API(cr.CompanyToken, QueryUserBalance, map[string]any{"user_data": map[string]string{"email": cr.UserEmail}})
	c.Observe("e8.company_token", "Does E8 answer user_balance for a company token naming the user?", Outcome(resp), "")
}
