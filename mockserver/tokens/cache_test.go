package tokens

import (
	"context"
	"fmt"
	"github.com/plummock/plummock/fixtures"
	"testing"
)

// TestVerifyCacheIsCapped: the cache never holds more than its cap; past it, it starts afresh.
func TestVerifyCacheIsCapped(t *testing.T) {
	c := newVerifyCache(4)
	for i := range 10 {
		c.put(fmt.Sprint(i), &verified{claims: &Claims{}})
		if n := len(c.items); n > 4 {
			t.Fatalf("after %d puts the cache holds %d", i+1, n)
		}
	}
	if _, ok := c.get("9"); !ok {
		t.Error("the newest entry is missing")
	}
}

// TestVerifyCacheHoldsOnlyVerifiedTokens: a forged token is never cached, and a reset empties
// the cache (so a reset cannot leave a verified claim set behind).
func TestVerifyCacheHoldsOnlyVerifiedTokens(t *testing.T) {
	svc, _ := newTestService(t)
	set := mustCreate(t, svc)
	if _, err := svc.Authenticate(context.Background(), set.AccessToken, ""); err != nil {
		t.Fatal(err)
	}
	forged := set.AccessToken[:len(set.AccessToken)-4] + "AAAA"
	if _, err := svc.Authenticate(context.Background(), forged, ""); err == nil {
		t.Fatal("forged token accepted")
	}
	if _, ok := svc.cache.get(forged); ok {
		t.Error("forged token cached")
	}
	if _, ok := svc.cache.get(set.AccessToken); !ok {
		t.Error("verified token not cached")
	}
	if err := svc.Reset(context.Background(), svc.mustFixtures(t)); err != nil {
		t.Fatal(err)
	}
	if _, ok := svc.cache.get(set.AccessToken); ok {
		t.Error("cache survived a reset")
	}
}

func (s *Service) mustFixtures(t *testing.T) *fixtures.Set {
	t.Helper()
	set, err := s.Fixtures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return set
}
