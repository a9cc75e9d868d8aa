package tokens

import (
	"fmt"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// Lifetimes of the four kinds of token, as Plum's pages give them.
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

// Policy is the behaviour profile: what the mock does where Plum's pages disagree.
type Policy = fixtures.Profile

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

// DefaultConfig is Plum's documented behaviour.
func DefaultConfig() Config {
	return Config{
		Issuer:    "plummock",
		Lifetimes: DefaultLifetimes(),
		Scopes:    []string{"user_session", "store_admin_manage"},
		Leeway:    5 * time.Second,
	}
}
