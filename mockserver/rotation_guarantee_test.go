package mockserver

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/filestore"
	"github.com/plummock/plummock/mockserver/store/redisstore"
	"github.com/plummock/plummock/mockserver/store/redistest"
	"github.com/plummock/plummock/mockserver/store/storetest"
)

// The central promise, attacked over HTTP on every store: a used refresh token never works
// twice, whatever the clock does and however many requests race for it.

// storeKind opens a fresh store of one kind for a test; tag keeps stores that share one Redis
// apart (a key prefix each). redisURL, for the Redis kinds, is a server replicas can share.
type storeKind struct {
	name     string
	open     func(t *testing.T, tag string) store.Store
	redisURL func(t *testing.T) string
}

// everyStore is memory, file, miniredis and a real redis-server (the last only with
// PLUMMOCK_REDIS_INTEGRATION=1; its subtests skip with the reason otherwise). The redis-server
// is started once per test and shared through key prefixes.
func everyStore(t *testing.T) []storeKind {
	t.Helper()
	var srv *redistest.Server
	if os.Getenv(redistest.EnvVar) == "1" {
		srv = redistest.Start(t)
	}
	kinds := []storeKind{
		{name: "memory", open: func(*testing.T, string) store.Store { return store.NewMemory(store.Limits{}) }},
		{name: "file", open: func(t *testing.T, _ string) store.Store {
			f, err := filestore.OpenFile(filepath.Join(t.TempDir(), "state.db"), store.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = f.Close() })
			return f
		}},
		{name: "miniredis", redisURL: func(t *testing.T) string { return "redis://" + miniredis.RunT(t).Addr() + "/0" }},
		{name: "redis-server", redisURL: func(t *testing.T) string {
			redistest.Require(t) // skips, with the reason, unless srv was started
			return srv.URL()
		}},
	}
	for i := range kinds {
		if u := kinds[i].redisURL; u != nil {
			kinds[i].open = func(t *testing.T, tag string) store.Store { return openRedisStore(t, u(t), tag) }
		}
	}
	return kinds
}

