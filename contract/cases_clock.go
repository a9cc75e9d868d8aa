package contract

import (
	"net/http"
	"time"
)

// clockCases need the fake's clock: they freeze it so every boundary is exact, and put it back
// as found when they end.
func clockCases() []Case {
	admin := []Capability{CapAdmin}
	return []Case{
		{Name: "clock/access-expiry-boundary", Doc: "an access token is valid one second before exp and invalid at exp", Needs: admin, Run: caseAccessBoundary},
		{Name: "clock/validate-remaining-seconds", Doc: "E4's expires_in is the remaining whole seconds", Needs: admin, Run: caseValidateRemaining},
		{Name: "clock/refresh-token-expiry", Doc: "a user refresh token lives 30 days: usable one second before its expiry, rejected at it", Needs: admin, Run: caseRefreshExpiry},
		{Name: "clock/refresh-after-access-expiry", Doc: "after the access token expires, its refresh token still issues a working pair", Needs: admin, Run: caseRefreshAfterExpiry},
	}
}

// issueFrozen freezes the clock and issues user tokens at a known instant.
func (c *C) issueFrozen() (TokenSet, time.Time) {
	k := c.FreezeClock()
	return c.TokenSetAt(c.CreateUser(c.Creds().UserEmail, ScopeUserSession), k.Time()), k.Time()
}

func caseAccessBoundary(c *C) {
	a, _ := c.issueFrozen()
	exp := time.UnixMilli(a.AccessExpiryMS)
	c.SetClock(exp.Add(-time.Second))
	c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	c.ExpectBalance(c.Balance(a.AccessToken))
	c.SetClock(exp)
	v := c.Validate(a.AccessToken)
	c.Observe("validate.expired_token", "How does E4 answer an expired access token?", expiredAnswer(v), Outcome(v))
	if v.Status == http.StatusOK {
		if ev := c.Validation(v, a.AccessToken); ev.ExpiresIn > 0 {
			c.failOn(v, "validate at exp: 200 with expires_in %d > 0 means the token is still valid", ev.ExpiresIn)
		}
	} else {
		c.ExpectError(v, http.StatusUnauthorized, "invalid_token")
	}
	c.ExpectError(c.Balance(a.AccessToken), http.StatusUnauthorized, "invalid_token")
}

// expiredAnswer classifies E4's answer to an expired token: the open question is 401 versus
// 200 with expires_in <= 0.
func expiredAnswer(r *Response) string {
	if r.Status == http.StatusOK {
		return "200 with expires_in <= 0"
	}
	return Outcome(r)
}

func caseValidateRemaining(c *C) {
	a, _ := c.issueFrozen()
	c.AdvanceClock(time.Hour)
	v := c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	c.Observe("validate.expires_in_meaning", "What does expires_in mean on E4?", expiresInMeaning(v.ExpiresIn, a.ExpiresIn, 3600), "")
	if want := a.ExpiresIn - 3600; v.ExpiresIn != want {
		c.failOn(v.Resp, "validate one hour after issue: expires_in must be %d (remaining seconds), got %d", want, v.ExpiresIn)
	}
}

// expiresInMeaning classifies E4's expires_in after elapsed seconds.
func expiresInMeaning(got, lifetime, elapsed int64) string {
	switch {
	case got > 1e9:
		return "an epoch timestamp"
	case got == lifetime:
		return "the lifetime"
	case got >= lifetime-elapsed-2 && got <= lifetime-elapsed:
		return "the remaining seconds"
	}
	return "something else"
}

func caseRefreshExpiry(c *C) {
	a, issued := c.issueFrozen()
	const month = 30 * 24 * time.Hour
	if want := issued.Truncate(time.Second).Add(month).UnixMilli(); a.RefreshExpiryMS != want {
		c.failOn(a.Resp, "user refresh_token_expiry must be issue time + 30 days = %d, got %d", want, a.RefreshExpiryMS)
	}
	c.SetClock(time.UnixMilli(a.RefreshExpiryMS).Add(-time.Second))
	k := c.clock(http.MethodGet, "", nil)
	b := c.TokenSetAt(c.RefreshUser(a.RefreshToken), k.Time())
	c.Observe("refresh.lifetime_on_rotation", "Does a rotated refresh token get a fresh lifetime?",
		slidingOrFixed(a, b), "")
	c.SetClock(time.UnixMilli(b.RefreshExpiryMS))
	c.ExpectError(c.RefreshUser(b.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

func slidingOrFixed(first, next TokenSet) string {
	if next.RefreshExpiryMS > first.RefreshExpiryMS {
		return "fresh lifetime (sliding)"
	}
	return "keeps the first expiry (fixed)"
}

func caseRefreshAfterExpiry(c *C) {
	a, _ := c.issueFrozen()
	k := c.SetClock(time.UnixMilli(a.AccessExpiryMS).Add(time.Second))
	c.ExpectError(c.Balance(a.AccessToken), http.StatusUnauthorized, "invalid_token")
	b := c.TokenSetAt(c.RefreshUser(a.RefreshToken), k.Time())
	c.ExpectBalance(c.Balance(b.AccessToken))
}
