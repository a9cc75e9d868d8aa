package filestore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver"
	"github.com/plummock/plummock/mockserver/clock"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/filestore"
	"github.com/plummock/plummock/mockserver/store/storetest"
	"github.com/plummock/plummock/mockserver/tokens"
)

// A full disk, faked at the file store's write seam: a change whose log entry could not be
// written is refused and changes nothing; a change whose entry was written is reported done.

// everyWrite fails every write; snapshots fails only a compaction's snapshot.
func everyWrite([]byte) bool  { return true }
func snapshots(v []byte) bool { return bytes.Contains(v, []byte(`"op":"snapshot"`)) }

// logBuffer is a log the store's FailLog writes to, readable from the test.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// faultyMock is a mock over HTTP on a file store whose writes the test can make fail.
type faultyMock struct {
	url  string
	file *filestore.File
	path string
	log  *logBuffer
}

func newFaultyMock(t *testing.T) *faultyMock {
	t.Helper()
	m := &faultyMock{path: filepath.Join(t.TempDir(), "state.db"), log: &logBuffer{}}
	m.file = openFile(t, m.path, store.Limits{})
	m.file.SetFailLog(store.NewFailLog(slog.New(slog.NewTextHandler(m.log, nil)), time.Now))
	clk := clock.New(func() time.Time { return storetest0 })
	srv, err := mockserver.New(mockserver.Options{Strict: true, Store: m.file, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	m.url = ts.URL
	return m
}

var storetest0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// post sends a JSON body and returns the status and the decoded answer.
func post(t *testing.T, url string, auth string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func (m *faultyMock) create(t *testing.T) string {
	t.Helper()
	status, body := post(t, m.url+"/chef/v1/oauth/token/create/user", "demo-company-token",
		map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
	if status != 200 {
		t.Fatalf("create: %d %v", status, body)
	}
	return body["refresh_token"].(string)
}

func (m *faultyMock) refresh(t *testing.T, token string) (int, map[string]any) {
	t.Helper()
	return post(t, m.url+"/chef/v1/oauth/token/user", "", map[string]string{"grant_type": "refresh_token",
		"refresh_token": token, "client_id": "demo-client", "client_secret": "demo-secret"})
}

// TestFileDiskFullRefusesAndChangesNothing: with the disk full, a refresh is 503 "try again",
// the failure is logged, and once the disk has room the same token refreshes (200), exactly once.
func TestFileDiskFullRefusesAndChangesNothing(t *testing.T) {
	m := newFaultyMock(t)
	token := m.create(t)
	filestore.FailWrites(m.file, everyWrite)
	for range 3 {
		status, body := m.refresh(t, token)
		if status != http.StatusServiceUnavailable || body["error"] != "temporarily_unavailable" {
			t.Fatalf("refresh on a full disk: %d %v, want 503 temporarily_unavailable", status, body)
		}
	}
	if got := m.log.String(); !strings.Contains(got, "file store write") || !strings.Contains(got, "no space left on device") {
		t.Errorf("the failure was not logged: %q", got)
	}
	filestore.FailWrites(m.file, nil)
	if status, body := m.refresh(t, token); status != http.StatusOK {
		t.Fatalf("retry once the disk has room: %d %v, want 200", status, body)
	}
	if status, body := m.refresh(t, token); status != http.StatusBadRequest || body["error_description"] != "refresh token already used" {
		t.Errorf("second use: %d %v, want 400 already used", status, body)
	}
}

// TestFileCommittedChangeIsReportedDone: a refresh whose log entry was written is answered 200
// even when the compaction after it fails for want of space; after a restart the token is still
// used and its successor works.
func TestFileCommittedChangeIsReportedDone(t *testing.T) {
	m := newFaultyMock(t)
	token := m.create(t)
	for range 50 { // a log much longer than the state: the next change compacts it
		if _, err := m.file.Prune(t.Context(), storetest0); err != nil {
			t.Fatal(err)
		}
	}
	filestore.SetCompactAt(m.file, 1)
	var tries atomic.Int64
	filestore.FailWrites(m.file, func(v []byte) bool {
		if snapshots(v) {
			tries.Add(1)
		}
		return snapshots(v)
	})
	status, body := m.refresh(t, token)
	if status != http.StatusOK {
		t.Fatalf("committed refresh answered %d %v, want 200", status, body)
	}
	if status, body = m.refresh(t, body["refresh_token"].(string)); status != http.StatusOK {
		t.Fatalf("the next refresh answered %d %v, want 200", status, body)
	}
	if n := tries.Load(); n != 1 {
		t.Errorf("%d compactions tried for two changes on a full disk, want 1 (a failed one waits)", n)
	}
	if !strings.Contains(m.log.String(), "file store compaction") {
		t.Errorf("the failed compaction was not logged: %q", m.log.String())
	}
	filestore.FailWrites(m.file, nil)
	_ = m.file.Close()
	reopened := openFile(t, m.path, store.Limits{})
	old, err := reopened.LookupRefresh(t.Context(), hashOf(token))
	if err != nil || old.UsedAt.IsZero() {
		t.Fatalf("after a restart the refreshed token is %+v, %v; want used", old, err)
	}
	if _, err := reopened.LookupRefresh(t.Context(), hashOf(body["refresh_token"].(string))); err != nil {
		t.Errorf("after a restart the successor is gone: %v", err)
	}
}

// TestFileFailedWriteLeavesStoreAsItWas at store level: Rotate and Revoke refused for a full
// disk report ErrUnavailable and change nothing.
func TestFileFailedWriteLeavesStoreAsItWas(t *testing.T) {
	f := openFile(t, filepath.Join(t.TempDir(), "state.db"), store.Limits{})
	ctx := t.Context()
	g := storetest.Company("demo")
	seed := store.Seed{Gen: "g", Refresh: []store.RefreshToken{{Hash: "seed", Family: "f", Grant: g,
		IssuedAt: storetest0, ExpiresAt: storetest0.Add(time.Hour)}}}
	if err := f.Reset(ctx, fixtures.Demo(), seed); err != nil {
		t.Fatal(err)
	}
	next := store.Pair{Refresh: store.RefreshToken{Hash: "next", Grant: g, IssuedAt: storetest0, ExpiresAt: storetest0.Add(time.Hour)}}
	rot := store.Rotation{Hash: "seed", ClientID: g.ClientID, Kind: g.Kind, Now: storetest0, Next: next}
	before, _ := f.Stats(ctx)
	filestore.FailWrites(f, everyWrite)
	if _, _, err := f.Rotate(ctx, rot); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Rotate on a full disk: %v, want store.ErrUnavailable", err)
	}
	if _, err := f.Revoke(ctx, store.Filter{CompanyID: "demo"}, store.Revocation{At: storetest0, Reason: "x"}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Revoke on a full disk: %v, want store.ErrUnavailable", err)
	}
	if after, _ := f.Stats(ctx); after != before {
		t.Errorf("Stats %+v -> %+v after refused changes", before, after)
	}
	if r, _ := f.LookupRefresh(ctx, "seed"); !r.UsedAt.IsZero() || !r.Revoked.Alive() {
		t.Errorf("seed after refused changes: %+v", r)
	}
	filestore.FailWrites(f, nil)
	if _, _, err := f.Rotate(ctx, rot); err != nil {
		t.Errorf("Rotate once the disk has room: %v", err)
	}
}

func hashOf(token string) string { return tokens.HashToken(token) }
