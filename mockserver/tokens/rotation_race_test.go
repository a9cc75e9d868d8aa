package tokens

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/keys"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/filestore"
	"github.com/plummock/plummock/mockserver/store/storetest"
)

// Two services on one store stand for two replicas whose host clocks differ by a second, at a
// second boundary: one reads X.999999999, the other a second earlier, so (the service works in
// whole seconds) their refreshes carry X and X-1. Whichever commits first, exactly one of N
// concurrent refreshes with one token wins.

func replicaService(t *testing.T, st store.Store, wall time.Time) *Service {
	t.Helper()
	k, err := keys.FromPEM(fixtures.TestKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(DefaultConfig(), st, keys.NewSet(k), clock.New(func() time.Time { return wall }))
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestRefreshRaceAcrossSkewedReplicasOneWinner(t *testing.T) {
	stores := map[string]func(t *testing.T) store.Store{
		"memory": func(*testing.T) store.Store { return store.NewMemory(store.Limits{}) },
		"file": func(t *testing.T) store.Store {
			f, err := filestore.OpenFile(filepath.Join(t.TempDir(), "state.db"), store.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = f.Close() })
			return f
		},
	}
	x := start.Add(time.Second - time.Nanosecond)
	for name, open := range stores {
		for _, n := range []int{2, 10, 50, 200} {
			t.Run(fmt.Sprintf("%s/%d", name, n), func(t *testing.T) {
				st := open(t)
				a, b := replicaService(t, st, x), replicaService(t, st, x.Add(-time.Second))
				if err := a.Reset(context.Background(), fixtures.Demo()); err != nil {
					t.Fatal(err)
				}
				for trial := range 3 {
					set := mustCreate(t, []*Service{a, b}[trial%2])
					if w := raceServices(t, []*Service{a, b}, n, set.RefreshToken); w != 1 {
						t.Fatalf("trial %d: %d winners, want exactly 1", trial, w)
					}
				}
			})
		}
	}
}

// raceServices refreshes token n times at once, round-robin over the services, and returns
// how many won; every loser must be told invalid_grant.
func raceServices(t *testing.T, svcs []*Service, n int, token string) int {
	t.Helper()
	errs := storetest.AtOnce(n, func(i int) error {
		_, err := svcs[i%len(svcs)].Refresh(context.Background(), store.KindUser, refreshReq(token))
		return err
	})
	return storetest.Winners(t, errs, ErrInvalidGrant)
}
