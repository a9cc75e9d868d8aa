package storetest

import (
	"testing"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
)

// testReset: a reset leaves nothing of the old state alive, the seed is present, and the
// fixtures are the ones given.
func testReset(t *testing.T, newStore NewStore) {
	e := &env{t: t, ctx: t.Context(), s: newStore(t)}
	if _, err := e.s.Fixtures(e.ctx); err == nil {
		t.Error("Fixtures before any Reset: want an error")
	}
	if err := e.s.Reset(e.ctx, fixtures.Demo(), e.seed("one")); err != nil {
		t.Fatal(err)
	}
	old := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	set := fixtures.Demo()
	set.Companies[0].Name = "After Reset"
	if err := e.s.Reset(e.ctx, set, e.seed("two")); err != nil {
		t.Fatal(err)
	}
	for _, hash := range []string{old.Refresh.Hash, "one-refresh"} {
		_, err := e.s.LookupRefresh(e.ctx, hash)
		wantErr(t, "Refresh of a pre-reset token", err, store.ErrNotFound)
	}
	_, err := e.s.LookupAccess(e.ctx, "one-access")
	wantErr(t, "Access of a pre-reset fixture token", err, store.ErrNotFound)
	if st, err := e.s.CheckAccess(e.ctx, old.claim()); err != nil || st.Gen != "gen-two" {
		t.Errorf("CheckAccess after the reset = %+v, %v; want the new generation", st, err)
	}
	seed := e.seed("two")
	sameRefresh(t, e.refresh("two-refresh"), seed.Refresh[0])
	sameAccess(t, e.access("two-access"), seed.Access[0])
	got, err := e.s.Fixtures(e.ctx)
	if err != nil || len(got.Companies) != 1 || got.Companies[0].Name != "After Reset" ||
		got.Companies[0].ClientSecret != "demo-secret" || len(got.Companies[0].Users) != 2 {
		t.Errorf("Fixtures after reset = %+v, %v", got, err)
	}
	if st := e.stats(); st != (store.Stats{RefreshTokens: 1, AccessTokens: 1, Families: 2}) {
		t.Errorf("Stats after reset = %+v, want the seed only", st)
	}
}

// testPersistent: a store that says it can outlive the process reports state after a Reset.
func testPersistent(t *testing.T, newStore NewStore) {
	s := newStore(t)
	p, ok := s.(store.Persistent)
	if !ok {
		t.Skip("store is not Persistent")
	}
	has, err := p.HasState(t.Context())
	if err != nil || has {
		t.Fatalf("HasState on a new store = %v, %v; want false", has, err)
	}
	if err := s.Reset(t.Context(), fixtures.Demo(), store.Seed{}); err != nil {
		t.Fatal(err)
	}
	if has, err := p.HasState(t.Context()); err != nil || !has {
		t.Fatalf("HasState after Reset = %v, %v; want true", has, err)
	}
}
