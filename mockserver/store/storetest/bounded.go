package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// testResetGeneration: a reset starts a new generation: a token placed before it is told the
// new generation's secret (so its MAC fails), one placed after it is placed in the new one and
// alive; an offline token answers to no watermark; the secret survives other changes.
func testResetGeneration(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	old := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	if old.At.Gen != "gen-seed" {
		t.Errorf("placed in %q, want the seed's generation", old.At.Gen)
	}
	revokeSubject(e, User("admin@demo.example"), store.Revocation{At: T0, Reason: "password_reset"})
	if err := e.s.Reset(e.ctx, fixtures.Demo(), e.seed("two")); err != nil {
		t.Fatal(err)
	}
	if st, err := e.s.CheckAccess(e.ctx, old.claim()); err != nil || st.Gen != "gen-two" || !st.Revoked.Alive() {
		t.Errorf("a pre-reset token = %+v, %v; want the new generation and none of the old watermarks", st, err)
	}
	fresh := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	if fresh.At.Gen != "gen-two" || !e.check(fresh).Revoked.Alive() {
		t.Errorf("after the reset: placed %+v, state %+v; want generation gen-two, alive", fresh.At, e.check(fresh))
	}
	revokeSubject(e, User("admin@demo.example"), store.Revocation{At: T0, Reason: "password_reset"})
	offline := store.AccessClaim{Grant: User("admin@demo.example"), Family: "offline-x", Offline: true}
	if st, err := e.s.CheckAccess(e.ctx, offline); err != nil || !st.Revoked.Alive() || st.Gen != "gen-two" {
		t.Errorf("offline token = %+v, %v; want alive", st, err)
	}
}

// testWatermarks: a revocation kills the subject's access tokens issued before it, rotated ones
// included, and none issued after; a token answers with the earliest revocation that covers
// it; an offline token answers only to its family's revocation. E1's supersession of access
// tokens, however often, keeps one watermark.
func testWatermarks(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	admin := User("admin@demo.example")
	a := e.issue(admin, T0, store.IssueOptions{})
	a2 := e.rotate(e.rotation(a.Refresh.Hash, T0.Add(time.Minute)))
	reset := store.Revocation{At: T0.Add(time.Hour), Reason: "password_reset"}
	revokeSubject(e, admin, reset)
	b := e.issue(admin, T0.Add(2*time.Hour), store.IssueOptions{})
	other := store.Revocation{At: T0.Add(3 * time.Hour), Reason: "other_super_admin"}
	revokeSubject(e, admin, other)
	c := e.issue(admin, T0.Add(4*time.Hour), store.IssueOptions{})
	e.accessRevoked(a, "password_reset", reset.At)
	e.accessRevoked(a2, "password_reset", reset.At)
	e.accessRevoked(b, "other_super_admin", other.At)
	e.accessRevoked(c, "", other.At)
	offline := store.AccessClaim{Grant: admin, Family: "offline-y", Offline: true}
	if st, err := e.s.CheckAccess(e.ctx, offline); err != nil || !st.Revoked.Alive() {
		t.Errorf("offline token after revocations = %+v, %v; want alive", st, err)
	}
	before := e.stats().Revocations
	var last Placed
	for i := range 3 * Watermarks {
		last = e.issue(admin, T0.Add(5*time.Hour+time.Duration(i)*time.Second), store.IssueOptions{SupersedeRefresh: true, SupersedeAccess: true})
	}
	if got := e.stats().Revocations; got != before+1 {
		t.Errorf("revocations after repeated supersession = %d, want %d", got, before+1)
	}
	e.accessRevoked(b, "other_super_admin", other.At)
	e.accessRevoked(c, "superseded", T0.Add(5*time.Hour))
	e.accessRevoked(last, "", other.At)
	// With max_active_pairs instead, each issue evicts the previous family: the evictions make
	// one family watermark, and the scenarios' reasons are not pushed out.
	opts := store.IssueOptions{SupersedeRefresh: true, MaxFamilies: 1}
	for i := range 3 * Watermarks {
		last = e.issue(admin, T0.Add(6*time.Hour+time.Duration(i)*time.Second), opts)
	}
	if got := e.stats().Revocations; got != before+2 {
		t.Errorf("revocations after supersession with eviction = %d, want %d", got, before+2)
	}
	e.accessRevoked(a, "password_reset", reset.At)
	e.accessRevoked(b, "other_super_admin", other.At)
	e.accessRevoked(last, "", other.At)
	evicted := e.issue(admin, T0.Add(7*time.Hour), store.IssueOptions{SupersedeRefresh: true})
	e.issue(admin, T0.Add(7*time.Hour+time.Second), opts)
	e.accessRevoked(evicted, "evicted", T0.Add(6*time.Hour)) // the run's first eviction
}

func revokeSubject(e *env, g store.Grant, why store.Revocation) {
	e.t.Helper()
	if _, err := e.s.Revoke(e.ctx, store.Filter{CompanyID: g.CompanyID, Subject: g.Subject, Kind: g.Kind}, why); err != nil {
		e.t.Fatal(err)
	}
}

