package filestore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"github.com/plummock/plummock/mockserver/store"
	"time"

	"github.com/plummock/plummock/fixtures"
	bolt "go.etcd.io/bbolt"
)

// Log operations: one per state-changing Store method.
const (
	opReset  = "reset"
	opIssue  = "issue"
	opRotate = "rotate"
	opRevoke = "revoke"
	opPrune  = "prune"
	// opSnapshot replaces the state with a snapshot of it: the first entry of a compacted log.
	opSnapshot = "snapshot"
)

// logEntry is one state change as the file store's log keeps it: the method and its arguments.
// Every argument carries its own time, so replaying the log reproduces the state exactly.
type logEntry struct {
	Op       string              `json:"op"`
	Layout   int                 `json:"layout,omitempty"` // on the first entry: store.StateLayout
	Fixtures *fixtures.Set       `json:"fixtures,omitempty"`
	Seed     *store.Seed         `json:"seed,omitempty"`
	Pair     *store.Pair         `json:"pair,omitempty"`
	Issue    *store.IssueOptions `json:"issue,omitempty"`
	Rotation *store.Rotation     `json:"rotation,omitempty"`
	Filter   *store.Filter       `json:"filter,omitempty"`
	Why      *store.Revocation   `json:"why,omitempty"`
	Now      time.Time           `json:"now,omitzero"`
	State    json.RawMessage     `json:"state,omitempty"` // a store.Memory snapshot
}

// apply replays the entry on m.
func (e logEntry) apply(ctx context.Context, m *store.Memory) error {
	switch {
	case e.Op == opReset && e.Seed != nil:
		return m.Reset(ctx, e.Fixtures, *e.Seed)
	case e.Op == opSnapshot && e.State != nil:
		return m.Restore(e.State)
	case e.Op == opIssue && e.Pair != nil && e.Issue != nil:
		_, err := m.Issue(ctx, *e.Pair, *e.Issue)
		return err
	case e.Op == opRotate && e.Rotation != nil:
		_, _, _ = m.Rotate(ctx, *e.Rotation) // a logged refusal replays its revocation
		return nil
	case e.Op == opRevoke && e.Filter != nil && e.Why != nil:
		_, err := m.Revoke(ctx, *e.Filter, *e.Why)
		return err
	case e.Op == opPrune:
		_, err := m.Prune(ctx, e.Now)
		return err
	}
	return fmt.Errorf("log entry %q: malformed", e.Op)
}

// append commits one entry; a reset or a snapshot starts the log afresh.
func (f *File) append(e logEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	err = f.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLog())
		if e.Op == opReset || e.Op == opSnapshot {
			if b, err = freshBucket(tx, bucketLog()); err != nil {
				return err
			}
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		return f.put(b, seqKey(seq), data)
	})
	if err != nil {
		return err
	}
	f.entries++
	if e.Op == opReset || e.Op == opSnapshot {
		f.entries, f.retryAt = 1, 0
	}
	return nil
}

// freshBucket replaces a bucket with an empty one.
func freshBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if err := tx.DeleteBucket(name); err != nil {
		return nil, err
	}
	return tx.CreateBucket(name)
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// replay rebuilds the memory state from the log.
func (f *File) replay() error {
	m := store.NewMemory(f.limits)
	n := 0
	err := f.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLog()).ForEach(func(k, v []byte) error {
			var e logEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("log entry %x: %w", k, err)
			}
			n++
			return e.apply(context.Background(), m)
		})
	})
	if err != nil {
		return err
	}
	f.mem.Store(m)
	f.entries = n
	return nil
}

// compact replaces a log that has grown much longer than the state with one snapshot entry,
// so replay time stays proportional to what is stored.
func (f *File) compact() error {
	st, size, err := f.mem.Load().Snapshot()
	if err != nil || f.entries < 2*size {
		return err
	}
	return f.append(logEntry{Op: opSnapshot, Layout: store.StateLayout, State: st})
}
