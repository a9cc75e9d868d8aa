package storetest

import (
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testIssue: an issued pair reads back exactly; unknown ids are ErrNotFound.
func testIssue(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	sameRefresh(t, e.refresh(p.Refresh.Hash), p.Refresh)
	sameAccess(t, e.access(p.Access.ID), p.Access)
	_, err := e.s.Refresh(e.ctx, "no-such-hash")
	wantErr(t, "Refresh(unknown)", err, store.ErrNotFound)
	_, err = e.s.Access(e.ctx, "no-such-id")
	wantErr(t, "Access(unknown)", err, store.ErrNotFound)
}

// testSupersede: E1's rules kill the subject's earlier refresh (and optionally access) tokens,
// and no one else's.
func testSupersede(t *testing.T, newStore NewStore) {
	cases := []struct {
		name       string
		opts       store.IssueOptions
		oldRefresh string
		oldAccess  string
	}{
		{"nothing", store.IssueOptions{}, "", ""},
		{"refresh", store.IssueOptions{SupersedeRefresh: true}, "superseded", ""},
		{"refresh and access", store.IssueOptions{SupersedeRefresh: true, SupersedeAccess: true}, "superseded", "superseded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, newStore)
			admin, other := User("admin@demo.example"), User("other@demo.example")
			old := e.issue(admin, T0, store.IssueOptions{})
			bystander := e.issue(other, T0, store.IssueOptions{})
			at := T0.Add(time.Minute)
			fresh := e.issue(admin, at, tc.opts)
			e.refreshRevoked(old.Refresh.Hash, tc.oldRefresh, at)
			e.accessRevoked(old.Access.ID, tc.oldAccess, at)
			e.refreshRevoked(fresh.Refresh.Hash, "", at)
			e.accessRevoked(fresh.Access.ID, "", at)
			e.refreshRevoked(bystander.Refresh.Hash, "", at)
			e.accessRevoked(bystander.Access.ID, "", at)
			e.refreshRevoked("seed-refresh", "", at)
		})
	}
}

// testMaxFamilies: past the cap, the subject's oldest live families are evicted whole.
func testMaxFamilies(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	admin := User("admin@demo.example")
	opts := store.IssueOptions{MaxFamilies: 2}
	var pairs []store.Pair
	for i := range 4 {
		pairs = append(pairs, e.issue(admin, T0.Add(time.Duration(i)*time.Minute), opts))
	}
	last := T0.Add(3 * time.Minute)
	for i, p := range pairs {
		reason, at := "", last
		switch i {
		case 0:
			reason, at = "evicted", T0.Add(2*time.Minute)
		case 1:
			reason = "evicted"
		}
		e.refreshRevoked(p.Refresh.Hash, reason, at)
		e.accessRevoked(p.Access.ID, reason, at)
	}
}

// testMaxFamiliesCountsWorkingAccess: a family whose refresh token was superseded but whose
// access token still works is an active pair, and counts against the cap.
func testMaxFamiliesCountsWorkingAccess(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	admin := User("admin@demo.example")
	opts := store.IssueOptions{SupersedeRefresh: true, MaxFamilies: 2}
	first := e.issue(admin, T0, opts)
	second := e.issue(admin, T0.Add(time.Minute), opts)
	at := T0.Add(2 * time.Minute)
	third := e.issue(admin, at, opts)
	e.accessRevoked(first.Access.ID, "evicted", at)
	e.accessRevoked(second.Access.ID, "", at)
	e.accessRevoked(third.Access.ID, "", at)
	e.refreshRevoked(second.Refresh.Hash, "superseded", at)
}
