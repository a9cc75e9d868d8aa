package tokens

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// reasonOf is the refusal's reason, failing the test when err is not an explained refusal.
func reasonOf(t *testing.T, err error) *Error {
	t.Helper()
	var te *Error
	if !errors.As(err, &te) {
		t.Fatalf("want a *tokens.Error, got %T %v", err, err)
	}
	return te
}

func TestDashboardPairRefreshesOnEitherPathByDefault(t *testing.T) {
	svc, _ := newTestService(t)
	ctx := context.Background()
	set, err := svc.Refresh(ctx, store.KindUser, refreshReq("demo-company-refresh"))
	if err != nil {
		t.Fatalf("company pair on E2: %v", err)
	}
	if set.ExpiresIn != 2592000 {
		t.Errorf("a company pair refreshed on E2 must stay a company pair: expires_in %d", set.ExpiresIn)
	}
	if _, err := svc.CreateUserTokens(ctx, set.AccessToken, "admin@demo.example", "user_session"); err != nil {
		t.Errorf("the refreshed company token is not a company token: %v", err)
	}
	user := mustCreate(t, svc)
	if _, err := svc.Refresh(ctx, store.KindCompany, refreshReq(user.RefreshToken)); err != nil {
		t.Errorf("user pair on E3 with refresh_path_kind any: %v", err)
	}
}

