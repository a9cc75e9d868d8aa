package contract

import (
	"net/http"
	"time"
)

// profileCase shows one option of the fake's behaviour profile making its documented difference:
// check runs once with every default (on=false) and once with the option set (on=true), so each
// case proves both sides. The clock is frozen throughout so every boundary is exact, and the
// profile and clock are put back as found.
type profileCase struct {
	name, doc string
	on        Profile
	check     func(c *C, on bool)
}

func profileCases() []Case {
	var out []Case
	for _, p := range []profileCase{
		{"refresh-grace", "refresh_grace 6h: a rotated refresh token works again until 6 h after its first use (default: rejected at once)",
			Profile{RefreshGrace: "6h"}, checkGrace},
		{"revoke-family-on-reuse", "revoke_family_on_reuse: presenting a rotated refresh token kills the successor pair (default: the successor survives)",
			Profile{RevokeFamilyOnReuse: true}, checkFamilyRevocation},
		{"max-active-pairs", "max_active_pairs 2: a third E1 evicts the oldest pair, the other two live (default: no cap)",
			Profile{MaxActivePairs: 2}, checkMaxPairs},
		{"kill-old-access-on-create", "kill_old_access_on_create: a new E1 kills every earlier access token of the user (default: they live to expiry)",
			Profile{KillOldAccessOnCreate: true}, checkKillOldAccess},
		{"fixed-refresh-expiry", "fixed_refresh_expiry: a refresh keeps the first refresh_token_expiry (default: a fresh lifetime)",
			Profile{FixedRefreshExpiry: true}, checkFixedExpiry},
		{"expiry-format", "expiry_format string: E1, E2 and E4 type the expiry fields as strings of digits (default: numbers)",
			Profile{ExpiryFormat: "string"}, checkExpiryFormat},
		{"validate-expires-in", "validate_expires_in lifetime: E4's expires_in is the full lifetime (default: the remaining seconds)",
			Profile{ValidateExpiresIn: "lifetime"}, checkValidateLifetime},
	} {
		out = append(out, Case{Name: "profile/" + p.name, Doc: p.doc, Needs: []Capability{CapAdmin}, Run: p.run})
	}
	return out
}

func (p profileCase) run(c *C) {
	c.keepProfile()
	c.FreezeClock()
	c.setProfile(Profile{})
	p.check(c, false)
	c.setProfile(p.on)
	p.check(c, true)
}

func checkGrace(c *C, on bool) {
	a := c.userTokensNow()
	c.refreshNow(a.RefreshToken)
	if !on {
		c.ExpectError(c.RefreshUser(a.RefreshToken), http.StatusBadRequest, "invalid_grant")
		return
	}
	c.AdvanceClock(6*time.Hour - time.Second)
	c.refreshNow(a.RefreshToken)
	c.AdvanceClock(time.Second)
	c.ExpectError(c.RefreshUser(a.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

func checkFamilyRevocation(c *C, on bool) {
	a := c.userTokensNow()
	b := c.refreshNow(a.RefreshToken)
	c.ExpectError(c.RefreshUser(a.RefreshToken), http.StatusBadRequest, "invalid_grant")
	if !on {
		c.Validation(c.Validate(b.AccessToken), b.AccessToken)
		c.refreshNow(b.RefreshToken)
		return
	}
	c.ExpectError(c.Validate(b.AccessToken), http.StatusUnauthorized, "invalid_token")
	c.ExpectError(c.RefreshUser(b.RefreshToken), http.StatusBadRequest, "invalid_grant")
}

func checkMaxPairs(c *C, on bool) { c.expectAliveAfterThreeE1([3]bool{!on, true, true}) }

func checkKillOldAccess(c *C, on bool) { c.expectAliveAfterThreeE1([3]bool{!on, !on, true}) }

// expectAliveAfterThreeE1 issues three E1 sets for the user and asserts which access tokens
// still validate: what the pair cap and the kill-on-create option each change.
func (c *C) expectAliveAfterThreeE1(alive [3]bool) {
	var sets [3]TokenSet
	for i := range sets {
		sets[i] = c.userTokensNow()
	}
	for i, s := range sets {
		if alive[i] {
			c.Validation(c.Validate(s.AccessToken), s.AccessToken)
			continue
		}
		c.ExpectError(c.Validate(s.AccessToken), http.StatusUnauthorized, "invalid_token")
	}
}

func checkFixedExpiry(c *C, on bool) {
	a := c.userTokensNow()
	c.AdvanceClock(time.Hour)
	b := c.refreshNow(a.RefreshToken)
	want := a.RefreshExpiryMS + time.Hour.Milliseconds()
	if on {
		want = a.RefreshExpiryMS
	}
	if b.RefreshExpiryMS != want {
		c.failOn(b.Resp, "refresh one hour after issue with fixed_refresh_expiry=%v: refresh_token_expiry must be %d, got %d",
			on, want, b.RefreshExpiryMS)
	}
}

func checkExpiryFormat(c *C, on bool) {
	want := "number"
	if on {
		want = "string"
	}
	a := c.userTokensNow()
	b := c.refreshNow(a.RefreshToken)
	v := c.Validation(c.Validate(b.AccessToken), b.AccessToken)
	for name, got := range map[string]TokenSet{"E1": a, "E2": b} {
		if got.ExpiryEncoding != want {
			c.failOn(got.Resp, "%s with expiry_format %s: expiry fields must be %ss, got %ss", name, want, want, got.ExpiryEncoding)
		}
	}
	if v.ExpiryEncoding != want {
		c.failOn(v.Resp, "E4 with expiry_format %s: access_token_expiry must be a %s, got %q", want, want, v.ExpiryEncoding)
	}
}

func checkValidateLifetime(c *C, on bool) {
	a := c.userTokensNow()
	c.AdvanceClock(time.Hour)
	v := c.Validation(c.Validate(a.AccessToken), a.AccessToken)
	want := a.ExpiresIn - 3600
	if on {
		want = a.ExpiresIn
	}
	if v.ExpiresIn != want {
		c.failOn(v.Resp, "E4 one hour after issue with validate_expires_in=%s: expires_in must be %d, got %d",
			map[bool]string{false: "remaining", true: "lifetime"}[on], want, v.ExpiresIn)
	}
}
