package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// sameRefresh fails unless got is want as stored (times compared as instants).
func sameRefresh(t *testing.T, got, want store.RefreshToken) {
	t.Helper()
	if got.Hash != want.Hash || got.Family != want.Family || got.Grant != want.Grant ||
		!got.IssuedAt.Equal(want.IssuedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		!got.UsedAt.Equal(want.UsedAt) || !sameRevocation(got.Revoked, want.Revoked) {
		t.Errorf("refresh token:\n got %+v\nwant %+v", got, want)
	}
}

// sameAccess fails unless got is want as stored.
func sameAccess(t *testing.T, got, want store.AccessToken) {
	t.Helper()
	if got.ID != want.ID || got.Family != want.Family || got.Grant != want.Grant ||
		!got.IssuedAt.Equal(want.IssuedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) ||
		!sameRevocation(got.Revoked, want.Revoked) {
		t.Errorf("access token:\n got %+v\nwant %+v", got, want)
	}
}

func sameRevocation(a, b store.Revocation) bool { return a.Reason == b.Reason && a.At.Equal(b.At) }

// wantErr fails unless err is want (nil for success).
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Errorf("%s: err = %v, want %v", what, err, want)
	}
}

// revokedFor fails unless the refresh token is revoked with reason at at.
func (e *env) refreshRevoked(hash, reason string, at time.Time) {
	e.t.Helper()
	r := e.refresh(hash)
	if r.Revoked.Reason != reason || (reason != "" && !r.Revoked.At.Equal(at)) {
		e.t.Errorf("refresh %s revoked = %+v, want %q at %v", hash, r.Revoked, reason, at)
	}
}

// accessRevoked fails unless the pair's access token is revoked with reason ("" = alive).
func (e *env) accessRevoked(p Placed, reason string, at time.Time) {
	e.t.Helper()
	got := e.check(p).Revoked
	if got.Reason != reason || (reason != "" && !got.At.Equal(at)) {
		e.t.Errorf("access %s revoked = %+v, want %q at %v", p.Access.ID, got, reason, at)
	}
}

// staticRevoked fails unless the fixture access token is revoked with reason ("" = alive).
func (e *env) staticRevoked(id, reason string, at time.Time) {
	e.t.Helper()
	a := e.access(id)
	if a.Revoked.Reason != reason || (reason != "" && !a.Revoked.At.Equal(at)) {
		e.t.Errorf("access %s revoked = %+v, want %q at %v", id, a.Revoked, reason, at)
	}
}
