package store

// Hooks for the file store's compaction test.
func SetCompactAt(f *File, n int) { f.compactAt = n }
func LogEntries(f *File) int      { return f.entries }
