package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// pair builds the i-th token pair of a family for grant g.
func pair(g Grant, family string, i int) Pair {
	return Pair{
		Access:  AccessToken{ID: fmt.Sprintf("%s-a%d", family, i), Family: family, Grant: g, IssuedAt: t0, ExpiresAt: t0.Add(360 * time.Hour)},
		Refresh: RefreshToken{Hash: fmt.Sprintf("%s-r%d", family, i), Family: family, Grant: g, IssuedAt: t0, ExpiresAt: t0.Add(720 * time.Hour)},
	}
}

var userGrant = Grant{Kind: KindUser, CompanyID: "demo", Subject: "admin@demo.example", ClientID: "demo-client", Scope: "user_session"}

func newMemory(b testing.TB, limits Limits) *Memory {
	m := NewMemory(limits)
	if err := m.Reset(context.Background(), fixtures.Demo(), Seed{}); err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkIssueSameSubject is E1 for one user after `prior` earlier E1s for that user (E1
// supersedes the user's earlier families): the cost of an issue as a long test run goes on.
// (Measured once with 50000 prior: 11 ms an issue, under the store lock, before state was
// bounded per subject; see BENCHMARKS.md.)
func BenchmarkIssueSameSubject(b *testing.B) {
	for _, prior := range []int{0, 1000, 5000} {
		b.Run(fmt.Sprintf("prior=%d", prior), func(b *testing.B) {
			m := newMemory(b, Limits{})
			opts := IssueOptions{SupersedeRefresh: true}
			for i := range prior {
				_, _ = m.Issue(context.Background(), pair(userGrant, fmt.Sprintf("f%d", i), 0), opts)
			}
			i := prior
			for b.Loop() {
				_, _ = m.Issue(context.Background(), pair(userGrant, fmt.Sprintf("f%d", i), 0), opts)
				i++
			}
		})
	}
}

// BenchmarkRotate is E2's store step on a chain.
func BenchmarkRotate(b *testing.B) {
	m := newMemory(b, Limits{})
	_, _ = m.Issue(context.Background(), pair(userGrant, "chain", 0), IssueOptions{})
	i := 0
	for b.Loop() {
		next := pair(userGrant, "chain", i+1)
		if _, _, err := m.Rotate(context.Background(), Rotation{Hash: fmt.Sprintf("chain-r%d", i), ClientID: "demo-client", Kind: KindUser, Now: t0, Next: next}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
