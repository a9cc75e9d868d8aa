package contract

import (
	"net/http"
	"strings"
	"time"
)

// Plum's documented rate-limit bodies (its error page).
const (
	rateLimitedBody = `{"message":"auth.request_limit_exceeded"}`
	perAPILimitBody = `{"errors":[{"message":"auth.request_limit_exceeded","penaltySeconds":60}]}`
)

// faultPreset is one of the fake's fault presets, aimed at one operation: the next call answers
// exactly status and body, and the call after it is served as usual (count 1).
type faultPreset struct {
	preset, operation string
	status            int
	body              string
}

// faultCases inject failures through POST /__admin/faults and /__admin/ratelimits. They need a
// target with no fault in force (one would blur what they see) and remove what they add.
func faultCases() []Case {
	admin := []Capability{CapAdmin}
	var out []Case
	for _, p := range []faultPreset{
		{"rate_limited", "refreshUserToken", 429, rateLimitedBody},
		{"per_api_limit", "createUserToken", 429, perAPILimitBody},
		{"500", "createUserToken", 500, `{"error":"server_error","error_description":"internal error"}`},
		{"502", "validateToken", 502, `{"error":"bad_gateway","error_description":"upstream error"}`},
		{"503", "*", 503, `{"error":"temporarily_unavailable","error_description":"service unavailable"}`},
	} {
		out = append(out, Case{Name: "fault/" + strings.ReplaceAll(p.preset, "_", "-"), Needs: admin, Run: p.run,
			Doc: "fault preset " + p.preset + " on " + p.operation + ": the next call answers exactly " + p.body + ", the one after is served"})
	}
	return append(out,
		Case{Name: "fault/count-and-scope", Doc: "a fault with count 2 on E2 refuses exactly the next two refreshes, leaves E1 and E4 alone, and consumes nothing", Needs: admin, Run: caseFaultCount},
		Case{Name: "fault/rate-limit", Doc: "a rate limit of 2 per minute on E2: the third refresh in a minute of the fake's clock gets 429, the next minute is served", Needs: admin, Run: caseRateLimit},
	)
}

// faulted is a fault as POST /__admin/faults answers it.
type faulted struct {
	ID        string `json:"id"`
	Status    int    `json:"status"`
	Remaining int    `json:"remaining"`
}

// faultList is GET /__admin/faults.
type faultList struct {
	Faults     []faulted `json:"faults"`
	RateLimits []struct {
		Operation string `json:"operation"`
		PerMinute int    `json:"per_minute"`
	} `json:"rate_limits"`
}

// requireNoFaults skips the case on a target that already has faults or rate limits in force.
func (c *C) requireNoFaults() {
	var l faultList
	c.adminJSON(http.MethodGet, "/faults", nil, http.StatusOK, &l)
	if len(l.Faults)+len(l.RateLimits) > 0 {
		c.Skipf("the target has faults or rate limits in force; fault cases need none")
	}
}

// addFault installs a fault, asserts the stored rule, and registers its removal (a fault whose
// count is spent is already gone, so 404 is fine then).
func (c *C) addFault(rule map[string]any, status, count int) faulted {
	var f faulted
	resp := c.adminJSON(http.MethodPost, "/faults", rule, http.StatusCreated, &f)
	if f.ID == "" || f.Status != status || f.Remaining != count {
		c.FatalOn(resp, "POST /__admin/faults: want the stored fault with an id, status %d, remaining %d", status, count)
	}
	c.Cleanup(func() {
		if r := c.adminCall(http.MethodDelete, "/faults/"+f.ID, nil); r.Status != http.StatusOK && r.Status != http.StatusNotFound {
			c.FatalOn(r, "DELETE /__admin/faults/%s: want 200 or 404", f.ID)
		}
	})
	return f
}

// expectFaultSpent asserts a fault whose count is used up is no longer in force.
func (c *C) expectFaultSpent(id string) {
	var l faultList
	resp := c.adminJSON(http.MethodGet, "/faults", nil, http.StatusOK, &l)
	for _, f := range l.Faults {
		if f.ID == id && f.Remaining > 0 {
			c.failOn(resp, "fault %s still has %d call(s) to go after its count was spent", id, f.Remaining)
		}
	}
}

func (p faultPreset) run(c *C) {
	c.requireNoFaults()
	a := c.NewUserTokens()
	f := c.addFault(map[string]any{"operation": p.operation, "preset": p.preset, "count": 1}, p.status, 1)
	c.expectExactJSON(p.call(c, a), p.status, p.body)
	c.expectFaultSpent(f.ID)
	if r := p.call(c, a); r.Exchange.Operation == "validateToken" {
		c.Validation(r, a.AccessToken)
	} else {
		c.TokenSet(r)
	}
}

// call sends the request the preset is aimed at ("*" is shown on E4).
func (p faultPreset) call(c *C, a TokenSet) *Response {
	switch p.operation {
	case "refreshUserToken":
		return c.RefreshUser(a.RefreshToken)
	case "createUserToken":
		return c.CreateUser(c.Creds().UserEmail, ScopeUserSession)
	}
	return c.Validate(a.AccessToken)
}

func caseFaultCount(c *C) {
	c.requireNoFaults()
	f := c.addFault(map[string]any{"operation": "refreshUserToken", "preset": "rate_limited", "count": 2}, 429, 2)
	a := c.NewUserTokens()
	c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	for range 2 {
		c.expectExactJSON(c.RefreshUser(a.RefreshToken), http.StatusTooManyRequests, rateLimitedBody)
	}
	c.expectFaultSpent(f.ID)
	c.TokenSet(c.RefreshUser(a.RefreshToken))
}

// setRateLimit installs (perMinute > 0) or removes (0) a rate limit and asserts the list.
func (c *C) setRateLimit(op string, perMinute int) {
	var l faultList
	resp := c.adminJSON(http.MethodPost, "/ratelimits", map[string]any{"operation": op, "per_minute": perMinute}, http.StatusOK, &l)
	found := false
	for _, rl := range l.RateLimits {
		found = found || (rl.Operation == op && rl.PerMinute == perMinute)
	}
	if found != (perMinute > 0) {
		c.FatalOn(resp, "POST /__admin/ratelimits %s %d: the answer must list the limits in force", op, perMinute)
	}
}

func caseRateLimit(c *C) {
	c.requireNoFaults()
	c.FreezeClock()
	c.setRateLimit("refreshUserToken", 2)
	c.Cleanup(func() { c.setRateLimit("refreshUserToken", 0) })
	a := c.userTokensNow()
	b := c.refreshNow(c.refreshNow(a.RefreshToken).RefreshToken)
	c.expectExactJSON(c.RefreshUser(b.RefreshToken), http.StatusTooManyRequests, rateLimitedBody)
	c.AdvanceClock(time.Minute)
	c.refreshNow(b.RefreshToken)
}
