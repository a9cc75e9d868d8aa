package redisstore_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/redisstore"
	"github.com/plummock/plummock/mockserver/store/redistest"
	"github.com/plummock/plummock/mockserver/store/storetest"
)

// openRedis returns a Redis store on url, closed when the test ends. Its operations may take
// up to 30 s: hundreds of scripts at once through miniredis under the race detector on a busy
// machine can take more than the default second, and these tests check rules, not deadlines
// (TestStalledRedisIsBoundedAndLoggedOnce checks the default).
func openRedis(t *testing.T, url, prefix string) *redisstore.Redis {
	t.Helper()
	r, err := redisstore.Open(t.Context(), url, redisstore.Options{Prefix: prefix, OpTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func TestRedisConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openRedis(t, "redis://"+miniredis.RunT(t).Addr()+"/0", "")
	})
}

// TestRedisServerConformance runs the suite on a real redis-server (one server, a key prefix
// per test): the Lua scripts must behave there exactly as in miniredis.
func TestRedisServerConformance(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, func(t *testing.T) store.Store { return openRedis(t, srv.URL(), t.Name()+":") })
}

// TestRedisOutage: with Redis gone every operation is ErrUnavailable; when it returns the store
// works again without being reopened.
func TestRedisOutage(t *testing.T) {
	mr := miniredis.RunT(t)
	r := openRedis(t, "redis://"+mr.Addr()+"/0", "")
	ctx := t.Context()
	if err := r.Reset(ctx, fixtures.Demo(), store.Seed{}); err != nil {
		t.Fatal(err)
	}
	mr.Close()
	if _, err := r.Fixtures(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Fixtures with Redis down: err = %v, want store.ErrUnavailable", err)
	}
	if _, err := r.SharedVersions(ctx, "clock"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("SharedVersions with Redis down: err = %v, want store.ErrUnavailable", err)
	}
	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	if set, err := r.Fixtures(ctx); err != nil || set.Companies[0].ID != "demo" {
		t.Errorf("Fixtures after Redis returned = %v, %v", set, err)
	}
}

// TestRedisResetDropsOldGeneration: after a reset no key of the old state is left.
func TestRedisResetDropsOldGeneration(t *testing.T) {
	mr := miniredis.RunT(t)
	r := openRedis(t, "redis://"+mr.Addr()+"/0", "")
	ctx := t.Context()
	for range 2 {
		if err := r.Reset(ctx, fixtures.Demo(), store.Seed{Refresh: []store.RefreshToken{{Hash: "h", Family: "f",
			Grant: storetest.Company("demo"), IssuedAt: storetest.T0, ExpiresAt: storetest.T0.Add(time.Hour)}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range mr.Keys() {
		if len(k) > 11 && k[:11] == "plummock:1:" {
			t.Errorf("key %q of the old generation survived the reset", k)
		}
	}
	if ttl := mr.TTL("plummock:2:r:h"); ttl <= time.Hour || ttl > 25*time.Hour {
		t.Errorf("record TTL = %v, want its lifetime plus the margin", ttl)
	}
}

// TestRedisOlderLayoutIsNotKept: a database an older plummock reset (no layout key) is not
// state this version can use: the mock starts afresh, and its reset marks the layout.
func TestRedisOlderLayoutIsNotKept(t *testing.T) {
	mr := miniredis.RunT(t)
	r := openRedis(t, "redis://"+mr.Addr()+"/0", "")
	if err := mr.Set("plummock:gen", "3"); err != nil {
		t.Fatal(err)
	}
	if has, err := r.HasState(t.Context()); err != nil || has {
		t.Errorf("HasState on an older layout = %v, %v; want false", has, err)
	}
	if err := r.Reset(t.Context(), fixtures.Demo(), store.Seed{Gen: "g"}); err != nil {
		t.Fatal(err)
	}
	if has, err := r.HasState(t.Context()); err != nil || !has {
		t.Errorf("HasState after a reset = %v, %v; want true", has, err)
	}
}

// TestRedisPruneAfterTTLs: with the mock's clock standing still while real time passes, Redis
// drops expired records by TTL before the mock prunes them; a prune must still forget their
// families, tombstones and index entries, or the state would grow without bound.
func TestRedisPruneAfterTTLs(t *testing.T) {
	mr := miniredis.RunT(t)
	r := openRedis(t, "redis://"+mr.Addr()+"/0", "")
	ctx := t.Context()
	if err := r.Reset(ctx, fixtures.Demo(), store.Seed{Gen: "g1"}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g := storetest.User("admin@demo.example")
	for i := range 50 {
		fam, at := fmt.Sprintf("fam-%d", i), t0.Add(time.Duration(i)*time.Second)
		p := store.Pair{
			Access:  store.AccessToken{ID: fmt.Sprintf("jti-%d", i), Family: fam, Grant: g, IssuedAt: at, ExpiresAt: at.Add(time.Hour)},
			Refresh: store.RefreshToken{Hash: fmt.Sprintf("hash-%d", i), Family: fam, Grant: g, IssuedAt: at, ExpiresAt: at.Add(time.Hour)},
		}
		if _, err := r.Issue(ctx, p, store.IssueOptions{SupersedeRefresh: true}); err != nil {
			t.Fatal(err)
		}
	}
	mr.FastForward(26 * time.Hour) // past every record's TTL (expiry plus a day's margin)
	if _, err := r.Prune(ctx, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st, err := r.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.RefreshTokens != 0 || st.Families != 0 || st.Tombstones != 0 {
		t.Errorf("after the TTLs and a prune: %+v, want no refresh token, family or tombstone left", st)
	}
}

// TestRedisResetIfEmptySeedsOnce: of many concurrent seeds of an empty Redis exactly one
// seeds; on a store that holds state none does.
func TestRedisResetIfEmptySeedsOnce(t *testing.T) {
	mr := miniredis.RunT(t)
	r := openRedis(t, "redis://"+mr.Addr()+"/0", "")
	ctx := t.Context()
	if err := r.Reset(ctx, fixtures.Demo(), store.Seed{Gen: "g0"}); err != nil {
		t.Fatal(err)
	}
	if seeded, err := r.ResetIfEmpty(ctx, fixtures.Demo(), store.Seed{Gen: "g1"}); err != nil || seeded {
		t.Fatalf("ResetIfEmpty on a store with state = %v, %v; want false", seeded, err)
	}
	mr.FlushAll()
	const n = 20
	seeded := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			if seeded[i], err = r.ResetIfEmpty(ctx, fixtures.Demo(), store.Seed{Gen: fmt.Sprint("g", i)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := slices.Index(seeded, true); got < 0 || slices.Contains(seeded[got+1:], true) {
		t.Errorf("seeded = %v, want exactly one true", seeded)
	}
	if gen, _ := mr.Get("plummock:gen"); gen != "1" {
		t.Errorf("generation after the seeds = %q, want 1 (one reset)", gen)
	}
}
