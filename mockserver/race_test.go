package mockserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/journal"
	"github.com/plummock/plummock/mockserver/tokens"
)

// Concurrency over HTTP; run under -race (CI does), these also prove there is no data race.

// TestRefreshRaceOverHTTPForEachN: of N simultaneous refreshes with one token exactly one gets a
// new set, N-1 get invalid_grant, none a 5xx, and the store holds exactly one successor.
func TestRefreshRaceOverHTTPForEachN(t *testing.T) {
	for _, n := range []int{2, 10, 50, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			ts, srv := newTest(t)
			set := createUser(t, ts.URL)
			before, _ := srv.opts.Store.Stats(context.Background())
			replies := make(chan reply, n)
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					replies <- call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token")))
				}()
			}
			wg.Wait()
			close(replies)
			var winner reply
			counts := map[string]int{}
			for r := range replies {
				counts[fmt.Sprintf("%d %s", r.status, r.str("error"))]++
				if r.status == http.StatusOK {
					winner = r
				}
			}
			if counts["200 "] != 1 || counts["400 invalid_grant"] != n-1 {
				t.Fatalf("outcomes: %v", counts)
			}
			after, _ := srv.opts.Store.Stats(context.Background())
			// One successor refresh token; the presented one became a tombstone (access tokens
			// have no record: their claims carry what validation needs).
			if after.RefreshTokens != before.RefreshTokens+1 || after.Tombstones != before.Tombstones+1 {
				t.Errorf("store %+v -> %+v: want exactly one successor pair", before, after)
			}
			if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(winner.str("refresh_token"))); r.status != http.StatusOK {
				t.Errorf("the successor does not refresh: %s", r.raw)
			}
		})
	}
}

// manyAdmins is the demo data with n Super Admins, so n refresh chains can run at once.
func manyAdmins(n int) func(*Options) {
	return func(o *Options) {
		set := fixtures.Demo()
		for i := range n {
			set.Companies[0].Users = append(set.Companies[0].Users, fixtures.User{Email: fmt.Sprintf("admin%d@demo.example", i), SuperAdmin: true})
		}
		o.Fixtures = set
	}
}

func createFor(t *testing.T, base, email string) reply {
	t.Helper()
	r := call(t, "POST", base+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": email, "scope": "user_session"})
	if r.status != http.StatusOK {
		t.Fatalf("create %s: %d %s", email, r.status, r.raw)
	}
	return r
}

// TestRefreshRacingAdminResetLeavesNothingAlive: chains refresh while POST /__admin/reset runs
// between them. No call gets a 5xx, and afterwards every set handed out is dead.
func TestRefreshRacingAdminResetLeavesNothingAlive(t *testing.T) {
	ts, _ := newTest(t, manyAdmins(8))
	var mu sync.Mutex
	var sets []reply
	var fiveXX, wins atomic.Int64
	var wg sync.WaitGroup
	firsts := make([]reply, 8)
	for i := range firsts {
		firsts[i] = createFor(t, ts.URL, fmt.Sprintf("admin%d@demo.example", i))
	}
	sets = append(sets, firsts...)
	for _, first := range firsts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cur := first; ; {
				r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(cur.str("refresh_token")))
				if r.status >= 500 {
					fiveXX.Add(1)
				}
				if r.status != http.StatusOK {
					return
				}
				wins.Add(1)
				mu.Lock()
				sets = append(sets, r)
				mu.Unlock()
				cur = r
			}
		}()
	}
	for wins.Load() < 8 {
		call(t, "GET", ts.URL+"/__admin/health", nil, nil) // let the chains get going
	}
	for range 3 {
		if r := call(t, "POST", ts.URL+"/__admin/reset", nil, nil); r.status != http.StatusOK {
			t.Fatalf("reset: %d %s", r.status, r.raw)
		}
	}
	wg.Wait()
	if fiveXX.Load() > 0 {
		t.Errorf("%d answers were 5xx", fiveXX.Load())
	}
	for _, s := range sets {
		wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(s.str("access_token")), nil), 401, "invalid_token")
		wantError(t, call(t, "POST", ts.URL+pathUser, nil, refreshBody(s.str("refresh_token"))), 400, "invalid_grant")
	}
	t.Logf("%d sets issued before the reset, all dead after it", len(sets))
}

