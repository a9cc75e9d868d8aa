package tokens

import (
	"context"
	"errors"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/keys"
	"sync"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

func TestOfflineSetWorksWithoutTheStoreAndAdoptsOnRefresh(t *testing.T) {
	svc, clk := newTestService(t)
	ctx := context.Background()
	set, err := svc.MintOffline(ctx, OfflineRequest{Company: "demo", User: "admin@demo.example", Scope: "user_session"})
	if err != nil || set.ExpiresIn != 1296000 {
		t.Fatalf("mint: %+v %v", set, err)
	}
	// A reset cannot kill it: it was never stored.
	svc.Reset(ctx, fixtures.Demo())
	if v, err := svc.Validate(ctx, set.AccessToken); err != nil || v.ExpiresIn != 1296000 {
		t.Fatalf("offline access: %+v %v", v, err)
	}
	if _, err := svc.APICaller(ctx, set.AccessToken); err != nil {
		t.Fatalf("offline access on E8: %v", err)
	}
	if _, err := svc.Authenticate(ctx, set.RefreshToken, ""); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("refresh token accepted as access token: %v", err)
	}
	next, err := svc.Refresh(ctx, store.KindUser, refreshReq(set.RefreshToken))
	if err != nil {
		t.Fatalf("first refresh of an offline token: %v", err)
	}
	if _, err := svc.Refresh(ctx, store.KindUser, refreshReq(set.RefreshToken)); !errors.Is(err, ErrInvalidGrant) {
		t.Errorf("offline refresh token reused: %v", err)
	}
	if _, err := svc.Refresh(ctx, store.KindUser, refreshReq(next.RefreshToken)); err != nil {
		t.Errorf("successor: %v", err)
	}
	clk.Set(set.AccessExpiry)
	if _, err := svc.Validate(ctx, set.AccessToken); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("offline token outlived exp: %v", err)
	}
}

func TestOfflineRefreshRaceExactlyOneWins(t *testing.T) {
	svc, _ := newTestService(t)
	set, _ := svc.MintOffline(context.Background(), OfflineRequest{Company: "demo", User: "admin@demo.example", Scope: "user_session"})
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(set.RefreshToken)); err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d wins", wins)
	}
}

func TestOfflineRefusals(t *testing.T) {
	svc, _ := newTestService(t)
	ctx := context.Background()
	for _, req := range []OfflineRequest{
		{Company: "nope"},
		{Company: "demo", User: "employee@demo.example", Scope: "user_session"},
		{Company: "demo", User: "admin@demo.example", Scope: "root"},
	} {
		if _, err := svc.MintOffline(ctx, req); err == nil {
			t.Errorf("%+v minted", req)
		}
	}
	company, err := svc.MintOffline(ctx, OfflineRequest{Company: "demo"})
	if err != nil || company.ExpiresIn != 2592000 {
		t.Fatalf("company set: %+v %v", company, err)
	}
	if _, err := svc.CreateUserTokens(ctx, company.AccessToken, "admin@demo.example", "user_session"); err != nil {
		t.Errorf("offline company token on E1: %v", err)
	}
	other := fixtures.Demo()
	other.Companies[0].ClientID = "other-client"
	svc.Reset(ctx, other)
	if _, err := svc.Validate(ctx, company.AccessToken); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("offline token accepted by a mock with other fixtures: %v", err)
	}
}

func TestBlocksRoundTrip(t *testing.T) {
	svc, _ := newTestService(t)
	svc.RunScenario(context.Background(), ScenarioIPNotAllowed, ScenarioRequest{Company: "demo"})
	svc.RunScenario(context.Background(), ScenarioUserDisabled, ScenarioRequest{Company: "demo", User: "admin@demo.example"})
	other, _ := newTestService(t)
	other.RestoreBlocks(svc.Blocks())
	if got := other.Blocks(); len(got) != 2 || got[0].Reason != ReasonIPNotAllowed || got[1].User != "admin@demo.example" {
		t.Fatalf("blocks = %+v", got)
	}
	if _, err := other.Validate(context.Background(), "demo-company-token"); !errors.Is(err, ErrIPNotAllowed) {
		t.Errorf("restored block not applied: %v", err)
	}
}

// TestAdoptedOfflineTokenSurvivesEviction: once a full store evicts the oldest families, an
// adopted offline refresh token must still be known as used, or it could be adopted again.
func TestAdoptedOfflineTokenSurvivesEviction(t *testing.T) {
	k, err := keys.FromPEM(fixtures.TestKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.New(func() time.Time { return start })
	clk.Freeze()
	svc, err := New(DefaultConfig(), store.NewMemory(store.Limits{MaxTokens: 8}), keys.NewSet(k), clk)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := svc.Reset(ctx, fixtures.Demo()); err != nil {
		t.Fatal(err)
	}
	set, err := svc.MintOffline(ctx, OfflineRequest{Company: "demo", User: "admin@demo.example", Scope: "user_session"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Refresh(ctx, store.KindUser, refreshReq(set.RefreshToken)); err != nil {
		t.Fatalf("adoption: %v", err)
	}
	for range 20 { // fills the store past its cap: the oldest families are evicted
		if _, err := svc.CreateUserTokens(ctx, "demo-company-token", "admin@demo.example", "user_session"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Refresh(ctx, store.KindUser, refreshReq(set.RefreshToken)); !errors.Is(err, ErrInvalidGrant) {
		t.Fatalf("the adopted offline refresh token was accepted again after eviction: %v", err)
	}
}
