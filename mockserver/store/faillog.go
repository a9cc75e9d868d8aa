package store

import (
	"log/slog"
	"sync"
	"time"
)

// FailLog logs a store's failures without flooding the log: per kind of failure at most one
// line per second, carrying how many failures of that kind it held back since its last line.
// An outage that fails thousands of requests writes a line a second, and no failure goes
// uncounted. A nil *FailLog logs nothing.
type FailLog struct {
	log   *slog.Logger
	now   func() time.Time
	every time.Duration
	mu    sync.Mutex
	kinds map[string]*failCount // one per kind: a handful of fixed strings
}

type failCount struct {
	last time.Time // when the kind was last logged
	held int       // failures since then, not logged
}

// NewFailLog returns a FailLog writing to log. now is the wall clock (time.Now; tests pass
// their own): the limit is in real time, so a frozen mock clock cannot silence the log.
func NewFailLog(log *slog.Logger, now func() time.Time) *FailLog {
	return &FailLog{log: log, now: now, every: time.Second, kinds: map[string]*failCount{}}
}

// Fail records one failure of kind; err must not quote a secret (store errors never do).
func (l *FailLog) Fail(kind string, err error) {
	if l == nil || err == nil {
		return
	}
	held, ok := l.admit(kind)
	if ok {
		l.log.Warn("store failure: "+kind, "err", err.Error(), "suppressed", held)
	}
}

// admit says whether a failure of kind is logged now, and how many were held back before it.
func (l *FailLog) admit(kind string) (held int, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	c := l.kinds[kind]
	if c != nil && t.Sub(c.last) < l.every && !t.Before(c.last) {
		c.held++
		return 0, false
	}
	if c != nil {
		held = c.held
	}
	l.kinds[kind] = &failCount{last: t}
	return held, true
}