// TestClientDisconnectMidRefreshIsAllOrNothing cancels refreshes at many points of their flight.
// Each time the rotation happened completely (old token used, exactly one live successor in
// the family) or not at all (old token still refreshes).
func TestClientDisconnectMidRefreshIsAllOrNothing(t *testing.T) {
	ts, srv := newTest(t)
	rt := createUser(t, ts.URL).str("refresh_token")
	ctx := context.Background()
	rotated, seen := 0, 1 // the journal holds the E1 already
	for i := range 40 {
		reqCtx, cancel := context.WithCancel(ctx)
		req, _ := http.NewRequestWithContext(reqCtx, "POST", ts.URL+pathUser, strings.NewReader(refreshJSON("refresh_token", rt, "demo-client", "demo-secret")))
		req.Header.Set("Content-Type", "application/json")
		done := make(chan struct{})
		go func() {
			defer close(done)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		for range i % 8 { // cut the request off at a different point each time
			call(t, "GET", ts.URL+"/__admin/health", nil, nil)
		}
		cancel()
		<-done
		seen = settle(srv, seen)
		old, err := srv.opts.Store.LookupRefresh(ctx, tokens.HashToken(rt))
		if err != nil {
			t.Fatalf("round %d: the presented token vanished: %v", i, err)
		}
		if old.UsedAt.IsZero() {
			continue // not rotated: the same token goes on (and is proven to work below)
		}
		next, err := srv.opts.Store.FamilyRefresh(ctx, old.Family)
		if err != nil || next.Hash == old.Hash || !next.UsedAt.IsZero() {
			t.Fatalf("round %d: rotated without a live successor: %+v %v", i, next, err)
		}
		// The successor's value went to a client that hung up: start a new chain to go on.
		rotated++
		rt = createUser(t, ts.URL).str("refresh_token")
		seen++ // that E1
	}
	t.Logf("of 40 refreshes cut off, %d rotated completely, %d not at all", rotated, 40-rotated)
	if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(rt)); r.status != http.StatusOK {
		t.Fatalf("the surviving token does not refresh: %s", r.raw)
	}
}

// settle waits until the server has finished one more API call than seen (the journal records
// a call when its handler returns), or briefly, for a request the client cut off before it
// arrived: a client's cancel returns at once, while the server may still be rotating. It
// returns the journal's count.
func settle(srv *Server, seen int) int {
	deadline := time.Now().Add(500 * time.Millisecond)
	for {
		n := len(srv.journal.List(journal.Filter{}))
		if n > seen || !time.Now().Before(deadline) {
			return n
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestMixedStormWithAdminCalls sends every kind of call at once, good and bad, with clock moves
// and resets in between: no answer is a 5xx.
func TestMixedStormWithAdminCalls(t *testing.T) {
	ts, _ := newTest(t, manyAdmins(4))
	var fiveXX atomic.Int64
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				if r := stormCall(t, ts.URL, w, i); r.status >= 500 {
					fiveXX.Add(1)
					t.Errorf("%d %s", r.status, r.raw)
				}
			}
		}()
	}
	wg.Wait()
	if fiveXX.Load() > 0 {
		t.Fatalf("%d answers were 5xx", fiveXX.Load())
	}
}

// stormCall is worker w's i-th call: E1, E2, E4, E8, a bad body, a forged token, or an admin
// call, in an order that differs per worker.
func stormCall(t *testing.T, base string, w, i int) reply {
	email := fmt.Sprintf("admin%d@demo.example", w%4)
	switch (w + i) % 9 {
	case 0, 1:
		return call(t, "POST", base+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": email, "scope": "user_session"})
	case 2:
		set := call(t, "POST", base+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": email, "scope": "user_session"})
		return call(t, "POST", base+pathUser, nil, refreshBody(set.str("refresh_token")))
	case 3:
		set := call(t, "POST", base+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": email, "scope": "user_session"})
		return call(t, "GET", base+pathValidate, bearer(set.str("access_token")), nil)
	case 4:
		set := call(t, "POST", base+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": email, "scope": "user_session"})
		return call(t, "POST", base+pathAPI, bearer(set.str("access_token")), map[string]any{"query": balanceQuery,
			"variables": map[string]any{"user_data": map[string]string{"email": email}}})
	case 5:
		return sendRaw(t, "POST", base+pathUser, jsonOnly, `{"grant_type":"refresh_token","refresh_token":`)
	case 6:
		return call(t, "GET", base+pathValidate, bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), nil)
	case 7:
		return call(t, "POST", base+"/__admin/clock/advance", nil, map[string]string{"duration": "1h"})
	default:
		if i%3 == 0 {
			return call(t, "POST", base+"/__admin/reset", nil, nil)
		}
		return call(t, "GET", base+"/__admin/clock", nil, nil)
	}
}
