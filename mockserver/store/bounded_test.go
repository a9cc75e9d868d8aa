package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The memory store's bounds, seen acting: no sequence of writes grows it past MaxTokens, expired
// records go at the next prune, and 200 000 issues and rotations for a handful of users leave
// it holding what the users and limits allow.

func stats(t *testing.T, m *Memory) Stats {
	t.Helper()
	st, err := m.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func issue(t *testing.T, m *Memory, p Pair, opts IssueOptions) Issued {
	t.Helper()
	at, err := m.Issue(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestMaxTokensIsNeverExceeded(t *testing.T) {
	m := newMemory(t, Limits{MaxTokens: 100, PruneEvery: 1 << 30})
	for i := range 1000 {
		g := userGrant
		g.Subject = fmt.Sprintf("user%d@demo.example", i) // a family each, none expired
		issue(t, m, pair(g, fmt.Sprintf("f%d", i), 0), IssueOptions{})
		if st := stats(t, m); st.RefreshTokens+st.AccessTokens > 100 {
			t.Fatalf("after %d issues: %+v", i+1, st)
		}
	}
	// The newest family survived eviction (the oldest go first).
	if _, err := m.LookupRefresh(context.Background(), "f999-r0"); err != nil {
		t.Errorf("newest family evicted: %v", err)
	}
	if _, err := m.LookupRefresh(context.Background(), "f0-r0"); err != ErrNotFound {
		t.Errorf("oldest family kept: %v", err)
	}
}

func TestExpiredRecordsArePrunedEveryPruneEveryWrites(t *testing.T) {
	m := newMemory(t, Limits{PruneEvery: 10})
	for i := range 20 {
		g := userGrant
		g.Subject = fmt.Sprintf("user%d@demo.example", i)
		issue(t, m, pair(g, fmt.Sprintf("old%d", i), 0), IssueOptions{})
	}
	later := t0.Add(721 * time.Hour) // past both lifetimes of every pair above
	g := userGrant
	g.Subject = "other@demo.example"
	for i := range 12 { // enough writes to pass PruneEvery
		p := pair(g, fmt.Sprintf("new%d", i), 0)
		p.Access.IssuedAt, p.Access.ExpiresAt = later, later.Add(time.Hour)
		p.Refresh.IssuedAt, p.Refresh.ExpiresAt = later, later.Add(time.Hour)
		issue(t, m, p, IssueOptions{})
	}
	st := stats(t, m)
	if st.RefreshTokens != 12 || st.Families != 12 || st.Recent != 12 {
		t.Errorf("after the prune: %+v, want only the 12 live pairs", st)
	}
}

// TestFixtureTokensSurviveEviction: a load past the cap evicts issued families, never the
// fixture tokens, or every E1 would answer 401 until a reset.
func TestFixtureTokensSurviveEviction(t *testing.T) {
	m := NewMemory(Limits{MaxTokens: 100, PruneEvery: 1 << 30})
	company := Grant{Kind: KindCompany, CompanyID: "demo", Subject: "demo", ClientID: "demo-client"}
	seed := Seed{
		Access:  []AccessToken{{ID: "static:fixture", Family: "fixture-a", Grant: company, IssuedAt: t0, ExpiresAt: t0.Add(720 * time.Hour)}},
		Refresh: []RefreshToken{{Hash: "fixture-refresh", Family: "fixture-r", Grant: company, IssuedAt: t0, ExpiresAt: t0.Add(1440 * time.Hour)}},
	}
	if err := m.Reset(context.Background(), nil, seed); err != nil {
		t.Fatal(err)
	}
	for i := range 500 {
		g := userGrant
		g.Subject = fmt.Sprintf("user%d@demo.example", i)
		issue(t, m, pair(g, fmt.Sprintf("f%d", i), 0), IssueOptions{})
	}
	if _, err := m.LookupAccess(context.Background(), "static:fixture"); err != nil {
		t.Errorf("fixture access token evicted: %v", err)
	}
	if _, err := m.LookupRefresh(context.Background(), "fixture-refresh"); err != nil {
		t.Errorf("fixture refresh token evicted: %v", err)
	}
	if st := stats(t, m); st.RefreshTokens+st.AccessTokens > 100 {
		t.Errorf("cap exceeded: %+v", st)
	}
}

// TestStateIsBoundedBySubjectsNotIssues: 200 000 token sets for five users — E1s (each
// superseding the user's refresh token), rotations and replays, in the default profile and
// with every option that keeps more state — leave the store's every count bounded by the
// users and the limits; the latest set still works and an early one is dead or forgotten.
func TestStateIsBoundedBySubjectsNotIssues(t *testing.T) {
	const users, sets = 5, 200_000
	for _, opts := range []IssueOptions{{SupersedeRefresh: true}, {SupersedeRefresh: true, SupersedeAccess: true, MaxFamilies: 10}} {
		m := newMemory(t, Limits{})
		var first, last [users]chainEnd
		for i := range sets / users / 4 { // each round: one E1 and three rotations a user
			for u := range users {
				end := churnOne(t, m, u, i, opts)
				if i == 0 {
					first[u] = end
				}
				last[u] = end
			}
		}
		st := stats(t, m)
		limit := Stats{RefreshTokens: users * (DefaultTombstones + 1), Families: users * (DefaultTombstones + 1),
			Tombstones: users * DefaultTombstones, Recent: users * DefaultRecentFamilies, Revocations: users * 2 * DefaultWatermarks}
		if st.RefreshTokens > limit.RefreshTokens || st.Families > limit.Families || st.Tombstones > limit.Tombstones ||
			st.Recent > limit.Recent || st.Revocations > limit.Revocations || st.AccessTokens != 0 {
			t.Errorf("%+v: after %d token sets: %+v, over %+v", opts, sets, st, limit)
		}
		for u := range users {
			if s, err := m.CheckAccess(context.Background(), last[u].claim); err != nil || !s.Revoked.Alive() || s.RefreshExpiry.IsZero() {
				t.Errorf("user %d's latest access token: %+v, %v", u, s, err)
			}
			if _, err := m.LookupRefresh(context.Background(), first[u].refresh); err != ErrNotFound {
				t.Errorf("user %d's first refresh token still stored: %v", u, err)
			}
		}
	}
}

// chainEnd is the latest token set of a chain: its access token's claim and its refresh hash.
type chainEnd struct {
	claim   AccessClaim
	refresh string
}

// churnOne is one E1 and three rotations, each followed by a replay of the used token.
func churnOne(t *testing.T, m *Memory, u, round int, opts IssueOptions) chainEnd {
	t.Helper()
	g := userGrant
	g.Subject = fmt.Sprintf("user%d@demo.example", u)
	at := t0.Add(time.Duration(round) * time.Second)
	fam := fmt.Sprintf("u%d-%d", u, round)
	p := pair(g, fam, 0)
	placed := issue(t, m, p, opts)
	end := chainEnd{claim: AccessClaim{Grant: g, Family: fam, Seq: placed.Seq, FamilySeq: placed.FamilySeq}, refresh: p.Refresh.Hash}
	for i := 1; i <= 3; i++ {
		next := pair(g, fam, i)
		_, placed, err := m.Rotate(context.Background(), Rotation{Hash: end.refresh, ClientID: "demo-client", Kind: KindUser, Now: at, Next: next})
		if err != nil {
			t.Fatalf("rotation: %v", err)
		}
		if _, _, err := m.Rotate(context.Background(), Rotation{Hash: end.refresh, ClientID: "demo-client", Kind: KindUser, Now: at}); err != ErrUsed {
			t.Fatalf("replay: %v, want ErrUsed", err)
		}
		end = chainEnd{claim: AccessClaim{Grant: g, Family: fam, Seq: placed.Seq, FamilySeq: placed.FamilySeq}, refresh: next.Refresh.Hash}
	}
	return end
}
