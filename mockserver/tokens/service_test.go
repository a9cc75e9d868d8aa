package tokens

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/keys"
	"github.com/plummock/plummock/mockserver/store"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newTestService returns a service on the memory store with a frozen clock at start.
func newTestService(t testing.TB) (*Service, *clock.Clock) {
	t.Helper()
	k, err := keys.FromPEM(fixtures.TestKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.New(func() time.Time { return start })
	clk.Freeze()
	svc, err := New(DefaultConfig(), store.NewMemory(store.Limits{}), keys.NewSet(k), clk)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Reset(context.Background(), fixtures.Demo()); err != nil {
		t.Fatal(err)
	}
	return svc, clk
}

func refreshReq(token string) RefreshRequest {
	return RefreshRequest{GrantType: "refresh_token", RefreshToken: token, ClientID: "demo-client", ClientSecret: "demo-secret"}
}

func mustCreate(t testing.TB, svc *Service) TokenSet {
	t.Helper()
	set, err := svc.CreateUserTokens(context.Background(), "demo-company-token", "admin@demo.example", "user_session")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestCreateUserTokensIssuesConsistentSet(t *testing.T) {
	svc, _ := newTestService(t)
	set := mustCreate(t, svc)
	if set.ExpiresIn != 1296000 {
		t.Errorf("expires_in = %d", set.ExpiresIn)
	}
	if !set.AccessExpiry.Equal(start.Add(15*24*time.Hour)) || !set.RefreshExpiry.Equal(start.Add(30*24*time.Hour)) {
		t.Errorf("expiries = %v / %v", set.AccessExpiry, set.RefreshExpiry)
	}
	if len(set.RefreshToken) < 43 {
		t.Errorf("refresh token too short: %d chars", len(set.RefreshToken))
	}
	claims, err := svc.parse(set.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if claims.Subject != "admin@demo.example" || claims.Kind != "user" || claims.CompanyID != "demo" ||
		claims.Scope != "user_session" || claims.ExpiresAt.Unix()*1000 != set.AccessExpiry.UnixMilli() {
		t.Errorf("claims = %+v", claims)
	}
}

func TestCreateUserTokensRefusals(t *testing.T) {
	svc, _ := newTestService(t)
	user := mustCreate(t, svc)
	cases := []struct {
		name, bearer, email, scope string
		want                       error
	}{
		{"unknown company token", "nope-nope-nope", "admin@demo.example", "user_session", ErrInvalidToken},
		{"user token instead of company", user.AccessToken, "admin@demo.example", "user_session", ErrInvalidToken},
		{"bad scope", "demo-company-token", "admin@demo.example", "everything", ErrInvalidScope},
		{"unknown user", "demo-company-token", "ghost@demo.example", "user_session", ErrUnknownUser},
		{"not a super admin", "demo-company-token", "employee@demo.example", "user_session", ErrUnknownUser},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.CreateUserTokens(context.Background(), tc.bearer, tc.email, tc.scope)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSecondCreateKillsPreviousRefreshButNotAccess(t *testing.T) {
	svc, _ := newTestService(t)
	first := mustCreate(t, svc)
	second := mustCreate(t, svc)
	if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(first.RefreshToken)); !errors.Is(err, ErrInvalidGrant) {
		t.Errorf("old refresh: err = %v", err)
	}
	if _, err := svc.Validate(context.Background(), first.AccessToken); err != nil {
		t.Errorf("old access token died: %v", err)
	}
	if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(second.RefreshToken)); err != nil {
		t.Errorf("new refresh: %v", err)
	}
}

func TestRefreshRotates(t *testing.T) {
	svc, _ := newTestService(t)
	first := mustCreate(t, svc)
	next, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(first.RefreshToken))
	if err != nil {
		t.Fatal(err)
	}
	if next.RefreshToken == first.RefreshToken || next.AccessToken == first.AccessToken {
		t.Error("rotation reused a token")
	}
	_, err = svc.Refresh(context.Background(), store.KindUser, refreshReq(first.RefreshToken))
	if !errors.Is(err, ErrInvalidGrant) {
		t.Errorf("replay: err = %v", err)
	}
	if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(next.RefreshToken)); err != nil {
		t.Errorf("successor: %v", err)
	}
}

func TestRefreshRefusals(t *testing.T) {
	svc, _ := newTestService(t)
	user := mustCreate(t, svc)
	bad := func(mut func(*RefreshRequest)) RefreshRequest { r := refreshReq(user.RefreshToken); mut(&r); return r }
	cases := []struct {
		name string
		kind store.Kind
		req  RefreshRequest
		want error
	}{
		{"grant type", store.KindUser, bad(func(r *RefreshRequest) { r.GrantType = "password" }), ErrUnsupportedGrantType},
		{"wrong secret", store.KindUser, bad(func(r *RefreshRequest) { r.ClientSecret = "x" }), ErrInvalidClient},
		{"unknown client", store.KindUser, bad(func(r *RefreshRequest) { r.ClientID = "x" }), ErrInvalidClient},
		{"unknown token", store.KindUser, bad(func(r *RefreshRequest) { r.RefreshToken = "nope" }), ErrInvalidGrant},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := svc.Refresh(context.Background(), tc.kind, tc.req); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(user.RefreshToken)); err != nil {
		t.Errorf("a refused request changed state: %v", err)
	}
}

func TestCompanyRefreshRotatesFixtureToken(t *testing.T) {
	svc, _ := newTestService(t)
	set, err := svc.Refresh(context.Background(), store.KindCompany, refreshReq("demo-company-refresh"))
	if err != nil {
		t.Fatal(err)
	}
	if set.ExpiresIn != 2592000 || !set.RefreshExpiry.Equal(start.Add(60*24*time.Hour)) {
		t.Errorf("company set = %+v", set)
	}
	if _, err := svc.CreateUserTokens(context.Background(), set.AccessToken, "admin@demo.example", "user_session"); err != nil {
		t.Errorf("new company token cannot create user tokens: %v", err)
	}
	if _, err := svc.Refresh(context.Background(), store.KindCompany, refreshReq("demo-company-refresh")); !errors.Is(err, ErrInvalidGrant) {
		t.Errorf("fixture refresh token reused: %v", err)
	}
	svc.Reset(context.Background(), fixtures.Demo())
	if _, err := svc.Refresh(context.Background(), store.KindCompany, refreshReq("demo-company-refresh")); err != nil {
		t.Errorf("fixture refresh token not back after reset: %v", err)
	}
	if _, err := svc.Validate(context.Background(), set.AccessToken); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("token survived reset: %v", err)
	}
}

