package storetest

import (
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testIssue: an issued refresh token reads back exactly; its access token has no record but
// is placed in the current generation, alive, with its family's refresh expiry; the seed's
// fixture access token reads back; unknown ids are ErrNotFound.
func testIssue(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	sameRefresh(t, e.refresh(p.Refresh.Hash), p.Refresh)
	if p.At.Gen != "gen-seed" || p.At.Seq == 0 || p.At.FamilySeq != p.At.Seq {
		t.Errorf("Issued = %+v, want generation gen-seed and the family's own position", p.At)
	}
	if st := e.check(p); !st.Revoked.Alive() || !st.RefreshExpiry.Equal(p.Refresh.ExpiresAt) {
		t.Errorf("CheckAccess = %+v, want alive with refresh expiry %v", st, p.Refresh.ExpiresAt)
	}
	sameAccess(t, e.access("seed-access"), e.seed("seed").Access[0])
	_, err := e.s.LookupAccess(e.ctx, p.Access.ID)
	wantErr(t, "Access(an issued token)", err, store.ErrNotFound)
	_, err = e.s.LookupRefresh(e.ctx, "no-such-hash")
	wantErr(t, "Refresh(unknown)", err, store.ErrNotFound)
	_, err = e.s.LookupAccess(e.ctx, "no-such-id")
	wantErr(t, "Access(unknown)", err, store.ErrNotFound)
	next := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	if next.At.Seq <= p.At.Seq {
		t.Errorf("positions %d then %d: want them rising", p.At.Seq, next.At.Seq)
	}
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
			e.accessRevoked(old, tc.oldAccess, at)
			e.refreshRevoked(fresh.Refresh.Hash, "", at)
			e.accessRevoked(fresh, "", at)
			e.refreshRevoked(bystander.Refresh.Hash, "", at)
			e.accessRevoked(bystander, "", at)
			e.refreshRevoked("seed-refresh", "", at)
		})
	}
}

// testMaxFamilies: past the cap, the subject's oldest live families are evicted whole. Evictions
// in a row with nothing else revoked between them make one watermark, which keeps the first
// one's time.
func testMaxFamilies(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	admin := User("admin@demo.example")
	opts := store.IssueOptions{MaxFamilies: 2}
	var pairs []Placed
	for i := range 4 {
		pairs = append(pairs, e.issue(admin, T0.Add(time.Duration(i)*time.Minute), opts))
	}
	first := T0.Add(2 * time.Minute)
	for i, p := range pairs {
		reason := ""
		if i < 2 {
			reason = "evicted"
		}
		at := first
		if i == 1 {
			at = T0.Add(3 * time.Minute) // the refresh token's own revocation is exact
		}
		e.refreshRevoked(p.Refresh.Hash, reason, at)
		e.accessRevoked(p, reason, first)
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
	e.accessRevoked(first, "evicted", at)
	e.accessRevoked(second, "", at)
	e.accessRevoked(third, "", at)
	e.refreshRevoked(second.Refresh.Hash, "superseded", at)
}
