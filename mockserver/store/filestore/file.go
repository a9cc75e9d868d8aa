// Package filestore is the token store for one long-running instance whose state must survive
// a restart (--store file:PATH): the memory store's rules over a bbolt log. Only the program
// that opens stores imports it, so the domain and the HTTP layer do not link bbolt.
package filestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/plummock/plummock/mockserver/store"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plummock/plummock/fixtures"
	bolt "go.etcd.io/bbolt"
)

// File is the store for one long-running instance whose state must survive a restart, kill -9
// included (--store file:PATH). It is the memory store's logic (so the two cannot disagree on a
// rule) plus a bbolt log: every state change is appended and committed, fsync included, before
// the method returns, and opening the file replays the log. The log is compacted into a
// snapshot of the memory state once it is much longer than the state.
type File struct {
	// mu orders changes: each is appended to the log and then applied to mem under it, so the
	// log replays in the order the changes happened. Reads go to mem directly.
	mu      sync.Mutex
	db      *bolt.DB
	mem     atomic.Pointer[store.Memory]
	limits  store.Limits
	entries int // log entries since the last reset or snapshot
	// compactAt is the least log length that triggers a compaction (compactAfter; tests lower it).
	compactAt int
	// retryAt is the log length at which a failed compaction is tried again: twice the length
	// it failed at (0: none failed), so a full disk does not cost every change a snapshot.
	retryAt int
	// put writes one key of a bucket: the seam through which a test makes the disk fail.
	put   func(b *bolt.Bucket, key, value []byte) error
	fails *store.FailLog
}

// Bucket names in the bbolt file.
const (
	bucketLogName      = "log"
	bucketSharedName   = "shared"
	bucketVersionsName = "shared_versions"
)

func bucketLog() []byte      { return []byte(bucketLogName) }
func bucketShared() []byte   { return []byte(bucketSharedName) }
func bucketVersions() []byte { return []byte(bucketVersionsName) }

// compactAfter is the least log length that triggers a compaction (and then only once the log
// is twice as long as the records it describes).
const compactAfter = 4096

// openTimeout bounds the wait for the file lock, so a second instance on the same file fails
// fast instead of hanging.
const openTimeout = 2 * time.Second

// OpenFile opens (or creates) the store at path and replays its log.
func OpenFile(path string, limits store.Limits) (*File, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: openTimeout})
	if err != nil {
		return nil, fmt.Errorf("file store %s: %w", path, err)
	}
	f := &File{db: db, limits: limits, compactAt: compactAfter, put: (*bolt.Bucket).Put}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketLog(), bucketShared(), bucketVersions()} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = f.replay()
	}
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("file store %s: %w", path, err)
	}
	return f, nil
}

// Close releases the file (and its lock).
func (f *File) Close() error { return f.db.Close() }

// HasState implements Persistent: the log starts with a reset or snapshot of this layout.
func (f *File) HasState(context.Context) (bool, error) {
	has := false
	err := f.db.View(func(tx *bolt.Tx) error {
		k, v := tx.Bucket(bucketLog()).Cursor().First()
		var e logEntry
		has = k != nil && json.Unmarshal(v, &e) == nil && e.Layout == store.StateLayout
		return nil
	})
	if err != nil {
		return false, f.failed("file store read", err)
	}
	return has, nil
}

// SetFailLog makes the store log its failures (rate-limited) to l; call it before use.
func (f *File) SetFailLog(l *store.FailLog) { f.fails = l }

// unavailable marks a disk failure as the store being unavailable (the mock answers 503).
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("file store: %w: %w", store.ErrUnavailable, err)
}

// failed logs a disk failure of kind and returns it as unavailable.
func (f *File) failed(kind string, err error) error {
	f.fails.Fail(kind, err)
	return unavailable(err)
}

// commit makes one state change durable and only then applies it (write-ahead): e is appended
// and committed, fsync included, and then apply changes the memory state. A change whose entry
// could not be written changes nothing and is reported unavailable, so a retry finds the state
// as it was; a change whose entry was written is applied and reported done, whatever a
// compaction after it does (its failure only leaves the log longer, and is logged). The caller
// holds f.mu.
func (f *File) commit(e logEntry, apply func(m *store.Memory)) error {
	if err := f.append(e); err != nil {
		return f.failed("file store write", err)
	}
	apply(f.mem.Load())
	if f.entries >= max(f.compactAt, f.retryAt) {
		if err := f.compact(); err != nil {
			f.fails.Fail("file store compaction", err)
			f.retryAt = 2 * f.entries
		}
	}
	return nil
}

