package filestore_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/store"
	"github.com/plummock/plummock/mockserver/store/filestore"
	"github.com/plummock/plummock/mockserver/store/storetest"
)

func openFile(t *testing.T, path string, limits store.Limits) *filestore.File {
	t.Helper()
	f, err := filestore.OpenFile(path, limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func TestFileConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openFile(t, filepath.Join(t.TempDir(), "state.db"), store.Limits{})
	})
}

// TestFileConformanceAcrossReopen runs the suite with every read made on a freshly reopened
// file: whatever a test checks was replayed from disk, not remembered in memory.
func TestFileConformanceAcrossReopen(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		r := &reopening{t: t, path: filepath.Join(t.TempDir(), "state.db")}
		r.f = openFile(t, r.path, store.Limits{})
		return r
	})
}

func TestFileCaps(t *testing.T) {
	storetest.RunCaps(t, func(t *testing.T, max int) store.Store {
		return openFile(t, filepath.Join(t.TempDir(), "state.db"), store.Limits{MaxTokens: max, PruneEvery: 8})
	})
}

// TestFileCompaction: a log much longer than the state is replaced by a snapshot, which
// replays to the same state.
func TestFileCompaction(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	f := openFile(t, path, store.Limits{})
	filestore.SetCompactAt(f, 10)
	seed := store.Seed{Refresh: []store.RefreshToken{{Hash: "seed", Family: "fs", Grant: storetest.Company("demo"),
		IssuedAt: storetest.T0, ExpiresAt: storetest.T0.Add(60 * 24 * time.Hour)}}}
	if err := f.Reset(ctx, fixtures.Demo(), seed); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		p := store.Pair{
			Access:  store.AccessToken{ID: "a" + string(rune('a'+i)), Family: "x" + string(rune('a'+i)), Grant: storetest.User("admin@demo.example"), IssuedAt: storetest.T0, ExpiresAt: storetest.T0.Add(time.Hour)},
			Refresh: store.RefreshToken{Hash: "r" + string(rune('a'+i)), Family: "x" + string(rune('a'+i)), Grant: storetest.User("admin@demo.example"), IssuedAt: storetest.T0, ExpiresAt: storetest.T0.Add(time.Hour)},
		}
		if _, err := f.Issue(ctx, p, store.IssueOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := f.Prune(ctx, storetest.T0.Add(time.Hour)); err != nil || n != 40 {
		t.Fatalf("Prune = %d, %v", n, err)
	}
	if n := filestore.LogEntries(f); n != 1 {
		t.Errorf("log entries after compaction = %d, want 1", n)
	}
	_ = f.Close()
	g := openFile(t, path, store.Limits{})
	if st, _ := g.Stats(ctx); st != (store.Stats{RefreshTokens: 1, Families: 1}) {
		t.Errorf("Stats after reopen = %+v", st)
	}
	if r, err := g.LookupRefresh(ctx, "seed"); err != nil || !r.ExpiresAt.Equal(seed.Refresh[0].ExpiresAt) {
		t.Errorf("seed after reopen = %+v, %v", r, err)
	}
}

// TestFileSecondOpenFails: two processes cannot share one file; the second is told at once.
func TestFileSecondOpenFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	openFile(t, path, store.Limits{})
	if _, err := filestore.OpenFile(path, store.Limits{}); err == nil {
		t.Fatal("second OpenFile of a locked file succeeded")
	}
}

// reopening is a file store that closes and reopens its file before every read.
type reopening struct {
	t    *testing.T
	path string
	mu   sync.Mutex
	f    *filestore.File
}

func (r *reopening) cur() *filestore.File {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f
}

func (r *reopening) fresh() *filestore.File {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.f.Close(); err != nil {
		r.t.Fatal(err)
	}
	r.f = openFile(r.t, r.path, store.Limits{})
	return r.f
}

func (r *reopening) Reset(ctx context.Context, set *fixtures.Set, seed store.Seed) error {
	return r.cur().Reset(ctx, set, seed)
}
func (r *reopening) Fixtures(ctx context.Context) (*fixtures.Set, error) {
	return r.fresh().Fixtures(ctx)
}
func (r *reopening) Issue(ctx context.Context, p store.Pair, o store.IssueOptions) (store.Issued, error) {
	return r.cur().Issue(ctx, p, o)
}
func (r *reopening) Rotate(ctx context.Context, rot store.Rotation) (store.RefreshToken, store.Issued, error) {
	return r.cur().Rotate(ctx, rot)
}
func (r *reopening) CheckAccess(ctx context.Context, c store.AccessClaim) (store.AccessState, error) {
	return r.fresh().CheckAccess(ctx, c)
}
func (r *reopening) LookupRefresh(ctx context.Context, h string) (store.RefreshToken, error) {
	return r.fresh().LookupRefresh(ctx, h)
}
func (r *reopening) LookupAccess(ctx context.Context, id string) (store.AccessToken, error) {
	return r.fresh().LookupAccess(ctx, id)
}
func (r *reopening) FamilyRefresh(ctx context.Context, fam string) (store.RefreshToken, error) {
	return r.fresh().FamilyRefresh(ctx, fam)
}
func (r *reopening) Revoke(ctx context.Context, f store.Filter, why store.Revocation) (int, error) {
	return r.cur().Revoke(ctx, f, why)
}
func (r *reopening) Prune(ctx context.Context, now time.Time) (int, error) {
	return r.cur().Prune(ctx, now)
}
func (r *reopening) Stats(ctx context.Context) (store.Stats, error) { return r.fresh().Stats(ctx) }
func (r *reopening) HasState(ctx context.Context) (bool, error)     { return r.fresh().HasState(ctx) }
func (r *reopening) LoadShared(ctx context.Context, name string) ([]byte, uint64, error) {
	return r.fresh().LoadShared(ctx, name)
}
func (r *reopening) SaveShared(ctx context.Context, name string, doc []byte) (uint64, error) {
	return r.cur().SaveShared(ctx, name, doc)
}
func (r *reopening) SharedVersions(ctx context.Context, names ...string) ([]uint64, error) {
	return r.fresh().SharedVersions(ctx, names...)
}

// TestFileOlderLayoutIsNotKept: a log an older plummock wrote (its first entry has no layout)
// is not state this version can use: the mock starts afresh instead of misreading it.
func TestFileOlderLayoutIsNotKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	f := openFile(t, path, store.Limits{})
	if err := f.Reset(t.Context(), fixtures.Demo(), store.Seed{}); err != nil {
		t.Fatal(err)
	}
	filestore.RewriteFirstEntry(t, f, func(e map[string]any) { delete(e, "layout") })
	if has, err := f.HasState(t.Context()); err != nil || has {
		t.Errorf("HasState on an older layout = %v, %v; want false", has, err)
	}
}
