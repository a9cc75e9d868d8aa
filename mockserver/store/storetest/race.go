package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/store"
)

// testRotateClockBack: a token rotated at one time, replayed with the clock set back before
// that time (an admin clock set or reset), is used; with RevokeFamilyOnReuse the replay kills
// the family, the successor included. Neither depends on how far the clock moved.
func testRotateClockBack(t *testing.T, newStore NewStore) {
	for _, back := range []time.Duration{time.Nanosecond, time.Second, 24 * time.Hour} {
		t.Run(back.String(), func(t *testing.T) {
			e := start(t, newStore)
			p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
			used := T0.Add(36 * time.Hour)
			next := e.rotate(e.rotation(p.Refresh.Hash, used))
			plain := e.rotation(p.Refresh.Hash, used.Add(-back))
			_, _, err := e.s.Rotate(e.ctx, plain)
			wantErr(t, "replay with the clock set back", err, store.ErrUsed)
			e.refreshRevoked(next.Refresh.Hash, "", used)
			replay := e.rotation(p.Refresh.Hash, used.Add(-back))
			replay.RevokeFamilyOnReuse = true
			_, _, err = e.s.Rotate(e.ctx, replay)
			wantErr(t, "replay with the clock set back, revoking on reuse", err, store.ErrUsed)
			e.refreshRevoked(next.Refresh.Hash, "reuse", replay.Now)
			e.accessRevoked(next, "reuse", replay.Now)
		})
	}
}

// testRotateRaceEachN: of N concurrent rotations of one token exactly one wins, in every trial,
// for N in {2, 10, 50, 200}; the rotations' times straddle a second boundary (half at X.999999999,
// half a second or more earlier, as two replicas whose clocks differ would send them), so a
// rule that compared times could let a late-committing "earlier" request win again.
func testRotateRaceEachN(t *testing.T, newStore NewStore) {
	boundary := T0.Add(time.Hour + time.Second - time.Nanosecond)
	for _, n := range []int{2, 10, 50, 200} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := start(t, newStore)
			for trial := range 3 {
				p := e.issue(User("admin@demo.example"), T0, store.IssueOptions{})
				rots := make([]store.Rotation, n)
				for i := range rots {
					rots[i] = e.rotation(p.Refresh.Hash, boundary.Add(-time.Duration(i%2)*time.Second))
				}
				if w := raceRotations(e, rots); w != 1 {
					t.Fatalf("trial %d: %d winners, want exactly 1", trial, w)
				}
			}
		})
	}
}

// raceRotations runs every rotation at once and returns how many won; every loser must be told
// the token is used.
func raceRotations(e *env, rots []store.Rotation) int {
	e.t.Helper()
	errs := AtOnce(len(rots), func(i int) error {
		_, _, err := e.s.Rotate(e.ctx, rots[i])
		return err
	})
	return Winners(e.t, errs, store.ErrUsed)
}
