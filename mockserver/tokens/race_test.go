package tokens

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// Races between issuing and killing tokens wholesale. Whatever the interleaving, a token that
// an invalidation or a reset should have killed must not be alive afterwards: the tests record
// every token set handed out while the race runs and check each one once it is over.

// admins is a fixture set whose company has n Super Admins (one refresh chain each) and the
// given company access token.
func admins(n int, companyToken string) *fixtures.Set {
	c := fixtures.Company{ID: "demo", Name: "Demo", ClientID: "demo-client", ClientSecret: "demo-secret",
		AccessTokens: []string{companyToken}}
	for i := range n {
		c.Users = append(c.Users, fixtures.User{Email: fmt.Sprintf("admin%d@demo.example", i), SuperAdmin: true})
	}
	return &fixtures.Set{Companies: []fixtures.Company{c}}
}

// issued collects every token set handed out during a race.
type issued struct {
	mu   sync.Mutex
	sets []TokenSet
	wins atomic.Int64
}

func (is *issued) add(s TokenSet) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.sets = append(is.sets, s)
	is.wins.Add(1)
}

// chain creates user i's tokens and refreshes them until refused or stopped.
func chain(svc *Service, i int, is *issued, stop <-chan struct{}) {
	set, err := svc.CreateUserTokens(context.Background(), "demo-company-token", fmt.Sprintf("admin%d@demo.example", i), "user_session")
	for err == nil {
		is.add(set)
		select {
		case <-stop:
			return
		default:
		}
		set, err = svc.Refresh(context.Background(), store.KindUser, refreshReq(set.RefreshToken))
	}
}

// creator calls E1 for user i until refused or stopped.
func creator(svc *Service, i int, is *issued, stop <-chan struct{}) {
	for {
		set, err := svc.CreateUserTokens(context.Background(), "demo-company-token", fmt.Sprintf("admin%d@demo.example", i), "user_session")
		if err != nil {
			return
		}
		is.add(set)
		select {
		case <-stop:
			return
		default:
		}
	}
}

// race runs chains and creators for users 0..n-1, calls kill once some tokens were handed out,
// and returns everything issued.
func race(t *testing.T, svc *Service, n int, kill func()) *issued {
	t.Helper()
	is, stop := &issued{}, make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(2)
		go func() { defer wg.Done(); chain(svc, i, is, stop) }()
		go func() { defer wg.Done(); creator(svc, n+i, is, stop) }()
	}
	deadline := time.Now().Add(30 * time.Second) // a safety stop, not a timing assertion
	for is.wins.Load() < int64(2*n) {
		if time.Now().After(deadline) {
			t.Fatal("the race never got going: no tokens issued")
		}
		runtime.Gosched()
	}
	kill()
	close(stop)
	wg.Wait()
	return is
}

// allDead checks that no access token of the race authenticates and no refresh token rotates.
func allDead(t *testing.T, svc *Service, is *issued) {
	t.Helper()
	alive := 0
	for _, s := range is.sets {
		if _, err := svc.Authenticate(context.Background(), s.AccessToken, ""); err == nil {
			alive++
		}
		if _, err := svc.Refresh(context.Background(), store.KindUser, refreshReq(s.RefreshToken)); err == nil {
			alive++
		}
	}
	if alive > 0 {
		t.Errorf("%d tokens of %d sets alive after the kill", alive, len(is.sets))
	}
}

func raceService(t *testing.T, n int) *Service {
	t.Helper()
	svc, _ := newTestService(t)
	if err := svc.Reset(context.Background(), admins(2*n, "demo-company-token")); err != nil {
		t.Fatal(err)
	}
	return svc
}

// TestIssuingRacingPasswordResetLeavesNothingAlive: E1 and E2 run while the company's Super
// Admin "resets their password" (every company token dies, the company token included).
func TestIssuingRacingPasswordResetLeavesNothingAlive(t *testing.T) {
	for round := range 10 {
		svc := raceService(t, 4)
		is := race(t, svc, 4, func() {
			if _, err := svc.RunScenario(context.Background(), ScenarioPasswordReset, ScenarioRequest{Company: "demo"}); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("round %d: %d sets issued during the race", round, len(is.sets))
		allDead(t, svc, is)
	}
}

// TestIssuingRacingResetLeavesNothingAlive: E1 and E2 run while the state is reset to fixtures
// whose company token is a new one, so nothing issued before the reset may live on.
func TestIssuingRacingResetLeavesNothingAlive(t *testing.T) {
	for round := range 10 {
		svc := raceService(t, 4)
		is := race(t, svc, 4, func() {
			if err := svc.Reset(context.Background(), admins(8, "new-company-token")); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("round %d: %d sets issued during the race", round, len(is.sets))
		allDead(t, svc, is)
	}
}
