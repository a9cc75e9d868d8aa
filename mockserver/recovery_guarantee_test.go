package mockserver

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/store/redistest"
	"github.com/plummock/plummock/mockserver/store/storetest"
)

// A Redis that comes back empty (restarted without persistence, or flushed) is seeded again
// exactly once, however many requests on however many replicas find it empty at once, and
// every token answered 200 after that seed stays valid.

// lossUsers is how many requests find the store empty at once (one Super Admin each, so no
// E1 supersedes another's tokens).
const lossUsers = 24

// loggedReplica starts a mock on the Redis at url (default prefix) logging into logs, with
// lossUsers Super Admins.
func loggedReplica(t *testing.T, url string, logs *syncBuffer) string {
	t.Helper()
	set := fixtures.Demo()
	for i := range lossUsers {
		set.Companies[0].Users = append(set.Companies[0].Users, fixtures.User{Email: fmt.Sprintf("admin%d@demo.example", i), SuperAdmin: true})
	}
	srv, err := New(Options{Strict: true, Store: openRedisStore(t, url, "loss"), Clock: clock.New(time.Now), Fixtures: set,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestRedisComingBackEmptyIsReseededOnce(t *testing.T) {
	t.Run("miniredis FlushAll", func(t *testing.T) {
		mr := miniredis.RunT(t)
		reseedOnce(t, "redis://"+mr.Addr()+"/0", mr.FlushAll)
	})
	t.Run("redis-server restart", func(t *testing.T) {
		srv := redistest.Start(t)
		reseedOnce(t, srv.URL(), func() { srv.Stop(); srv.Start() })
	})
}

// reseedOnce runs two replicas on url, wipes the store, sends lossUsers E1 calls at once over
// both, and checks one re-seed and that every set answered 200 works afterwards.
func reseedOnce(t *testing.T, url string, wipe func()) {
	logs := &syncBuffer{}
	a, b := loggedReplica(t, url, logs), loggedReplica(t, url, logs)
	createUser(t, a)
	admin(t, b, "GET", "/clock", nil) // both replicas have seen the state
	wipe()
	replies := storetest.AtOnce(lossUsers, func(i int) reply {
		return call(t, "POST", []string{a, b}[i%2]+pathCreate, bearer("demo-company-token"),
			map[string]string{"user_input": fmt.Sprintf("admin%d@demo.example", i), "scope": "user_session"})
	})
	if n := strings.Count(logs.String(), "lost its state"); n != 1 {
		t.Errorf("the store was re-seeded %d times, want once:\n%s", n, logs.String())
	}
	ok := 0
	for i, r := range replies {
		if r.status != http.StatusOK {
			continue // e.g. a 503 on a pooled connection the restart broke: not an answer to keep
		}
		ok++
		other := []string{b, a}[i%2]
		if v := call(t, "GET", other+pathValidate, bearer(r.str("access_token")), nil); v.status != http.StatusOK {
			t.Errorf("set %d, answered 200 after the loss, does not validate: %d %s", i, v.status, v.raw)
		}
		if n := call(t, "POST", other+pathUser, nil, refreshBody(r.str("refresh_token"))); n.status != http.StatusOK {
			t.Errorf("set %d, answered 200 after the loss, does not refresh: %d %s", i, n.status, n.raw)
		}
	}
	if ok < lossUsers/2 {
		t.Fatalf("only %d of %d calls after the loss answered 200", ok, lossUsers)
	}
}
