// Package plumtest starts plummock inside a Go test: one call gives a fake Plum authentication
// API on a random loopback port, its credentials, and typed control of its clock, faults,
// scenarios and journal. It is shut down when the test ends.
//
//	func TestMyClientRefreshes(t *testing.T) {
//		plum := plumtest.Start(t)
//		client := myapp.NewPlumClient(plum.BaseURL, plum.Credentials.ClientID, plum.Credentials.ClientSecret)
//		...
//		plum.AdvanceClock(t, 361*time.Hour) // the access token is now expired
//		...
//	}
//
// Every control method takes the calling test's t and fails it (t.Fatalf, naming the admin call
// and the mock's answer) if the mock refuses, so a test reads as a list of steps with no error
// to check. Pass the t of the test or subtest that makes the call. The methods go through the
// mock's admin API over HTTP, exactly as a test in another language would drive a plummock
// binary or container.
package plumtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver"
	"github.com/plummock/plummock/mockserver/tokens"
)

// Options choose what the fake starts with; the zero value is the demo data and Plum's
// behaviour, with every response validated against openapi.yaml.
type Options struct {
	Fixtures  *fixtures.Set     // nil: the embedded demo data
	Profile   *fixtures.Profile // nil: the default decisions (docs/plum-api.md) or the fixtures' profile
	Lifetimes tokens.Lifetimes  // zero: Plum's
	// Lenient turns off validating the mock's own responses against openapi.yaml.
	Lenient bool
}

// Credentials are what an app under test needs to talk to the fake.
type Credentials struct {
	CompanyToken        string
	CompanyRefreshToken string
	ClientID            string
	ClientSecret        string
	SuperAdmin          string // an email E1 accepts
}

// Mock is a running fake.
type Mock struct {
	// URL is the listener's root: admin API under /__admin, JWKS at /.well-known/jwks.json.
	URL string
	// BaseURL is where a Plum client points instead of https://…/chef.
	BaseURL     string
	Credentials Credentials
	server      *httptest.Server
	http        *http.Client
}

// Start runs a fake for the length of a test.
func Start(t testing.TB, opts ...Options) *Mock {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	m, err := New(o)
	if err != nil {
		t.Fatalf("plumtest: %v", err)
	}
	t.Cleanup(m.Close)
	return m
}

// New runs a fake until Close; prefer Start in tests. New suits a fake shared by a package's
// tests, started in TestMain (which has no t).
func New(o Options) (*Mock, error) {
	mo := mockserver.Options{Fixtures: o.Fixtures, Lifetimes: o.Lifetimes, Strict: !o.Lenient}
	if o.Profile != nil {
		mo.Policy = *o.Profile
	}
	srv, err := mockserver.New(mo)
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(srv.Handler())
	m := &Mock{URL: ts.URL, BaseURL: ts.URL + "/chef", server: ts, http: ts.Client()}
	m.Credentials = credentialsOf(mo.Fixtures)
	return m, nil
}

// credentialsOf picks the first company's credentials and Super Admin.
func credentialsOf(set *fixtures.Set) Credentials {
	if set == nil {
		set = fixtures.Demo()
	}
	c := set.Companies[0]
	creds := Credentials{ClientID: c.ClientID, ClientSecret: c.ClientSecret}
	if len(c.AccessTokens) > 0 {
		creds.CompanyToken = c.AccessTokens[0]
	}
	if len(c.RefreshTokens) > 0 {
		creds.CompanyRefreshToken = c.RefreshTokens[0]
	}
	for _, u := range c.Users {
		if u.SuperAdmin {
			creds.SuperAdmin = u.Email
			break
		}
	}
	return creds
}

// Close stops the fake.
func (m *Mock) Close() { m.server.Close() }

// AdvanceClock moves the fake's clock forward by d: tokens expire without the test waiting.
func (m *Mock) AdvanceClock(t testing.TB, d time.Duration) {
	t.Helper()
	m.admin(t, http.MethodPost, "/clock/advance", map[string]string{"duration": d.String()}, nil)
}

// SetClock moves the fake's clock to at (backwards too).
func (m *Mock) SetClock(t testing.TB, at time.Time) {
	t.Helper()
	m.admin(t, http.MethodPost, "/clock/set", map[string]string{"time": at.Format(time.RFC3339Nano)}, nil)
}

// FreezeClock stops the fake's clock, so expiry boundaries are exact.
func (m *Mock) FreezeClock(t testing.TB) {
	t.Helper()
	m.admin(t, http.MethodPost, "/clock/freeze", nil, nil)
}

// Now is the fake's current time (millisecond precision).
func (m *Mock) Now(t testing.TB) time.Time {
	t.Helper()
	var c struct {
		NowMS int64 `json:"now_ms"`
	}
	m.admin(t, http.MethodGet, "/clock", nil, &c)
	return time.UnixMilli(c.NowMS).UTC()
}

// Reset returns the fake to its start-up state: every token dead, faults and journal cleared.
func (m *Mock) Reset(t testing.TB) {
	t.Helper()
	m.admin(t, http.MethodPost, "/reset", nil, nil)
}

// SetProfile replaces the behaviour profile.
func (m *Mock) SetProfile(t testing.TB, p fixtures.Profile) {
	t.Helper()
	m.admin(t, http.MethodPut, "/profile", p, nil)
}

// String names the fake, for test logs.
func (m *Mock) String() string { return fmt.Sprintf("plummock at %s", m.BaseURL) }
