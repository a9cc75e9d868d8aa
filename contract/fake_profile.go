package contract

import (
	"encoding/json"
	"net/http"
	"reflect"
	"time"
)

// Profile is the fake's behaviour profile (GET/PUT /__admin/profile): what it does where Plum's
// pages disagree. The zero value, sent as {}, is every default; the suite's own type, so a
// serialisation bug in the fake cannot hide behind shared code.
type Profile struct {
	RefreshGrace          string `json:"refresh_grace,omitempty"`
	RevokeFamilyOnReuse   bool   `json:"revoke_family_on_reuse,omitempty"`
	MaxActivePairs        int    `json:"max_active_pairs,omitempty"`
	KillOldAccessOnCreate bool   `json:"kill_old_access_on_create,omitempty"`
	FixedRefreshExpiry    bool   `json:"fixed_refresh_expiry,omitempty"`
	ExpiryFormat          string `json:"expiry_format,omitempty"`
	ValidateExpiresIn     string `json:"validate_expires_in,omitempty"`
	RefreshPathKind       string `json:"refresh_path_kind,omitempty"`
	APIRateLimits         bool   `json:"api_rate_limits,omitempty"`
	// ExpiryFormats maps an endpoint (create_user, refresh_user, refresh_company, validate) to
	// "number" or "string".
	ExpiryFormats   map[string]string      `json:"expiry_formats,omitempty"`
	ValidateExpired string                 `json:"validate_expired,omitempty"`
	AllowedScopes   string                 `json:"allowed_scopes,omitempty"`
	ErrorAnswers    map[string]ErrorAnswer `json:"error_answers,omitempty"`
}

// ErrorAnswer replaces the answer to one error the fake decides itself (error_answers).
type ErrorAnswer struct {
	Status int            `json:"status"`
	Body   map[string]any `json:"body"`
}

// keepProfile records the profile in force and registers a cleanup that puts it back verbatim,
// so a case may change the profile and still leave the target as it found it.
func (c *C) keepProfile() {
	found := c.adminJSON(http.MethodGet, "/profile", nil, http.StatusOK, nil).Body
	c.Cleanup(func() { c.putProfile(found) })
}

// putProfile puts back a profile exactly as GET /__admin/profile answered it.
func (c *C) putProfile(raw []byte) {
	resp := c.Do(Request{Method: http.MethodPut, Path: "/__admin/profile", Raw: raw, Admin: true,
		Bearer: c.Creds().AdminToken})
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "PUT /__admin/profile (restoring the profile found): want 200")
	}
}

// setProfile replaces the profile and asserts the answer echoes every field that was set.
func (c *C) setProfile(p Profile) {
	var echoed map[string]any
	resp := c.adminJSON(http.MethodPut, "/profile", p, http.StatusOK, &echoed)
	sent := map[string]any{}
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &sent)
	for k, v := range sent {
		if !sameSetting(k, v, echoed[k]) {
			c.FatalOn(resp, "PUT /__admin/profile: %s must read back as %v, got %v", k, v, echoed[k])
		}
	}
}

// sameSetting compares a sent and an echoed profile value; durations compare by value ("6h"
// reads back as "6h0m0s").
func sameSetting(key string, sent, echoed any) bool {
	if key != "refresh_grace" {
		return reflect.DeepEqual(sent, echoed) // nested settings (error_answers) are maps
	}
	s, _ := sent.(string)
	e, _ := echoed.(string)
	a, err1 := time.ParseDuration(s)
	b, err2 := time.ParseDuration(e)
	return err1 == nil && err2 == nil && a == b
}

// mockNow is the fake's clock now (frozen during profile cases, so exact).
func (c *C) mockNow() time.Time { return c.clock(http.MethodGet, "", nil).Time() }

// userTokensNow calls E1 and checks the set against the fake's clock, which profile cases move.
func (c *C) userTokensNow() TokenSet {
	return c.TokenSetAt(c.CreateUser(c.Creds().UserEmail, ScopeUserSession), c.mockNow())
}

// refreshNow calls E2 and checks the set against the fake's clock.
func (c *C) refreshNow(refresh string) TokenSet {
	return c.TokenSetAt(c.RefreshUser(refresh), c.mockNow())
}