func TestExpiryBoundariesAreExact(t *testing.T) {
	svc, clk := newTestService(t)
	set := mustCreate(t, svc)
	clk.Set(set.AccessExpiry.Add(-time.Second))
	v, err := svc.Validate(context.Background(), set.AccessToken)
	if err != nil || v.ExpiresIn != 1 {
		t.Fatalf("one second before exp: %+v %v", v, err)
	}
	clk.Set(set.AccessExpiry)
	if _, err := svc.Validate(context.Background(), set.AccessToken); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("at exp: err = %v", err)
	}
	clk.Set(set.RefreshExpiry.Add(-time.Second))
	next, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(set.RefreshToken))
	if err != nil {
		t.Fatalf("refresh one second before its expiry: %v", err)
	}
	clk.Set(next.RefreshExpiry)
	if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(next.RefreshToken)); !errors.Is(err, ErrInvalidGrant) {
		t.Errorf("refresh at its expiry: %v", err)
	}
}

func TestConcurrentRefreshExactlyOneWins(t *testing.T) {
	for _, n := range []int{2, 10, 50, 100} {
		svc, _ := newTestService(t)
		set := mustCreate(t, svc)
		var wins, grants int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(set.RefreshToken))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrInvalidGrant):
					grants++
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || grants != n-1 {
			t.Errorf("N=%d: %d wins, %d invalid_grant", n, wins, grants)
		}
		st, _ := svc.store.Stats(context.Background())
		if st.RefreshTokens != 4 { // two fixture company refresh tokens + first + one successor
			t.Errorf("N=%d: %d refresh tokens stored, want 4", n, st.RefreshTokens)
		}
	}
}

func TestAPICallerTakesEitherKind(t *testing.T) {
	svc, _ := newTestService(t)
	set := mustCreate(t, svc)
	c, err := svc.APICaller(context.Background(), set.AccessToken)
	if err != nil || c.User() != "admin@demo.example" || c.Company.ID != "demo" {
		t.Errorf("user token: %+v %v", c, err)
	}
	c, err = svc.APICaller(context.Background(), "demo-dashboard-access")
	if err != nil || c.User() != "" || c.Company.ID != "demo" || len(c.Fixtures.APIAnswers) == 0 {
		t.Errorf("dashboard company token: %+v %v", c, err)
	}
	if _, err := svc.APICaller(context.Background(), "not-a-token"); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("unknown token: %v", err)
	}
}
