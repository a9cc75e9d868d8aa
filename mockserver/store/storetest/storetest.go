// Package storetest is the conformance suite every store.Store must pass: written once and run
// against the memory, file and Redis stores (the pattern of testing/fstest.TestFS), so the
// stores cannot drift apart on rotation, supersession, revocation, reset or pruning.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// T0 is the time the suite's tokens are issued at: a fixed instant, never the wall clock.
var T0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Lifetimes the suite issues with (Plum's user lifetimes).
const (
	AccessTTL  = 15 * 24 * time.Hour
	RefreshTTL = 30 * 24 * time.Hour
)

// NewStore returns an empty store that the test owns (it registers its own cleanup).
type NewStore func(t *testing.T) store.Store

// Run runs the whole suite against stores made by newStore.
func Run(t *testing.T, newStore NewStore) {
	t.Run("Reset", func(t *testing.T) { testReset(t, newStore) })
	t.Run("Issue", func(t *testing.T) { testIssue(t, newStore) })
	t.Run("Supersede", func(t *testing.T) { testSupersede(t, newStore) })
	t.Run("MaxFamilies", func(t *testing.T) { testMaxFamilies(t, newStore) })
	t.Run("MaxFamiliesCountsWorkingAccess", func(t *testing.T) { testMaxFamiliesCountsWorkingAccess(t, newStore) })
	t.Run("Rotate", func(t *testing.T) { testRotate(t, newStore) })
	t.Run("RotateReuse", func(t *testing.T) { testRotateReuse(t, newStore) })
	t.Run("RotateConcurrent", func(t *testing.T) { testRotateConcurrent(t, newStore) })
	t.Run("RotateClockBack", func(t *testing.T) { testRotateClockBack(t, newStore) })
	t.Run("RotateRaceEachN", func(t *testing.T) { testRotateRaceEachN(t, newStore) })
	t.Run("FamilyRefresh", func(t *testing.T) { testFamilyRefresh(t, newStore) })
	t.Run("Revoke", func(t *testing.T) { testRevoke(t, newStore) })
	t.Run("Prune", func(t *testing.T) { testPrune(t, newStore) })
	t.Run("Stats", func(t *testing.T) { testStats(t, newStore) })
	t.Run("Inspector", func(t *testing.T) { testInspector(t, newStore) })
	t.Run("Shared", func(t *testing.T) { testShared(t, newStore) })
	t.Run("Persistent", func(t *testing.T) { testPersistent(t, newStore) })
	t.Run("ResetGeneration", func(t *testing.T) { testResetGeneration(t, newStore) })
	t.Run("Watermarks", func(t *testing.T) { testWatermarks(t, newStore) })
	t.Run("TombstoneRing", func(t *testing.T) { testTombstoneRing(t, newStore) })
	t.Run("PinnedTombstone", func(t *testing.T) { testPinnedTombstone(t, newStore) })
	t.Run("RevokedFamiliesCap", func(t *testing.T) { testRevokedFamiliesCap(t, newStore) })
	t.Run("Bounded", func(t *testing.T) { testBounded(t, newStore) })
}

// The limits the suite's stores must be built with (store.Limits' defaults): the suite checks
// the rules at these numbers.
const (
	Tombstones      = store.DefaultTombstones
	RevokedFamilies = store.DefaultRevokedFamilies
	Watermarks      = store.DefaultWatermarks
)

// env is one test's store and the counter it names tokens with.
type env struct {
	t   *testing.T
	ctx context.Context
	s   store.Store
	n   int
}

// start returns a store reset to the demo fixtures with one seed refresh and access token.
func start(t *testing.T, newStore NewStore) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), s: newStore(t)}
	if err := e.s.Reset(e.ctx, fixtures.Demo(), e.seed("seed")); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	return e
}

// seed is a company seed: one refresh and one access token, each a family of its own.
func (e *env) seed(tag string) store.Seed {
	g := Company("demo")
	return store.Seed{
		Gen:     "gen-" + tag,
		Refresh: []store.RefreshToken{{Hash: tag + "-refresh", Family: tag + "-f1", Grant: g, IssuedAt: T0, ExpiresAt: T0.Add(60 * 24 * time.Hour)}},
		Access:  []store.AccessToken{{ID: tag + "-access", Family: tag + "-f2", Grant: g, IssuedAt: T0, ExpiresAt: T0.Add(30 * 24 * time.Hour)}},
	}
}

