package mockserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/filestore"
	"github.com/plummock/plummock/mockserver/store/redisstore"
)

const pathUserRefresh = "/chef/v1/oauth/token/user"

// replica starts a mock on st with a running clock (replicas share the clock's offset, not a
// frozen instant), as `plummock --store` would.
func replica(t *testing.T, st store.Store) (*httptest.Server, *Server) {
	t.Helper()
	srv, err := New(Options{Strict: true, Store: st, Clock: clock.New(time.Now)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, srv
}

// redisReplicas starts two mocks on one miniredis, each with its own connection pool.
func redisReplicas(t *testing.T) (a, b string, mr *miniredis.Miniredis) {
	t.Helper()
	mr = miniredis.RunT(t)
	var urls [2]string
	for i := range urls {
		st, err := redisstore.OpenRedis(t.Context(), "redis://"+mr.Addr()+"/0", "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		ts, _ := replica(t, st)
		urls[i] = ts.URL
	}
	return urls[0], urls[1], mr
}

func TestReplicasShareTokens(t *testing.T) {
	a, b, _ := redisReplicas(t)
	set := createUser(t, a)
	if v := call(t, "GET", b+pathValidate, bearer(set.str("access_token")), nil); v.status != 200 || v.str("access_token") != set.str("access_token") {
		t.Fatalf("B validating A's token: %d %s", v.status, v.raw)
	}
	next := call(t, "POST", b+pathUserRefresh, nil, refreshBody(set.str("refresh_token")))
	if next.status != 200 || next.str("refresh_token") == "" {
		t.Fatalf("B refreshing A's token: %d %s", next.status, next.raw)
	}
	wantError(t, call(t, "POST", a+pathUserRefresh, nil, refreshBody(set.str("refresh_token"))), 400, "invalid_grant")
}

func TestReplicasShareControlState(t *testing.T) {
	a, b, _ := redisReplicas(t)
	admin(t, a, "POST", "/clock/advance", map[string]string{"duration": "361h"})
	if c := admin(t, b, "GET", "/clock", nil); c.str("offset") != "361h0m0s" {
		t.Errorf("B's clock after A advanced it: %s", c.raw)
	}
	admin(t, a, "PUT", "/profile", map[string]any{"expiry_format": "string"})
	if p := admin(t, b, "GET", "/profile", nil); p.str("expiry_format") != "string" {
		t.Errorf("B's profile after A changed it: %s", p.raw)
	}
	admin(t, a, "POST", "/faults", map[string]any{"operation": "createUserToken", "preset": "503", "count": 1})
	r := call(t, "POST", b+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
	if r.status != http.StatusServiceUnavailable {
		t.Errorf("B with A's fault: %d %s", r.status, r.raw)
	}
	createUser(t, a) // the fault fired once on B: it is used up on A too
}

func TestReplicaResetResetsBoth(t *testing.T) {
	a, b, _ := redisReplicas(t)
	set := createUser(t, a)
	admin(t, b, "POST", "/clock/advance", map[string]string{"duration": "1h"})
	if r := admin(t, a, "POST", "/reset", nil); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	wantError(t, call(t, "POST", b+pathUserRefresh, nil, refreshBody(set.str("refresh_token"))), 400, "invalid_grant")
	if c := admin(t, b, "GET", "/clock", nil); c.str("offset") != "0s" {
		t.Errorf("B's clock after A's reset: %s", c.raw)
	}
	createUser(t, b) // the fixtures' company token lives again
}

// TestRedisOutageAnswers503: with Redis gone the API answers 503 in Plum's shape (health still
// answers); when Redis returns, so does the mock.
func TestRedisOutageAnswers503(t *testing.T) {
	a, _, mr := redisReplicas(t)
	set := createUser(t, a)
	mr.Close()
	r := call(t, "POST", a+pathUserRefresh, nil, refreshBody(set.str("refresh_token")))
	wantError(t, r, http.StatusServiceUnavailable, "temporarily_unavailable")
	if h := admin(t, a, "GET", "/health", nil); h.status != 200 {
		t.Errorf("health during the outage: %d %s", h.status, h.raw)
	}
	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	if r := call(t, "POST", a+pathUserRefresh, nil, refreshBody(set.str("refresh_token"))); r.status != 200 {
		t.Errorf("refresh after Redis returned: %d %s", r.status, r.raw)
	}
}

// TestFileStoreKeepsStateAcrossRestart: a new mock on the same file keeps the tokens, the clock
// offset and the profile instead of resetting them.
func TestFileStoreKeepsStateAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	open := func() (string, *filestore.File) {
		st, err := filestore.OpenFile(path, store.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		ts, _ := replica(t, st)
		return ts.URL, st
	}
	first, st := open()
	set := createUser(t, first)
	admin(t, first, "POST", "/clock/advance", map[string]string{"duration": "48h"})
	admin(t, first, "PUT", "/profile", map[string]any{"expiry_format": "string"})
	_ = st.Close()
	second, _ := open()
	if c := admin(t, second, "GET", "/clock", nil); c.str("offset") != "48h0m0s" {
		t.Errorf("clock after restart: %s", c.raw)
	}
	if p := admin(t, second, "GET", "/profile", nil); p.str("expiry_format") != "string" {
		t.Errorf("profile after restart: %s", p.raw)
	}
	if r := call(t, "POST", second+pathUserRefresh, nil, refreshBody(set.str("refresh_token"))); r.status != 200 {
		t.Errorf("refresh after restart: %d %s", r.status, r.raw)
	}
}

// TestRedisLosingItsDataIsReseeded: a Redis that comes back empty is seeded again with the
// fixtures and the replica's control state, instead of answering 500 for missing fixtures.
func TestRedisLosingItsDataIsReseeded(t *testing.T) {
	a, b, mr := redisReplicas(t)
	admin(t, a, "POST", "/clock/advance", map[string]string{"duration": "2h"})
	set := createUser(t, a)
	admin(t, b, "GET", "/clock", nil) // B has seen the advance: whichever replica reseeds keeps it
	mr.FlushAll()
	wantError(t, call(t, "POST", b+pathUserRefresh, nil, refreshBody(set.str("refresh_token"))), 400, "invalid_grant")
	createUser(t, a)
	createUser(t, b)
	if c := admin(t, a, "GET", "/clock", nil); c.str("offset") != "2h0m0s" {
		t.Errorf("A's clock after the reseed: %s", c.raw)
	}
}

// flakyShared is a memory store whose shared documents can fail to save, like a Redis that
// goes away between a request's read and its write.
type flakyShared struct {
	*store.Memory
	mu       sync.Mutex
	fail     bool
	versions map[string]uint64
	docs     map[string][]byte
}

func (f *flakyShared) LoadShared(_ context.Context, name string) ([]byte, uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.docs[name], f.versions[name], nil
}

func (f *flakyShared) SaveShared(_ context.Context, name string, doc []byte) (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail {
		return 0, store.ErrUnavailable
	}
	f.versions[name]++
	f.docs[name] = doc
	return f.versions[name], nil
}

func (f *flakyShared) SharedVersions(_ context.Context, names ...string) ([]uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]uint64, len(names))
	for i, n := range names {
		out[i] = f.versions[n]
	}
	return out, nil
}

// TestUnsavedControlChangeAnswers503: a change whose shared state could not be saved must not
// be reported as done.
func TestUnsavedControlChangeAnswers503(t *testing.T) {
	st := &flakyShared{Memory: store.NewMemory(store.Limits{}), versions: map[string]uint64{}, docs: map[string][]byte{}}
	ts, _ := replica(t, st)
	st.mu.Lock()
	st.fail = true
	st.mu.Unlock()
	r := admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "1h"})
	wantError(t, r, http.StatusServiceUnavailable, "temporarily_unavailable")
	st.mu.Lock()
	st.fail = false
	st.mu.Unlock()
	if c := admin(t, ts.URL, "GET", "/clock", nil); c.status != 200 {
		t.Fatalf("clock after the outage: %d %s", c.status, c.raw)
	}
}