// change is commit under f.mu, for a change that always alters the state.
func (f *File) change(e logEntry, apply func(m *store.Memory)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.commit(e, apply)
}

// Reset implements Store: the log restarts with this reset.
func (f *File) Reset(ctx context.Context, set *fixtures.Set, seed store.Seed) error {
	return f.change(logEntry{Op: opReset, Layout: store.StateLayout, Fixtures: set, Seed: &seed}, func(m *store.Memory) {
		_ = m.Reset(ctx, set, seed)
	})
}

// Fixtures implements Store.
func (f *File) Fixtures(ctx context.Context) (*fixtures.Set, error) { return f.memory().Fixtures(ctx) }

// Issue implements Store.
func (f *File) Issue(ctx context.Context, p store.Pair, opts store.IssueOptions) (store.Issued, error) {
	var at store.Issued
	err := f.change(logEntry{Op: opIssue, Pair: &p, Issue: &opts}, func(m *store.Memory) {
		at, _ = m.Issue(ctx, p, opts)
	})
	if err != nil {
		return store.Issued{}, err
	}
	return at, nil
}

// Rotate implements Store. A refused rotation changes nothing and is not logged, unless it
// revokes the family (a reuse). Under f.mu nothing changes the state between the verdict and
// the rotation, so the logged rotation does what the verdict said.
func (f *File) Rotate(ctx context.Context, r store.Rotation) (store.RefreshToken, store.Issued, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old, err := f.mem.Load().LookupRefresh(ctx, r.Hash)
	if err == nil {
		err = store.CheckRotation(old, r)
	}
	if err != nil && !(errors.Is(err, store.ErrUsed) && r.RevokeFamilyOnReuse) {
		return old, store.Issued{}, err
	}
	var at store.Issued
	var rotErr error
	err = f.commit(logEntry{Op: opRotate, Rotation: &r}, func(m *store.Memory) {
		old, at, rotErr = m.Rotate(ctx, r)
	})
	if err != nil {
		return store.RefreshToken{}, store.Issued{}, err
	}
	return old, at, rotErr
}

// LookupRefresh implements Store.
func (f *File) LookupRefresh(ctx context.Context, hash string) (store.RefreshToken, error) {
	return f.memory().LookupRefresh(ctx, hash)
}

// LookupAccess implements Store.
func (f *File) LookupAccess(ctx context.Context, id string) (store.AccessToken, error) {
	return f.memory().LookupAccess(ctx, id)
}

// CheckAccess implements Store.
func (f *File) CheckAccess(ctx context.Context, c store.AccessClaim) (store.AccessState, error) {
	return f.memory().CheckAccess(ctx, c)
}

// FamilyRefresh implements Store.
func (f *File) FamilyRefresh(ctx context.Context, family string) (store.RefreshToken, error) {
	return f.memory().FamilyRefresh(ctx, family)
}

// Revoke implements Store.
func (f *File) Revoke(ctx context.Context, filter store.Filter, why store.Revocation) (int, error) {
	var n int
	err := f.change(logEntry{Op: opRevoke, Filter: &filter, Why: &why}, func(m *store.Memory) {
		n, _ = m.Revoke(ctx, filter, why) // watermarks change even when n is 0
	})
	return n, err
}

// Prune implements Store. It is logged even when it drops nothing: it is rare (an explicit
// call), and knowing in advance would cost a second walk of the state.
func (f *File) Prune(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := f.change(logEntry{Op: opPrune, Now: now}, func(m *store.Memory) {
		n, _ = m.Prune(ctx, now)
	})
	return n, err
}

// Stats implements Store.
func (f *File) Stats(ctx context.Context) (store.Stats, error) { return f.memory().Stats(ctx) }

// memory returns the current memory state (a snapshot or a replay replaces it); reads need no
// lock of the file store's, so they never wait for a write's fsync.
func (f *File) memory() *store.Memory { return f.mem.Load() }

// Inspect implements Inspector.
func (f *File) Inspect(ctx context.Context, companyID string) (store.Inspection, error) {
	return f.memory().Inspect(ctx, companyID)
}
