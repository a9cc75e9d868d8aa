package faults

import (
	"strings"
	"sync"
	"time"
)

// RateLimit is a real limit on an operation: at most PerMinute calls per minute of the mock's
// clock, past which calls answer 429 {"message":"auth.request_limit_exceeded"}.
type RateLimit struct {
	Operation string `json:"operation"`
	PerMinute int    `json:"per_minute"`
}

// limit counts calls in the current fixed minute window.
type limit struct {
	perMinute int
	window    time.Time
	count     int
}

func (l *limit) allow(now time.Time) bool {
	w := now.Truncate(time.Minute)
	if !w.Equal(l.window) {
		l.window, l.count = w, 0
	}
	l.count++
	return l.count <= l.perMinute
}

// SetRateLimit installs (or, with PerMinute 0, removes) a rate limit.
func (s *Set) SetRateLimit(rl RateLimit) error {
	switch {
	case rl.Operation == "" || rl.Operation == "*":
		return &FieldError{"operation", "required: one operationId such as refreshUserToken"}
	case rl.PerMinute < 0 || rl.PerMinute > 1_000_000:
		return &FieldError{"per_minute", "must be between 0 (remove) and 1000000"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rl.PerMinute == 0 {
		delete(s.limits, rl.Operation)
		return nil
	}
	s.limits[rl.Operation] = &limit{perMinute: rl.PerMinute}
	return nil
}

// RateLimits lists the limits in force.
func (s *Set) RateLimits() []RateLimit {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []RateLimit{}
	for op, l := range s.limits {
		out = append(out, RateLimit{Operation: op, PerMinute: l.perMinute})
	}
	return out
}

// PlumQueryLimit is Plum's documented per-minute limit for an E8 query, by the query's last
// name (plumProAPI.query.getBalance: 10); ok is false for a query without one.
func PlumQueryLimit(query string) (perMinute int, ok bool) {
	name := query
	if i := strings.LastIndexByte(query, '.'); i >= 0 {
		name = query[i+1:]
	}
	switch name {
	case "getBalance":
		return 10, true
	case "getVouchers", "getFilters":
		return 50, true
	case "placeOrder":
		return 100, true
	case "getOrderDetails", "getOrderHistory":
		return 200, true
	}
	return 0, false
}

// QueryLimits counts E8 calls per key (company and query) in fixed minutes of the mock's clock.
type QueryLimits struct {
	mu     sync.Mutex
	limits map[string]*limit
}

// maxQueryLimitKeys bounds the counters; past it they start again (a limit is per minute anyway).
const maxQueryLimitKeys = 10_000

// NewQueryLimits returns empty counters.
func NewQueryLimits() *QueryLimits { return &QueryLimits{limits: map[string]*limit{}} }

// Allow counts one call under key and reports whether it is within perMinute.
func (q *QueryLimits) Allow(key string, perMinute int, now time.Time) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	l, ok := q.limits[key]
	if !ok {
		if len(q.limits) >= maxQueryLimitKeys {
			q.limits = map[string]*limit{}
		}
		l = &limit{perMinute: perMinute}
		q.limits[key] = l
	}
	l.perMinute = perMinute
	return l.allow(now)
}

// Clear forgets every count (a reset).
func (q *QueryLimits) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.limits = map[string]*limit{}
}
