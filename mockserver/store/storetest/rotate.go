package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testRotate walks CheckRotation's rule through the store, boundaries included: every store
// must apply it exactly, inside its atomic step.
func testRotate(t *testing.T, newStore NewStore) {
	used := T0.Add(time.Hour) // when the token is first rotated, in the cases that need it
	cases := []struct {
		name    string
		prepare func(e *env, hash string) // e.g. a first rotation or a revocation
		edit    func(r *store.Rotation)
		want    error
	}{
		{"success", nil, nil, nil},
		{"unknown", nil, func(r *store.Rotation) { r.Hash = "nope" }, store.ErrNotFound},
		{"wrong client", nil, func(r *store.Rotation) { r.ClientID = "other-client" }, store.ErrWrongClient},
		{"wrong kind", nil, func(r *store.Rotation) { r.Kind = store.KindCompany }, store.ErrWrongKind},
		{"at expiry", nil, func(r *store.Rotation) { r.Now = T0.Add(RefreshTTL) }, store.ErrExpired},
		{"just before expiry", nil, func(r *store.Rotation) { r.Now = T0.Add(RefreshTTL - time.Nanosecond) }, nil},
		{"revoked", revoke, nil, store.ErrRevoked},
		{"used", rotateAt(used), nil, store.ErrUsed},
		{"used, inside grace", rotateAt(used), func(r *store.Rotation) { r.Grace = 2 * time.Hour }, nil},
		{"used, grace just over", rotateAt(used), func(r *store.Rotation) { r.Grace = time.Hour }, store.ErrUsed},
		{"used, grace 1ns left", rotateAt(used), func(r *store.Rotation) { r.Grace = time.Hour + time.Nanosecond }, nil},
		// "Used" is a fact of the token: a clock set back before the use changes nothing.
		{"used, clock set back before the use", rotateAt(used), func(r *store.Rotation) { r.Now = T0 }, store.ErrUsed},
		{"used, clock set back 1ns", rotateAt(used), func(r *store.Rotation) { r.Now = used.Add(-time.Nanosecond) }, store.ErrUsed},
		{"used, at the use's instant", rotateAt(used), func(r *store.Rotation) { r.Now = used }, store.ErrUsed},
		{"used, clock set back, grace", rotateAt(used), func(r *store.Rotation) { r.Now, r.Grace = T0, 24*time.Hour }, store.ErrUsed},
		{"used, at the use's instant, grace", rotateAt(used), func(r *store.Rotation) { r.Now, r.Grace = used, time.Second }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, newStore)
			p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
			if tc.prepare != nil {
				tc.prepare(e, p.Refresh.Hash)
			}
			r := e.rotation(p.Refresh.Hash, T0.Add(2*time.Hour))
			if tc.edit != nil {
				tc.edit(&r)
			}
			old, at, err := e.s.Rotate(e.ctx, r)
			wantErr(t, "Rotate", err, tc.want)
			if tc.want == nil && err == nil {
				checkRotated(e, p, r, old, at)
			}
		})
	}
}

// checkRotated: the old token is marked used (at its first use only), the successor is stored
// in the old token's family, its access token placed after the family's first, alive, and the
// returned token is the old one.
func checkRotated(e *env, p Placed, r store.Rotation, old store.RefreshToken, at store.Issued) {
	e.t.Helper()
	if old.Hash != p.Refresh.Hash {
		e.t.Errorf("Rotate returned %q, want the presented token %q", old.Hash, p.Refresh.Hash)
	}
	after := e.refresh(p.Refresh.Hash)
	if after.UsedAt.IsZero() || after.UsedAt.After(r.Now) || !after.Revoked.Alive() {
		e.t.Errorf("presented token after rotation = %+v, want used by %v and not revoked", after, r.Now)
	}
	want := r.Next
	want.Refresh.Family, want.Access.Family = p.Refresh.Family, p.Refresh.Family
	sameRefresh(e.t, e.refresh(want.Refresh.Hash), want.Refresh)
	if at.Gen != p.At.Gen || at.FamilySeq != p.At.FamilySeq || at.Seq <= p.At.Seq {
		e.t.Errorf("successor placed at %+v, want after %+v in the same family", at, p.At)
	}
	if st := e.check(Placed{Pair: want, At: at}); !st.Revoked.Alive() || !st.RefreshExpiry.Equal(want.Refresh.ExpiresAt) {
		e.t.Errorf("successor's access = %+v, want alive with the successor's refresh expiry", st)
	}
}

