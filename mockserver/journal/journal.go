// Package journal keeps a bounded ring of recent API calls, with every token and secret
// replaced by a fingerprint before it is stored, so a developer can see why a call was refused
// without an entry ever holding a credential. (To find secrets the journal must know them: the
// set of known values and the fingerprint memos hold them in memory, never in an entry.)
package journal

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/plummock/plummock/redact"
)

// Entry is one recorded call.
type Entry struct {
	Seq        uint64    `json:"seq"`
	Time       time.Time `json:"time"`
	RequestID  string    `json:"request_id"`
	Method     string    `json:"method"`
	Path       string    `json:"path"`
	Query      string    `json:"query,omitempty"`
	Operation  string    `json:"operation,omitempty"`
	Status     int       `json:"status"`
	DurationMS float64   `json:"duration_ms"`
	ErrorCode  string    `json:"error_code,omitempty"`
	Fault      string    `json:"fault,omitempty"`
	Reason     string    `json:"reason,omitempty"` // the Plummock-Reason header of the answer
	Headers    *Headers  `json:"request_headers,omitempty"`
	Request    any       `json:"request_body,omitempty"`
	Response   any       `json:"response_body,omitempty"`
}

// Headers are the request headers the journal keeps, redacted. A struct rather than a map: the
// names are fixed, and building a map was a tenth of the journal's cost on E4 and E8. The
// fields are in the order encoding/json gives a map's keys, so the JSON is the same.
type Headers struct {
	Authorization string `json:"Authorization,omitempty"` // scheme and fingerprint only
	ContentType   string `json:"Content-Type,omitempty"`
	Origin        string `json:"Origin,omitempty"`
	UserAgent     string `json:"User-Agent,omitempty"`
	RequestID     string `json:"X-Request-Id,omitempty"`
}

// Filter selects entries; zero fields match everything.
type Filter struct {
	Operation string
	Status    int
	Reason    string // entries whose reason contains this text
	Limit     int
}

func (f Filter) matches(e Entry) bool {
	return (f.Operation == "" || e.Operation == f.Operation) && (f.Status == 0 || e.Status == f.Status) &&
		(f.Reason == "" || strings.Contains(e.Reason, f.Reason))
}

// DefaultSize is how many calls the journal keeps unless told otherwise.
const DefaultSize = 1000

// MaxSize bounds the journal: its entries are preallocated, and the secrets it knows are sized
// from it, so an unbounded size would be unbounded memory.
const MaxSize = 100_000

// CheckSize refuses a size New would not honour (New clamps it; a command line should say so).
func CheckSize(size int) error {
	if size < 0 || size > MaxSize {
		return fmt.Errorf("the journal keeps between 1 and %d calls (0: the default, %d)", MaxSize, DefaultSize)
	}
	return nil
}

// Secrets the journal knows are bounded too: twice the entries (an issuing call and a later one
// sending the same token elsewhere), within these limits.
const (
	minSecrets = 1024
	maxSecrets = 1 << 17
)

// Journal is a fixed-size ring, newest overwriting oldest. Safe for concurrent use.
type Journal struct {
	mu      sync.Mutex
	entries []Entry
	next    int
	full    bool
	seq     uint64
	secrets *redact.Set // values hidden wherever they appear; kept across Clear
	prints  *prints     // fingerprints of secrets met lately
}

// New returns a journal keeping the last size entries (size <= 0: DefaultSize; at most MaxSize).
func New(size int) *Journal {
	if size <= 0 {
		size = DefaultSize
	}
	size = min(size, MaxSize)
	return &Journal{entries: make([]Entry, size), secrets: redact.NewSet(min(max(2*size, minSecrets), maxSecrets)),
		prints: newPrints()}
}

// Remember registers credentials the journal must hide wherever they appear (client secrets,
// fixture tokens): every non-empty one, however short.
func (j *Journal) Remember(credentials ...string) { j.secrets.AddCredential(credentials...) }

// Hides reports whether v is a secret the journal knows, so the access log and the echoed
// X-Request-Id can refuse to repeat it.
func (j *Journal) Hides(v string) bool { return j.secrets.Contains(v) }

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
		if f.matches(e) {
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