// openRedisStore opens a Redis store on url under prefix tag, closed when the test ends. Its
// operations may take up to 30 s (miniredis under the race detector on a busy machine is slow):
// these tests check outcomes, not deadlines; TestStalledRedisIsBoundedAndLoggedOnce checks
// the default deadline.
func openRedisStore(t *testing.T, url, tag string) *redisstore.Redis {
	t.Helper()
	st, err := redisstore.Open(t.Context(), url, redisstore.Options{Prefix: "plummock:" + tag + ":", OpTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// mockOn starts a mock on st whose clock reads real as the wall clock (replicas given clocks
// that differ stand for hosts whose clocks differ).
func mockOn(t *testing.T, st store.Store, real func() time.Time) string {
	t.Helper()
	srv, err := New(Options{Strict: true, Store: st, Clock: clock.New(real)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

func fixedTime(at time.Time) func() time.Time { return func() time.Time { return at } }

// TestRotatedTokenNeverWorksAgainUnderClockMoves: after a refresh, the presented token is
// refused as "already used" when the mock's clock is then set back (by a second or a day) or
// reset, on every store; with revoke_family_on_reuse the replay also kills the successor.
func TestRotatedTokenNeverWorksAgainUnderClockMoves(t *testing.T) {
	moves := map[string]func(t *testing.T, base string){
		"set back 1s": func(t *testing.T, base string) { setClock(t, base, testStart.Add(48*time.Hour-time.Second)) },
		"set back 1d": func(t *testing.T, base string) { setClock(t, base, testStart.Add(24*time.Hour)) },
		"reset":       func(t *testing.T, base string) { adminOK(t, base, "/clock/reset", nil) },
	}
	for _, sk := range everyStore(t) {
		for move, apply := range moves {
			for _, revoke := range []bool{false, true} {
				name := fmt.Sprintf("%s/%s/revoke=%v", sk.name, move, revoke)
				t.Run(name, func(t *testing.T) {
					base := mockOn(t, sk.open(t, t.Name()), fixedTime(testStart))
					adminOK(t, base, "/clock/advance", map[string]string{"duration": "48h"})
					if revoke {
						if r := admin(t, base, "PUT", "/profile", map[string]any{"revoke_family_on_reuse": true}); r.status != 200 {
							t.Fatalf("profile: %d %s", r.status, r.raw)
						}
					}
					first := createUser(t, base)
					next := refreshOK(t, base, first.str("refresh_token"))
					apply(t, base)
					replay := call(t, "POST", base+pathUser, nil, refreshBody(first.str("refresh_token")))
					wantError(t, replay, http.StatusBadRequest, "invalid_grant")
					if d := replay.str("error_description"); d != "refresh token already used" {
						t.Errorf("replay: error_description %q, want %q", d, "refresh token already used")
					}
					if revoke {
						wantError(t, call(t, "POST", base+pathUser, nil, refreshBody(next.str("refresh_token"))), 400, "invalid_grant")
					}
				})
			}
		}
	}
}

func setClock(t *testing.T, base string, at time.Time) {
	t.Helper()
	adminOK(t, base, "/clock/set", map[string]string{"time": at.Format(time.RFC3339Nano)})
}

func adminOK(t *testing.T, base, path string, body any) {
	t.Helper()
	if r := admin(t, base, "POST", path, body); r.status != http.StatusOK {
		t.Fatalf("POST /__admin%s: %d %s", path, r.status, r.raw)
	}
}

func refreshOK(t *testing.T, base, refresh string) reply {
	t.Helper()
	r := call(t, "POST", base+pathUser, nil, refreshBody(refresh))
	if r.status != http.StatusOK {
		t.Fatalf("refresh: %d %s", r.status, r.raw)
	}
	return r
}

// TestRefreshRaceExactlyOneWinnerEveryStore: N simultaneous refreshes with one token, N in
// {2, 10, 50, 200}, on every store, some trials each: exactly one 200, N-1 invalid_grant.
func TestRefreshRaceExactlyOneWinnerEveryStore(t *testing.T) {
	for _, sk := range everyStore(t) {
		for _, n := range []int{2, 10, 50, 200} {
			t.Run(fmt.Sprintf("%s/%d", sk.name, n), func(t *testing.T) {
				skipSlow(t, sk, n)
				base := mockOn(t, sk.open(t, t.Name()), fixedTime(testStart))
				for trial := range trials(n) {
					refresh := createUser(t, base).str("refresh_token")
					raceRefresh(t, []string{base}, n, refresh, trial)
				}
			})
		}
	}
}

// TestRefreshRaceAcrossReplicasAtASecondBoundary: two replicas on one Redis whose host clocks
// differ by a second, one reading X.999999999 and the other a second earlier (the mock truncates
// to whole seconds, so their requests carry X and X-1). N refreshes with one token, spread over
// both: exactly one winner in every trial, whichever replica's request commits first.
func TestRefreshRaceAcrossReplicasAtASecondBoundary(t *testing.T) {
	x := testStart.Add(time.Second - time.Nanosecond)
	for _, sk := range everyStore(t)[2:] { // the Redis stores: the ones replicas share
		for _, n := range []int{2, 10, 50, 200} {
			t.Run(fmt.Sprintf("%s/%d", sk.name, n), func(t *testing.T) {
				skipSlow(t, sk, n)
				url := sk.redisURL(t)
				a := mockOn(t, openRedisStore(t, url, t.Name()), fixedTime(x))
				b := mockOn(t, openRedisStore(t, url, t.Name()), fixedTime(x.Add(-time.Second)))
				for trial := range 1 + trials(n) {
					refresh := createUser(t, a).str("refresh_token")
					raceRefresh(t, []string{a, b}, n, refresh, trial)
				}
			})
		}
	}
}

// trials is how many races of n requests a test runs: fewer of the big ones, which take the
// most time (the store-level suite runs N=200 on every store, three trials each).
func trials(n int) int {
	if n >= 200 {
		return 1
	}
	return 2
}

// skipSlow keeps the suite fast: over HTTP, N=200 runs only on the real redis-server (the
// replicas' case). The store-level suite runs N=200 on every store, and the tokens package on
// two services sharing a memory or file store.
func skipSlow(t *testing.T, sk storeKind, n int) {
	if n >= 200 && sk.name != "redis-server" {
		t.Skipf("N=200 over HTTP runs on the real redis-server; %s runs it at store level", sk.name)
	}
}

// raceRefresh sends n refreshes with one token at once, round-robin over the replicas' base
// URLs, and fails unless exactly one gets a new set and every other invalid_grant.
func raceRefresh(t *testing.T, bases []string, n int, refresh string, trial int) {
	t.Helper()
	replies := storetest.AtOnce(n, func(i int) reply {
		return call(t, "POST", bases[i%len(bases)]+pathUser, nil, refreshBody(refresh))
	})
	counts := map[string]int{}
	for _, r := range replies {
		counts[fmt.Sprintf("%d %s", r.status, r.str("error"))]++
	}
	if counts["200 "] != 1 || counts["400 invalid_grant"] != n-1 {
		t.Fatalf("trial %d, N=%d: outcomes %v, want exactly one 200", trial, n, counts)
	}
}