func revoke(e *env, _ string) {
	if _, err := e.s.Revoke(e.ctx, store.Filter{CompanyID: "demo", Subject: "admin@demo.example"}, store.Revocation{At: T0, Reason: "password_reset"}); err != nil {
		e.t.Fatal(err)
	}
}

func rotateAt(at time.Time) func(e *env, hash string) {
	return func(e *env, hash string) {
		e.t.Helper()
		if _, _, err := e.s.Rotate(e.ctx, e.rotation(hash, at)); err != nil {
			e.t.Fatalf("first rotation: %v", err)
		}
	}
}

// testRotateReuse: with RevokeFamilyOnReuse a replayed token kills its whole family, successors
// included; other families live on. Within the grace it is no reuse and kills nothing.
func testRotateReuse(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	other := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	first := e.rotate(e.rotation(p.Refresh.Hash, T0.Add(time.Minute)))
	inGraceRot := e.rotation(p.Refresh.Hash, T0.Add(2*time.Minute))
	inGraceRot.Grace, inGraceRot.RevokeFamilyOnReuse = time.Hour, true
	inGrace := e.rotate(inGraceRot)
	e.refreshRevoked(first.Refresh.Hash, "", T0)
	replay := e.rotation(p.Refresh.Hash, T0.Add(3*time.Hour))
	replay.RevokeFamilyOnReuse = true
	_, _, err := e.s.Rotate(e.ctx, replay)
	wantErr(t, "replay", err, store.ErrUsed)
	at := replay.Now
	for _, q := range []Placed{p, first, inGrace} {
		e.refreshRevoked(q.Refresh.Hash, "reuse", at)
		e.accessRevoked(q, "reuse", at)
	}
	if _, err := e.s.LookupRefresh(e.ctx, replay.Next.Refresh.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refused rotation's successor was stored (err %v)", err)
	}
	e.refreshRevoked(other.Refresh.Hash, "", at)
	e.accessRevoked(other, "", at)
	later := e.issue(User("admin@demo.example"), at.Add(time.Minute), store.IssueOptions{})
	e.accessRevoked(later, "", at)
}

// testRotateConcurrent: of 100 concurrent rotations of one token exactly one wins; the others
// see it used, and only the winner's successor is stored.
func testRotateConcurrent(t *testing.T, newStore NewStore) {
	const n = 100
	e := start(t, newStore)
	p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	rots := make([]store.Rotation, n)
	for i := range rots {
		rots[i] = e.rotation(p.Refresh.Hash, T0.Add(time.Minute))
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range rots {
		wg.Go(func() { _, _, errs[i] = e.s.Rotate(e.ctx, rots[i]) })
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("rotations %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrUsed):
			t.Errorf("rotation %d: err = %v, want ErrUsed", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no rotation won")
	}
	got, err := e.s.FamilyRefresh(e.ctx, p.Refresh.Family)
	if err != nil || got.Hash != rots[winner].Next.Refresh.Hash {
		t.Errorf("FamilyRefresh = %q, %v; want the winner's successor %q", got.Hash, err, rots[winner].Next.Refresh.Hash)
	}
	if st := e.stats(); st.RefreshTokens != 3 || st.Tombstones != 1 {
		t.Errorf("Stats = %+v, want seed + issued (a tombstone) + one successor", st)
	}
}
