package storetest

import (
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testPrune: records that expired at or before now are dropped (and read as unknown), and so
// are remembered families whose access token expired; live ones stay.
func testPrune(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	old := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	later := T0.Add(20 * 24 * time.Hour)
	young := e.issue(User("other@demo.example"), later, store.IssueOptions{})
	if n, err := e.s.Prune(e.ctx, T0.Add(AccessTTL-time.Second)); err != nil || n != 0 {
		t.Errorf("Prune before any expiry = %d, %v; want 0", n, err)
	}
	// At T0+30d: old's access (15d, remembered) and refresh (30d) have expired, and so has the
	// seed's access token (30d); the seed refresh (60d) and young's pair live.
	n, err := e.s.Prune(e.ctx, T0.Add(RefreshTTL))
	if err != nil || n != 3 {
		t.Errorf("Prune = %d, %v; want 3", n, err)
	}
	_, err = e.s.LookupRefresh(e.ctx, old.Refresh.Hash)
	wantErr(t, "Refresh of a pruned token", err, store.ErrNotFound)
	_, err = e.s.LookupAccess(e.ctx, "seed-access")
	wantErr(t, "Access of a pruned token", err, store.ErrNotFound)
	sameRefresh(t, e.refresh(young.Refresh.Hash), young.Refresh)
	if st := e.stats(); st != (store.Stats{RefreshTokens: 2, Families: 2, Recent: 1}) {
		t.Errorf("Stats after prune = %+v", st)
	}
}

// testStats counts records, families, tombstones and remembered families through issue and a
// refused rotation.
func testStats(t *testing.T, newStore NewStore) {
	e := start(t, newStore)
	if st := e.stats(); st != (store.Stats{RefreshTokens: 1, AccessTokens: 1, Families: 2}) {
		t.Errorf("Stats after reset = %+v", st)
	}
	p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
	e.issue(User("admin@demo.example"), T0, store.IssueOptions{SupersedeRefresh: true})
	if _, _, err := e.s.Rotate(e.ctx, e.rotation(p.Refresh.Hash, T0)); err == nil {
		t.Error("rotation of a superseded token succeeded")
	}
	if st := e.stats(); st != (store.Stats{RefreshTokens: 3, AccessTokens: 1, Families: 4, Tombstones: 1, Recent: 2}) {
		t.Errorf("Stats = %+v", st)
	}
}

// RunCaps checks that a store built to hold at most maxTokens records never holds more, however
// many families are issued, and keeps the newest.
func RunCaps(t *testing.T, newCapped func(t *testing.T, maxTokens int) store.Store) {
	const max = 40
	e := &env{t: t, ctx: t.Context(), s: newCapped(t, max)}
	if err := e.s.Reset(e.ctx, nil, store.Seed{}); err != nil {
		t.Fatal(err)
	}
	var last Placed
	for i := range 200 {
		last = e.issue(User("admin@demo.example"), T0.Add(time.Duration(i)*time.Second), store.IssueOptions{})
		if st := e.stats(); st.RefreshTokens+st.AccessTokens > max {
			t.Fatalf("after %d issues the store holds %+v, over the cap of %d", i+1, st, max)
		}
	}
	sameRefresh(t, e.refresh(last.Refresh.Hash), last.Refresh)
}
