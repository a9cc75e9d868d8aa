package contract

import (
	"fmt"
	"net/http"
	"time"
)

// observationCases answer open questions of plum-api.md. They assert only what every reading of
// the docs agrees on; the answers themselves go into the report, not into the verdict.
func observationCases() []Case {
	return []Case{
		{Name: "observe/reuse-and-family", Doc: "what a rotated refresh token presented again does: grace period, family revocation", Run: caseReuse},
		{Name: "observe/validate-expires-in", Doc: "what E4's expires_in means, observed after time has passed", Run: caseExpiresInMeaning},
		{Name: "observe/refresh-lifetime", Doc: "whether a rotated refresh token gets a fresh lifetime", Run: caseRefreshLifetime},
		{Name: "observe/user-token-refresh-path", Doc: "which refresh path (E2, E3) takes E1's user tokens", Run: caseRefreshPath},
		{Name: "observe/store-admin-scope", Doc: "whether E1 accepts scope store_admin_manage", Run: caseStoreAdminScope},
	}
}

func caseReuse(c *C) {
	a := c.NewUserTokens()
	b := c.TokenSet(c.RefreshUser(a.RefreshToken))
	reuse := c.RefreshUser(a.RefreshToken)
	grace := "rejected at once (" + Outcome(reuse) + ")"
	if reuse.Status == http.StatusOK {
		grace = "accepted again (a grace period)"
	}
	c.Observe("rotation.reuse_of_rotated_token", "Is a rotated refresh token rejected at once, or is there a grace period?", grace, Outcome(reuse))
	succ := c.RefreshUser(b.RefreshToken)
	family := "no: the successor still refreshes"
	if succ.Status != http.StatusOK {
		family = "yes: the successor refresh token was revoked (" + Outcome(succ) + ")"
	}
	c.Observe("rotation.family_revocation_on_reuse", "Does presenting a rotated refresh token revoke the whole token family?", family, "")
	acc := c.Validate(b.AccessToken)
	c.Observe("rotation.access_after_reuse", "Does the successor's access token survive a reuse of the rotated refresh token?", aliveOrNot(acc), Outcome(acc))
}

// elapse lets time pass on the target: the fake's clock when it has one, else a short real wait
// (only against targets without a clock, where a few seconds are the price of an answer).
func (c *C) elapse(d time.Duration) {
	if ok, _ := c.s.has(CapAdmin); ok {
		c.FreezeClock()
		c.AdvanceClock(d)
		return
	}
	select {
	case <-time.After(d):
	case <-c.ctx.Done():
		c.Fatalf("cancelled")
	}
}

func caseExpiresInMeaning(c *C) {
	a := c.NewUserTokens()
	const wait = 3 * time.Second
	c.elapse(wait)
	v := c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	c.Observe("validate.expires_in_after_time", "Observed without the clock API: what is E4's expires_in after time passes?",
		expiresInMeaning(v.ExpiresIn, a.ExpiresIn, int64(wait/time.Second)), fmt.Sprintf("issued %d, validated %d", a.ExpiresIn, v.ExpiresIn))
}

func caseRefreshLifetime(c *C) {
	a := c.NewUserTokens()
	c.elapse(2 * time.Second)
	b := c.TokenSet(c.RefreshUser(a.RefreshToken))
	c.Observe("refresh.lifetime_after_rotation", "Does a rotated refresh token's expiry move forward?", slidingOrFixed(a, b),
		fmt.Sprintf("refresh_token_expiry moved by %d ms", b.RefreshExpiryMS-a.RefreshExpiryMS))
}

func caseRefreshPath(c *C) {
	viaE2 := c.RefreshUser(c.NewUserTokens().RefreshToken)
	viaE3 := c.RefreshCompany(c.NewUserTokens().RefreshToken)
	c.Observe("refresh_path.user_tokens", "Which refresh path takes E1's user tokens?",
		fmt.Sprintf("E2 %s, E3 %s", Outcome(viaE2), Outcome(viaE3)), "")
	c.TokenSet(viaE2)
}

func caseStoreAdminScope(c *C) {
	r := c.CreateUser(c.Creds().UserEmail, ScopeStoreAdmin)
	c.Observe("scope.store_admin_manage", "Does E1 accept scope store_admin_manage?", Outcome(r), "")
	if r.Status == http.StatusOK {
		c.TokenSet(r)
	}
}
