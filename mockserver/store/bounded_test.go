package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The memory store's caps, seen acting: no sequence of writes grows it past MaxTokens, expired
// records go at the next prune, and a used refresh token (the tombstone that recognises a
// replay) is kept exactly as long as it could still be presented: until its own expiry.

func stats(t *testing.T, m *Memory) Stats {
	t.Helper()
	st, err := m.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestMaxTokensIsNeverExceeded(t *testing.T) {
	m := newMemory(t, Limits{MaxTokens: 100, PruneEvery: 1 << 30})
	for i := range 1000 {
		g := userGrant
		g.Subject = fmt.Sprintf("user%d@demo.example", i) // a family each, none expired
		if err := m.Issue(context.Background(), pair(g, fmt.Sprintf("f%d", i), 0), IssueOptions{}); err != nil {
			t.Fatal(err)
		}
		if st := stats(t, m); st.RefreshTokens+st.AccessTokens > 100+2 {
			t.Fatalf("after %d issues: %+v", i+1, st)
		}
	}
	st := stats(t, m)
	if st.Families == 0 || st.Families > 51 {
		t.Errorf("families %+v", st)
	}
	// The newest family survived eviction (the oldest go first).
	if _, err := m.Refresh(context.Background(), "f999-r0"); err != nil {
		t.Errorf("newest family evicted: %v", err)
	}
	if _, err := m.Refresh(context.Background(), "f0-r0"); err != ErrNotFound {
		t.Errorf("oldest family kept: %v", err)
	}
}

func TestExpiredRecordsArePrunedEveryPruneEveryWrites(t *testing.T) {
	m := newMemory(t, Limits{PruneEvery: 10})
	for i := range 20 {
		_ = m.Issue(context.Background(), pair(userGrant, fmt.Sprintf("old%d", i), 0), IssueOptions{})
	}
	later := t0.Add(721 * time.Hour) // past both lifetimes of every pair above
	g := userGrant
	g.Subject = "other@demo.example"
	for i := range 12 { // enough writes to pass PruneEvery
		p := pair(g, fmt.Sprintf("new%d", i), 0)
		p.Access.IssuedAt, p.Access.ExpiresAt = later, later.Add(time.Hour)
		p.Refresh.IssuedAt, p.Refresh.ExpiresAt = later, later.Add(time.Hour)
		_ = m.Issue(context.Background(), p, IssueOptions{})
	}
	st := stats(t, m)
	if st.RefreshTokens != 12 || st.AccessTokens != 12 || st.Families != 12 {
		t.Errorf("after the prune: %+v, want only the 12 live pairs", st)
	}
}

func TestUsedTokenIsKeptUntilItsExpiryThenDropped(t *testing.T) {
	m := newMemory(t, Limits{})
	_ = m.Issue(context.Background(), pair(userGrant, "c", 0), IssueOptions{})
	next := pair(userGrant, "c", 1)
	next.Refresh.ExpiresAt = t0.Add(2000 * time.Hour)
	next.Access.ExpiresAt = t0.Add(2000 * time.Hour)
	if _, err := m.Rotate(context.Background(), Rotation{Hash: "c-r0", ClientID: "demo-client", Kind: KindUser, Now: t0, Next: next}); err != nil {
		t.Fatal(err)
	}
	replay := Rotation{Hash: "c-r0", ClientID: "demo-client", Kind: KindUser, Now: t0.Add(time.Hour)}
	if _, err := m.Rotate(context.Background(), replay); err != ErrUsed {
		t.Fatalf("replay within the lifetime: %v, want ErrUsed (the tombstone)", err)
	}
	if n, _ := m.Prune(context.Background(), t0.Add(720*time.Hour)); n != 2 {
		t.Errorf("pruned %d records at the first pair's expiry, want its refresh and access token", n)
	}
	if _, err := m.Refresh(context.Background(), "c-r0"); err != ErrNotFound {
		t.Errorf("tombstone kept past its expiry: %v", err)
	}
	if _, err := m.Refresh(context.Background(), "c-r1"); err != nil {
		t.Errorf("the live successor was pruned: %v", err)
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
		_ = m.Issue(context.Background(), pair(g, fmt.Sprintf("f%d", i), 0), IssueOptions{})
	}
	if _, err := m.Access(context.Background(), "static:fixture"); err != nil {
		t.Errorf("fixture access token evicted: %v", err)
	}
	if _, err := m.Refresh(context.Background(), "fixture-refresh"); err != nil {
		t.Errorf("fixture refresh token evicted: %v", err)
	}
	if st := stats(t, m); st.RefreshTokens+st.AccessTokens > 102 {
		t.Errorf("cap exceeded: %+v", st)
	}
}
