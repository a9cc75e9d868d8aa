package tokens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// TestServiceStateIsBoundedByUsers drives the domain as the soak does — for each of three Super
// Admins, rounds of E1, two refreshes and a replay of the used token — and checks that every
// answer is what it always was while the store holds what the users allow, not what was issued:
// the latest set validates with its refresh expiry, a fresh replay is "already used", and the
// first refresh token, long pushed out of its user's tombstone ring, is unknown.
func TestServiceStateIsBoundedByUsers(t *testing.T) {
	svc, clk := newTestService(t)
	ctx := context.Background()
	set := fixtures.Demo()
	users := []string{"admin@demo.example", "boss1@demo.example", "boss2@demo.example"}
	for _, u := range users[1:] {
		set.Companies[0].Users = append(set.Companies[0].Users, fixtures.User{Email: u, SuperAdmin: true})
	}
	if err := svc.Reset(ctx, set); err != nil {
		t.Fatal(err)
	}
	const rounds = 60 // 3 dead refresh tokens a round: three times the ring
	first := map[string]string{}
	for r := range rounds {
		clk.Advance(time.Minute)
		for _, u := range users {
			latest := soakRound(t, svc, u)
			if r == 0 {
				first[u] = latest.used
			}
			v, err := svc.Validate(ctx, latest.set.AccessToken)
			if err != nil || !v.RefreshExpiry.Equal(latest.set.RefreshExpiry) {
				t.Fatalf("round %d, %s: latest set validates as %+v, %v", r, u, v, err)
			}
		}
	}
	st, _ := svc.store.Stats(ctx)
	n := len(users)
	if st.RefreshTokens > 2+n*(store.DefaultTombstones+1) || st.Tombstones > n*store.DefaultTombstones ||
		st.Recent > n*store.DefaultRecentFamilies || st.Revocations != 0 || st.AccessTokens != 2 { // the demo fixtures seed two company pairs
		t.Errorf("after %d token sets for %d users: %+v", rounds*3*n, n, st)
	}
	for _, u := range users {
		_, err := svc.Refresh(ctx, store.KindUser, refreshReq(first[u]))
		if !errors.Is(err, ErrInvalidGrant) || !strings.Contains(err.Error(), "unknown refresh token") {
			t.Errorf("%s's first used token, out of the ring: %v", u, err)
		}
	}
}

// soakEnd is a round's latest set and the refresh token it replaced.
type soakEnd struct {
	set  TokenSet
	used string
}

// soakRound is one E1, two refreshes and a replay (answered "already used").
func soakRound(t *testing.T, svc *Service, user string) soakEnd {
	t.Helper()
	ctx := context.Background()
	cur, err := svc.CreateUserTokens(ctx, "demo-company-token", user, "user_session")
	if err != nil {
		t.Fatal(err)
	}
	var used string
	for range 2 {
		next, err := svc.Refresh(ctx, store.KindUser, refreshReq(cur.RefreshToken))
		if err != nil {
			t.Fatal(err)
		}
		used, cur = cur.RefreshToken, next
	}
	_, err = svc.Refresh(ctx, store.KindUser, refreshReq(used))
	if !errors.Is(err, ErrInvalidGrant) || !strings.Contains(err.Error(), "already used") {
		t.Fatal(fmt.Errorf("replay of %s's used token: %w", user, err))
	}
	return soakEnd{set: cur, used: used}
}
