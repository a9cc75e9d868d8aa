package contract

import (
	"net/http"
	"strings"
)

// Credentials are what a Plum client holds. Company tokens rotate (E3), so the suite updates
// them and hands them to Target.Persist before it sends another request.
type Credentials struct {
	CompanyToken        string `json:"company_token" yaml:"company_token"`
	CompanyRefreshToken string `json:"company_refresh_token" yaml:"company_refresh_token"`
	ClientID            string `json:"client_id" yaml:"client_id"`
	ClientSecret        string `json:"client_secret" yaml:"client_secret"`
	UserEmail           string `json:"user_email" yaml:"user_email"`
	NonAdminEmail       string `json:"non_admin_email,omitempty" yaml:"non_admin_email,omitempty"`
	AdminToken          string `json:"admin_token,omitempty" yaml:"admin_token,omitempty"`
}

// DemoCredentials are the fake's embedded demo fixtures, the default for every target.
func DemoCredentials() Credentials {
	return Credentials{
		CompanyToken:        "demo-company-token",
		CompanyRefreshToken: "demo-company-refresh",
		ClientID:            "demo-client",
		ClientSecret:        "demo-secret",
		UserEmail:           "admin@demo.example",
		NonAdminEmail:       "employee@demo.example",
	}
}

// secretValues lists the fields that must never appear in any output.
func (c Credentials) secretValues() []string {
	return []string{c.CompanyToken, c.CompanyRefreshToken, c.ClientSecret, c.AdminToken}
}

// Target is one implementation of the Plum API under test: the in-process fake, a running fake
// or container, or the real sandbox. Capabilities are discovered when a run starts.
type Target struct {
	// BaseURL is where the spec's paths hang, e.g. http://127.0.0.1:8080/chef.
	BaseURL string
	// AdminURL is the root of the fake's /__admin API and JWKS; empty means none.
	AdminURL string
	// JWKSURL overrides {AdminURL}/.well-known/jwks.json.
	JWKSURL     string
	Credentials Credentials
	// Client sends every request; nil means a client with a 30 s timeout.
	Client *http.Client
	// Rate caps requests per second; 0 means unlimited.
	Rate float64
	// Concurrency is N for the refresh race; 0 means 5.
	Concurrency int
	// ExpectedBalance is the Super Admin's total E8 must report; nil accepts any number (a real
	// sandbox account's balance is not known in advance). The demo fixture's is 1500.
	ExpectedBalance *float64
	// Persist saves rotated credentials (atomically) before the next request is sent. Nil means
	// they cannot be saved, so company rotation runs only where an admin reset restores it.
	Persist func(Credentials) error
	// AskDashboardPair lets the suite show the company refresh token to E2, to learn whether
	// the real server rotates the dashboard pair there as public clients assume. A refusal may
	// cost that token, so without an admin API the question is asked only on request.
	AskDashboardPair bool
}

func (t Target) base() string  { return strings.TrimRight(t.BaseURL, "/") }
func (t Target) admin() string { return strings.TrimRight(t.AdminURL, "/") }

func (t Target) concurrency() int {
	if t.Concurrency > 0 {
		return t.Concurrency
	}
	return 5
}

// DemoBalance is the demo Super Admin's balance in the fake's fixtures.
const DemoBalance = 1500.0
