package faults

import (
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