func TestStrictRefreshPathKindNamesTheRightPath(t *testing.T) {
	svc, _ := newTestService(t)
	if err := svc.SetPolicy(Policy{RefreshPathKind: fixtures.RefreshPathStrict}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	user := mustCreate(t, svc)
	for _, tc := range []struct {
		path  store.Kind
		token string
		want  string
	}{
		{store.KindUser, "demo-company-refresh", "wrong kind: company refresh token: use POST /chef/v1/oauth/token/company"},
		{store.KindCompany, user.RefreshToken, "wrong kind: user refresh token: use POST /chef/v1/oauth/token/user"},
	} {
		_, err := svc.Refresh(ctx, tc.path, refreshReq(tc.token))
		te := reasonOf(t, err)
		if !errors.Is(err, ErrInvalidGrant) || te.Reason != tc.want || te.Description != "refresh token is for another token kind" {
			t.Errorf("%s path: %v", tc.path, err)
		}
	}
	if _, err := svc.Refresh(ctx, store.KindUser, refreshReq(user.RefreshToken)); err != nil {
		t.Errorf("a refused request changed state: %v", err)
	}
}

func TestRevokedFamilyDescriptionIsNotTheCode(t *testing.T) {
	svc, _ := newTestService(t)
	if err := svc.SetPolicy(Policy{RevokeFamilyOnReuse: true}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := mustCreate(t, svc)
	b, err := svc.Refresh(ctx, store.KindUser, refreshReq(a.RefreshToken))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = svc.Refresh(ctx, store.KindUser, refreshReq(a.RefreshToken)) // reuse: the family dies
	_, err = svc.Refresh(ctx, store.KindUser, refreshReq(b.RefreshToken))
	te := reasonOf(t, err)
	if !errors.Is(err, ErrInvalidGrant) || te.Description == "invalid_grant" || te.Description == "" ||
		!strings.HasPrefix(te.Reason, WhyRevoked+": ") {
		t.Fatalf("revoked family: description %q reason %q", te.Description, te.Reason)
	}
}

func TestAccessRefusalsSayWhy(t *testing.T) {
	svc, clk := newTestService(t)
	ctx := context.Background()
	user := mustCreate(t, svc)
	forged := user.AccessToken[:strings.LastIndex(user.AccessToken, ".")+1] + "AAAA"
	cases := map[string]string{
		"demo-not-a-token": WhyUnknown,
		"a.b.c":            WhyMalformed,
		forged:             WhyForged,
		"":                 WhyMalformed,
	}
	for tok, want := range cases {
		_, err := svc.Validate(ctx, tok)
		if te := reasonOf(t, err); !errors.Is(err, ErrInvalidToken) || !strings.HasPrefix(te.Reason, want+":") {
			t.Errorf("%.20q: %v, want reason %q", tok, err, want)
		}
	}
	_, err := svc.CreateUserTokens(ctx, user.AccessToken, "admin@demo.example", "user_session")
	if te := reasonOf(t, err); !strings.HasPrefix(te.Reason, WhyWrongKind+":") || !strings.Contains(te.Reason, "/chef/v1/oauth/token/company") {
		t.Errorf("user token on E1: %v", err)
	}
	if err := svc.Reset(ctx, fixtures.Demo()); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Validate(ctx, user.AccessToken)
	if te := reasonOf(t, err); !strings.HasPrefix(te.Reason, WhyPreReset+":") {
		t.Errorf("after a reset: %v", err)
	}
	fresh := mustCreate(t, svc)
	if _, err := svc.RunScenario(ctx, ScenarioOtherSuperAdmin, ScenarioRequest{Company: "demo"}); err != nil {
		t.Fatal(err)
	}
	_, err = svc.Validate(ctx, fresh.AccessToken)
	if te := reasonOf(t, err); te.Reason != WhyRevoked+": "+ReasonOtherSuperAdmin {
		t.Errorf("revoked by scenario: %v", err)
	}
	live := mustCreate(t, svc)
	clk.Advance(16 * 24 * time.Hour)
	_, err = svc.Validate(ctx, live.AccessToken)
	if te := reasonOf(t, err); !strings.HasPrefix(te.Reason, WhyExpired+":") {
		t.Errorf("expired: %v", err)
	}
}

// mintClaims signs arbitrary offline claims with the mock's own key, as only its holder can.
func mintClaims(t *testing.T, svc *Service, mut func(*Claims)) string {
	t.Helper()
	c := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{Issuer: "plummock", Subject: "admin@demo.example", ID: "offline-jti",
			IssuedAt: jwt.NewNumericDate(start), ExpiresAt: jwt.NewNumericDate(start.Add(24 * time.Hour))},
		Scope: "user_session", Kind: "user", CompanyID: "demo", ClientID: "demo-client", Offline: true,
	}
	mut(c)
	raw, err := svc.keys.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestOfflineTokensPassTheChecksIssuedOnesPass(t *testing.T) {
	svc, _ := newTestService(t)
	ctx := context.Background()
	if _, err := svc.Validate(ctx, mintClaims(t, svc, func(*Claims) {})); err != nil {
		t.Fatalf("a well-formed offline token: %v", err)
	}
	for name, mut := range map[string]func(*Claims){
		"kind of no known kind":   func(c *Claims) { c.Kind = "admin" },
		"scope E1 never grants":   func(c *Claims) { c.Scope = "root" },
		"lives past its lifetime": func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(start.Add(400 * 24 * time.Hour)) },
		"company with a user":     func(c *Claims) { c.Kind = "company" },
		"company with a scope":    func(c *Claims) { c.Kind, c.Subject = "company", "demo" },
		"subject not normalised":  func(c *Claims) { c.Subject = "Admin@Demo.Example" },
		"an issued token's claim": func(c *Claims) { c.Family = "fam-x" },
	} {
		_, err := svc.Validate(ctx, mintClaims(t, svc, mut))
		if te := reasonOf(t, err); !errors.Is(err, ErrInvalidToken) || !strings.HasPrefix(te.Reason, WhyUnknown+":") {
			t.Errorf("%s: %v", name, err)
		}
	}
	company := mintClaims(t, svc, func(c *Claims) { c.Kind, c.Subject, c.Scope = "company", "demo", "" })
	if _, err := svc.Validate(ctx, company); err != nil {
		t.Errorf("a well-formed offline company token: %v", err)
	}
}

func TestScenariosKillOfflineTokensMintedBefore(t *testing.T) {
	svc, clk := newTestService(t)
	ctx := context.Background()
	mint := func(user string) TokenSet {
		t.Helper()
		set, err := svc.MintOffline(ctx, OfflineRequest{Company: "demo", User: user, Scope: "user_session"})
		if err != nil {
			t.Fatal(err)
		}
		return set
	}
	user, company := mint("admin@demo.example"), mint("")
	clk.Advance(time.Minute)
	if _, err := svc.RunScenario(ctx, ScenarioPasswordReset, ScenarioRequest{Company: "demo", User: "admin@demo.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Validate(ctx, user.AccessToken); !errors.Is(err, ErrPasswordReset) {
		t.Errorf("offline user token after a password reset: %v", err)
	}
	if _, err := svc.Refresh(ctx, store.KindUser, refreshReq(user.RefreshToken)); err == nil {
		t.Error("offline refresh token minted before a password reset was adopted")
	}
	if _, err := svc.Validate(ctx, company.AccessToken); err != nil {
		t.Errorf("a user's password reset killed the company's offline token: %v", err)
	}
	clk.Advance(time.Second)
	later := mint("admin@demo.example")
	if _, err := svc.Validate(ctx, later.AccessToken); err != nil {
		t.Errorf("an offline token minted after the scenario: %v", err)
	}
	if _, err := svc.RunScenario(ctx, ScenarioRegenerate, ScenarioRequest{Company: "demo"}); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Validate(ctx, company.AccessToken)
	if te := reasonOf(t, err); te.Reason != WhyRevoked+": "+ReasonRegenerated {
		t.Errorf("offline company token after regenerate: %v", err)
	}
	if _, err := svc.Validate(ctx, later.AccessToken); err != nil {
		t.Errorf("regenerate (company tokens) killed a user token: %v", err)
	}
	if err := svc.Reset(ctx, fixtures.Demo()); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Validate(ctx, user.AccessToken); err != nil {
		t.Errorf("a reset lifts the scenarios, offline tokens included: %v", err)
	}
}
