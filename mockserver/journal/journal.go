// Package journal keeps a bounded ring of recent API calls, with every token and secret
// replaced by a fingerprint before it is stored, so a developer can see why a call was refused
// without the journal ever holding a credential.
package journal

import (
	"sync"
	"time"
)

// Entry is one recorded call.
type Entry struct {
	Seq        uint64            `json:"seq"`
	Time       time.Time         `json:"time"`
	RequestID  string            `json:"request_id"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Operation  string            `json:"operation,omitempty"`
	Status     int               `json:"status"`
	DurationMS float64           `json:"duration_ms"`
	ErrorCode  string            `json:"error_code,omitempty"`
	Fault      string            `json:"fault,omitempty"`
	Headers    map[string]string `json:"request_headers,omitempty"`
	Request    any               `json:"request_body,omitempty"`
	Response   any               `json:"response_body,omitempty"`
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Operation string
	Status    int
	Limit     int
}

// DefaultSize is how many calls the journal keeps unless told otherwise.
const DefaultSize = 1000

// Journal is a fixed-size ring, newest overwriting oldest. Safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
	seq     uint64
}

// New returns a journal keeping the last size entries (size <= 0: DefaultSize).
func New(size int) *Journal {
	if size <= 0 {
		size = DefaultSize
	}
	return &Journal{entries: make([]Entry, size)}
}

// Add records an entry; the caller has already redacted it (see NewEntry).
func (j *Journal) Add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	j.entries[j.next] = e
	j.next = (j.next + 1) % len(j.entries)
	if j.next == 0 {
		j.full = true
	}
}

// List returns matching entries, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := j.next
	if j.full {
		n = len(j.entries)
	}
	out := []Entry{}
	for i := 0; i < n; i++ {
		e := j.entries[(j.next-1-i+len(j.entries))%len(j.entries)]
		if (f.Operation == "" || e.Operation == f.Operation) && (f.Status == 0 || e.Status == f.Status) {
			out = append(out, e)
			if f.Limit > 0 && len(out) == f.Limit {
				break
			}
		}
	}
	return out
}

// Clear empties the journal.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.next, j.full = 0, false
}

// Size is the journal's capacity.
func (j *Journal) Size() int { return len(j.entries) }
