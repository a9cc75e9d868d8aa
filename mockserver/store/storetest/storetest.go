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
	t.Run("FamilyRefresh", func(t *testing.T) { testFamilyRefresh(t, newStore) })
	t.Run("Revoke", func(t *testing.T) { testRevoke(t, newStore) })
	t.Run("Prune", func(t *testing.T) { testPrune(t, newStore) })
	t.Run("Stats", func(t *testing.T) { testStats(t, newStore) })
	t.Run("Inspector", func(t *testing.T) { testInspector(t, newStore) })
	t.Run("Shared", func(t *testing.T) { testShared(t, newStore) })
	t.Run("Persistent", func(t *testing.T) { testPersistent(t, newStore) })
}

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

// issue stores a new pair for g at at and fails the test on error.
func (e *env) issue(g store.Grant, at time.Time, opts store.IssueOptions) store.Pair {
	e.t.Helper()
	p := e.pair(g, at)
	if err := e.s.Issue(e.ctx, p, opts); err != nil {
		e.t.Fatalf("Issue: %v", err)
	}
	return p
}

// rotation presents p's refresh token at now with a fresh successor.
func (e *env) rotation(hash string, now time.Time) store.Rotation {
	next := e.pair(User("admin@demo.example"), now)
	return store.Rotation{Hash: hash, ClientID: "demo-client", Kind: store.KindUser, Now: now, Next: next}
}

func (e *env) refresh(hash string) store.RefreshToken {
	e.t.Helper()
	r, err := e.s.Refresh(e.ctx, hash)
	if err != nil {
		e.t.Fatalf("Refresh(%s): %v", hash, err)
	}
	return r
}

func (e *env) access(id string) store.AccessToken {
	e.t.Helper()
	a, err := e.s.Access(e.ctx, id)
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
