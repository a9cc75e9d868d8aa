package faults

// Snapshot is the whole fault state, for a store that shares it between replicas or keeps it
// across a restart.
type Snapshot struct {
	Rules      []Rule      `json:"rules"`
	RateLimits []RateLimit `json:"rate_limits"`
	NextID     int         `json:"next_id"`
}

// Snapshot returns the rules (with their remaining counts) and rate limits.
func (s *Set) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := Snapshot{Rules: []Rule{}, RateLimits: []RateLimit{}, NextID: s.nextID}
	for _, r := range s.rules {
		snap.Rules = append(snap.Rules, *r)
	}
	for op, l := range s.limits {
		snap.RateLimits = append(snap.RateLimits, RateLimit{Operation: op, PerMinute: l.perMinute})
	}
	return snap
}

// Restore replaces the state with a snapshot. Rate-limit windows start afresh: counts within
// the current minute are per process.
func (s *Set) Restore(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules, s.limits, s.nextID = nil, map[string]*limit{}, snap.NextID
	for i := range snap.Rules {
		r := snap.Rules[i]
		s.rules = append(s.rules, &r)
	}
	for _, rl := range snap.RateLimits {
		s.limits[rl.Operation] = &limit{perMinute: rl.PerMinute}
	}
}