// testTombstoneRing: a used refresh token stays stored (a replay is ErrUsed) until Tombstones
// newer ones of its subject push it out; then it is unknown.
func testTombstoneRing(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	chain := []Placed{e.issue(User("admin@demo.example"), T0, store.IssueOptions{})}
	for i := range Tombstones + 1 {
		chain = append(chain, e.rotate(e.rotation(chain[i].Refresh.Hash, T0.Add(time.Duration(i+1)*time.Second))))
	}
	now := T0.Add(time.Hour)
	_, _, err := e.s.Rotate(e.ctx, e.rotation(chain[0].Refresh.Hash, now))
	wantErr(t, "replay of a tombstone pushed out of the ring", err, store.ErrNotFound)
	_, _, err = e.s.Rotate(e.ctx, e.rotation(chain[1].Refresh.Hash, now))
	wantErr(t, "replay of the oldest tombstone in the ring", err, store.ErrUsed)
	if st := e.stats(); st.Tombstones != Tombstones || st.RefreshTokens != Tombstones+2 {
		t.Errorf("Stats = %+v, want %d tombstones and the live token (and the seed's)", st, Tombstones)
	}
}

// testPinnedTombstone: a refresh token issued with KeepTombstone stays stored once used, however
// many tombstones follow it, so it can never be adopted again.
func testPinnedTombstone(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	pinned := e.pair(User("admin@demo.example"), T0)
	if _, err := e.s.Issue(e.ctx, pinned, store.IssueOptions{KeepTombstone: true}); err != nil {
		t.Fatal(err)
	}
	hash := pinned.Refresh.Hash
	for i := range Tombstones + 2 {
		hash = e.rotate(e.rotation(hash, T0.Add(time.Duration(i+1)*time.Second))).Refresh.Hash
	}
	_, _, err := e.s.Rotate(e.ctx, e.rotation(pinned.Refresh.Hash, T0.Add(time.Hour)))
	wantErr(t, "replay of the pinned token", err, store.ErrUsed)
}

// testRevokedFamiliesCap: families revoked on reuse are listed up to RevokedFamilies per subject;
// the oldest past it is folded into a family watermark, so it stays dead, and so does every
// older family of the subject (refresh token included); newer families live.
func testRevokedFamiliesCap(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	admin := User("admin@demo.example")
	innocent := e.issue(admin, T0, store.IssueOptions{})
	var revoked []Placed
	for i := range RevokedFamilies + 1 {
		at := T0.Add(time.Duration(i+1) * time.Minute)
		p := e.issue(admin, at, store.IssueOptions{})
		e.rotate(e.rotation(p.Refresh.Hash, at))
		replay := e.rotation(p.Refresh.Hash, at.Add(time.Second))
		replay.RevokeFamilyOnReuse = true
		if _, _, err := e.s.Rotate(e.ctx, replay); !errors.Is(err, store.ErrUsed) {
			t.Fatalf("replay %d: %v", i, err)
		}
		revoked = append(revoked, p)
	}
	first := revoked[0]
	firstAt := T0.Add(time.Minute + time.Second)
	e.accessRevoked(first, "reuse", firstAt)
	e.accessRevoked(innocent, "reuse", firstAt)
	e.refreshRevoked(innocent.Refresh.Hash, "reuse", firstAt)
	e.accessRevoked(revoked[1], "reuse", T0.Add(2*time.Minute+time.Second))
	if got := e.stats().Revocations; got != RevokedFamilies+1 {
		t.Errorf("revocations = %d, want %d listed and one watermark", got, RevokedFamilies+1)
	}
	fresh := e.issue(admin, T0.Add(time.Hour), store.IssueOptions{})
	e.accessRevoked(fresh, "", T0)
}

// testBounded: many issues and rotations for a few subjects, in each profile, leave the store
// holding what the subjects and limits allow, not what was issued.
func testBounded(t *testing.T, newStore NewStore) {
	profiles := []struct {
		name  string
		opts  store.IssueOptions
		grace time.Duration
		reuse bool
	}{
		{"default", store.IssueOptions{SupersedeRefresh: true}, 0, false},
		{"kill old access, max pairs", store.IssueOptions{SupersedeRefresh: true, SupersedeAccess: true, MaxFamilies: 3}, 0, false},
		{"grace", store.IssueOptions{SupersedeRefresh: true}, time.Hour, false},
		{"family revoked on reuse", store.IssueOptions{SupersedeRefresh: true}, 0, true},
	}
	for _, pr := range profiles {
		t.Run(pr.name, func(t *testing.T) {
			e := start(t, newStore)
			const users, rounds = 3, 40
			churn(e, users, rounds, pr.opts, pr.grace, pr.reuse)
			st := e.stats()
			if st.RefreshTokens > 1+users*(Tombstones+2) || st.Recent > users*store.DefaultRecentFamilies ||
				st.Revocations > users*(Watermarks*2+RevokedFamilies) || st.Families > 2+users*(Tombstones+2) {
				t.Errorf("after %d issues and %d rotations for %d users: %+v", users*rounds, users*rounds*3, users, st)
			}
		})
	}
}

// churn runs rounds of E1 then three refreshes (each presenting the previous token again, a
// replay) for each of users subjects, a second apart.
func churn(e *env, users, rounds int, opts store.IssueOptions, grace time.Duration, reuse bool) {
	e.t.Helper()
	at := T0
	for range rounds {
		for u := range users {
			at = at.Add(time.Second)
			g := User(fmt.Sprintf("user%d@demo.example", u))
			hash := e.issue(g, at, opts).Refresh.Hash
			for range 3 {
				at = at.Add(time.Second)
				r := e.rotationFor(g, hash, at)
				r.Grace, r.RevokeFamilyOnReuse = grace, reuse
				old, _, err := e.s.Rotate(e.ctx, r)
				if err != nil {
					break // revoked by a replay: E1 starts a new chain next round
				}
				replay := e.rotationFor(g, old.Hash, at.Add(grace))
				replay.RevokeFamilyOnReuse = reuse
				_, _, _ = e.s.Rotate(e.ctx, replay)
				hash = r.Next.Refresh.Hash
			}
		}
	}
}