// User is a user grant of company "demo" for the demo client.
func User(email string) store.Grant {
	return store.Grant{Kind: store.KindUser, CompanyID: "demo", Subject: email, ClientID: "demo-client", Scope: "user_session"}
}

// Company is a company grant for the demo client.
func Company(id string) store.Grant {
	return store.Grant{Kind: store.KindCompany, CompanyID: id, Subject: id, ClientID: "demo-client"}
}

// pair makes a fresh pair for g issued at at, in a new family, with the suite's lifetimes.
func (e *env) pair(g store.Grant, at time.Time) store.Pair {
	e.n++
	fam := fmt.Sprintf("fam-%d", e.n)
	return store.Pair{
		Access:  store.AccessToken{ID: fmt.Sprintf("jti-%d", e.n), Family: fam, Grant: g, IssuedAt: at, ExpiresAt: at.Add(AccessTTL)},
		Refresh: store.RefreshToken{Hash: fmt.Sprintf("hash-%d", e.n), Family: fam, Grant: g, IssuedAt: at, ExpiresAt: at.Add(RefreshTTL)},
	}
}

// Placed is an issued pair and where the store placed its access token.
type Placed struct {
	store.Pair
	At store.Issued
}

// claim is what the pair's access token would say about itself.
func (p Placed) claim() store.AccessClaim {
	return store.AccessClaim{Grant: p.Access.Grant, Family: p.Access.Family, Seq: p.At.Seq, FamilySeq: p.At.FamilySeq}
}

// issue stores a new pair for g at at and fails the test on error.
func (e *env) issue(g store.Grant, at time.Time, opts store.IssueOptions) Placed {
	e.t.Helper()
	p := e.pair(g, at)
	placed, err := e.s.Issue(e.ctx, p, opts)
	if err != nil {
		e.t.Fatalf("Issue: %v", err)
	}
	return Placed{Pair: p, At: placed}
}

// rotation presents an admin's refresh token at now with a fresh successor.
func (e *env) rotation(hash string, now time.Time) store.Rotation {
	return e.rotationFor(User("admin@demo.example"), hash, now)
}

// rotationFor presents g's refresh token at now with a fresh successor.
func (e *env) rotationFor(g store.Grant, hash string, now time.Time) store.Rotation {
	next := e.pair(g, now)
	return store.Rotation{Hash: hash, ClientID: "demo-client", Kind: store.KindUser, Now: now, Next: next}
}

// rotate runs r, which must succeed, and returns the successor as placed.
func (e *env) rotate(r store.Rotation) Placed {
	e.t.Helper()
	old, at, err := e.s.Rotate(e.ctx, r)
	if err != nil {
		e.t.Fatalf("Rotate: %v", err)
	}
	next := r.Next
	next.Refresh.Family, next.Access.Family = old.Family, old.Family
	return Placed{Pair: next, At: at}
}

// check is what the store says of p's access token.
func (e *env) check(p Placed) store.AccessState {
	e.t.Helper()
	st, err := e.s.CheckAccess(e.ctx, p.claim())
	if err != nil {
		e.t.Fatalf("CheckAccess(%s): %v", p.Access.ID, err)
	}
	if st.Gen != p.At.Gen {
		e.t.Errorf("CheckAccess(%s): generation %q, want the one it was placed in, %q", p.Access.ID, st.Gen, p.At.Gen)
	}
	return st
}

func (e *env) refresh(hash string) store.RefreshToken {
	e.t.Helper()
	r, err := e.s.LookupRefresh(e.ctx, hash)
	if err != nil {
		e.t.Fatalf("Refresh(%s): %v", hash, err)
	}
	return r
}

func (e *env) access(id string) store.AccessToken {
	e.t.Helper()
	a, err := e.s.LookupAccess(e.ctx, id)
	if err != nil {
		e.t.Fatalf("Access(%s): %v", id, err)
	}
	return a
}

func (e *env) stats() store.Stats {
	e.t.Helper()
	st, err := e.s.Stats(e.ctx)
	if err != nil {
		e.t.Fatalf("Stats: %v", err)
	}
	return st
}
