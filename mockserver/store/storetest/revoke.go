package storetest

import (
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testFamilyRefresh: an access token's family answers with its newest unused, unrevoked refresh
// token, which follows rotations and disappears when the family is revoked.
func testFamilyRefresh(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	got, err := e.s.FamilyRefresh(e.ctx, p.Access.Family)
	if err != nil || got.Hash != p.Refresh.Hash {
		t.Fatalf("FamilyRefresh = %q, %v; want %q", got.Hash, err, p.Refresh.Hash)
	}
	r := e.rotation(p.Refresh.Hash, T0.Add(time.Minute))
	e.rotate(r)
	if got, err = e.s.FamilyRefresh(e.ctx, p.Access.Family); err != nil || got.Hash != r.Next.Refresh.Hash {
		t.Errorf("FamilyRefresh after rotation = %q, %v; want the successor %q", got.Hash, err, r.Next.Refresh.Hash)
	}
	revoke(e, "")
	_, err = e.s.FamilyRefresh(e.ctx, p.Access.Family)
	wantErr(t, "FamilyRefresh of a revoked family", err, store.ErrNotFound)
	_, err = e.s.FamilyRefresh(e.ctx, "no-such-family")
	wantErr(t, "FamilyRefresh(unknown)", err, store.ErrNotFound)
}

// testRevoke: a filter selects by company, subject and kind; the count is of stored tokens and
// remembered families (live access tokens) it killed, not of those already dead; nothing
// outside the filter changes.
func testRevoke(t *testing.T, newStore NewStore) {
	why := store.Revocation{At: T0.Add(time.Hour), Reason: "user_disabled"}
	cases := []struct {
		name   string
		filter store.Filter
		want   int
		dead   []string // which of admin, other, company die
	}{
		{"one subject", store.Filter{CompanyID: "demo", Subject: "admin@demo.example"}, 4, []string{"admin"}},
		{"one kind", store.Filter{CompanyID: "demo", Kind: store.KindUser}, 6, []string{"admin", "other"}},
		{"company kind", store.Filter{CompanyID: "demo", Kind: store.KindCompany}, 4, []string{"company"}},
		{"whole company", store.Filter{CompanyID: "demo"}, 10, []string{"admin", "other", "company"}},
		{"another company", store.Filter{CompanyID: "acme"}, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := start(t, newStore) // the seed: one company refresh and one company access token
			pairs := map[string][]Placed{}
			for _, who := range []struct {
				name  string
				grant store.Grant
				n     int
			}{{"admin", User("admin@demo.example"), 2}, {"other", User("other@demo.example"), 1}, {"company", Company("demo"), 1}} {
				for range who.n {
					pairs[who.name] = append(pairs[who.name], e.issue(who.grant, T0, store.IssueOptions{}))
				}
			}
			n, err := e.s.Revoke(e.ctx, tc.filter, why)
			if err != nil || n != tc.want {
				t.Fatalf("Revoke = %d, %v; want %d", n, err, tc.want)
			}
			checkRevoked(e, pairs, tc.dead, why)
			if n, err := e.s.Revoke(e.ctx, tc.filter, why); err != nil || n != 0 {
				t.Errorf("second Revoke = %d, %v; want 0", n, err)
			}
		})
	}
}

// checkRevoked: the tokens of the dead are revoked with why, everyone else's are alive.
func checkRevoked(e *env, pairs map[string][]Placed, dead []string, why store.Revocation) {
	e.t.Helper()
	isDead := map[string]bool{}
	for _, d := range dead {
		isDead[d] = true
	}
	for who, ps := range pairs {
		reason := ""
		if isDead[who] {
			reason = why.Reason
		}
		for _, p := range ps {
			e.refreshRevoked(p.Refresh.Hash, reason, why.At)
			e.accessRevoked(p, reason, why.At)
		}
	}
	reason := ""
	if isDead["company"] {
		reason = why.Reason
	}
	e.refreshRevoked("seed-refresh", reason, why.At)
	e.staticRevoked("seed-access", reason, why.At)
}
