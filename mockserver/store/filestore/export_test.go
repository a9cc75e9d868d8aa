package filestore

import (
	"encoding/json"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// Hooks for the file store's compaction test.
func SetCompactAt(f *File, n int) { f.compactAt = n }
func LogEntries(f *File) int      { return f.entries }

// RewriteFirstEntry edits the first log entry as JSON, as an older plummock might have written it.
func RewriteFirstEntry(t *testing.T, f *File, edit func(map[string]any)) {
	t.Helper()
	err := f.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLog())
		k, v := b.Cursor().First()
		var e map[string]any
		if err := json.Unmarshal(v, &e); err != nil {
			return err
		}
		edit(e)
		out, err := json.Marshal(e)
		if err != nil {
			return err
		}
		return b.Put(append([]byte(nil), k...), out)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// FailWrites makes every write of the file store whose value fail selects fail with
// ENOSPC, as a full disk would; nil lets writes through again.
func FailWrites(f *File, fail func(value []byte) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.put = func(b *bolt.Bucket, k, v []byte) error {
		if fail != nil && fail(v) {
			return syscall.ENOSPC
		}
		return b.Put(k, v)
	}
}
