package tokens

import (
	"fmt"
	"time"
)

// Lifetimes of the four kinds of token (plum-api.md's table).
type Lifetimes struct {
	UserAccess     time.Duration
	UserRefresh    time.Duration
	CompanyAccess  time.Duration
	CompanyRefresh time.Duration
}

// DefaultLifetimes are Plum's: user 15 d / 30 d, company 30 d / 60 d.
func DefaultLifetimes() Lifetimes {
	const day = 24 * time.Hour
	return Lifetimes{UserAccess: 15 * day, UserRefresh: 30 * day, CompanyAccess: 30 * day, CompanyRefresh: 60 * day}
}

// Validate refuses lifetimes that could not make a usable token.
func (l Lifetimes) Validate() error {
	for name, d := range map[string]time.Duration{
		"user access": l.UserAccess, "user refresh": l.UserRefresh,
		"company access": l.CompanyAccess, "company refresh": l.CompanyRefresh,
	} {
		if d < time.Second || d%time.Second != 0 {
			return fmt.Errorf("%s lifetime %v: must be a whole number of seconds, at least 1s", name, d)
		}
	}
	return nil
}

// Policy holds the behaviours Plum's pages disagree on; the zero value is plum-api.md's decision.
type Policy struct {
	// RefreshGrace keeps a rotated refresh token usable this long (Token Management page: 6 h).
	RefreshGrace time.Duration `json:"refresh_grace"`
	// RevokeFamilyOnReuse kills the whole token family when a rotated token comes back.
	RevokeFamilyOnReuse bool `json:"revoke_family_on_reuse"`
	// MaxActivePairs caps live token pairs per user (oldest evicted); 0 = no cap.
	MaxActivePairs int `json:"max_active_pairs"`
	// KillOldAccessOnCreate makes a new E1 also kill the user's earlier access tokens.
	KillOldAccessOnCreate bool `json:"kill_old_access_on_create"`
	// FixedRefreshExpiry keeps a family's first refresh expiry instead of a fresh one each time.
	FixedRefreshExpiry bool `json:"fixed_refresh_expiry"`
	// ExpiryAsString writes access_token_expiry and refresh_token_expiry as strings of digits
	// (the Rewards API pages) instead of numbers (the Reward Points pages).
	ExpiryAsString bool `json:"expiry_as_string"`
	// ValidateReportsLifetime makes E4's expires_in the full lifetime instead of the seconds left.
	ValidateReportsLifetime bool `json:"validate_reports_lifetime"`
}

// Config is the token service's fixed configuration.
type Config struct {
	Issuer    string
	Lifetimes Lifetimes
	Policy    Policy
	// Scopes allowed on E1.
	Scopes []string
	// Leeway tolerated on iat and nbf (never on exp: now == exp is expired).
	Leeway time.Duration
}

// DefaultConfig is plum-api.md's behaviour.
func DefaultConfig() Config {
	return Config{
		Issuer:    "plummock",
		Lifetimes: DefaultLifetimes(),
		Scopes:    []string{"user_session", "store_admin_manage"},
		Leeway:    5 * time.Second,
	}
}
