// Package faults decides which API calls the mock answers badly on purpose: the next N calls or
// a percentage of calls to an operation get a chosen status and body, a delay, or a dropped
// connection; and optional real rate limits count calls per minute of the mock's clock. It knows
// nothing of HTTP: it returns what should happen and the HTTP layer does it.
package faults

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// Rule is one fault as the admin API takes it.
type Rule struct {
	ID        string          `json:"id"`
	Operation string          `json:"operation"`         // an operationId, or "*" for every operation
	Preset    string          `json:"preset,omitempty"`  // rate_limited, per_api_limit, 500, 502, 503
	Status    int             `json:"status,omitempty"`  // with Body, instead of a preset
	Body      json.RawMessage `json:"body,omitempty"`    // the JSON body to answer
	Count     int             `json:"count,omitempty"`   // the next N matching calls (0 with Percent)
	Percent   float64         `json:"percent,omitempty"` // or this share of matching calls, 0-100
	Delay     Duration        `json:"delay,omitempty"`   // wait this long first (real time)
	Drop      bool            `json:"drop,omitempty"`    // close the connection without answering
	Remaining int             `json:"remaining,omitempty"`
}

// Outcome is what the HTTP layer must do with one call.
type Outcome struct {
	Status int
	Body   json.RawMessage
	Delay  time.Duration
	Drop   bool
	RuleID string
}

// Limits bounds the rule list.
const (
	MaxRules = 100
	MaxDelay = 25 * time.Second // under the server's 30 s write timeout, so the answer still arrives
)

// Set is the mock's current faults and rate limits. Safe for concurrent use.
type Set struct {
	mu     sync.Mutex
	rules  []*Rule
	limits map[string]*limit // by operationId
	nextID int
	rand   func() float64
}

// NewSet returns an empty set. random returns numbers in [0,1) (rand.Float64 in the product).
func NewSet(random func() float64) *Set {
	if random == nil {
		random = rand.Float64
	}
	return &Set{limits: map[string]*limit{}, rand: random}
}

// Add checks a rule and adds it; a bad rule adds nothing. It returns the stored rule.
func (s *Set) Add(r Rule) (Rule, error) {
	if err := r.normalize(); err != nil {
		return Rule{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rules) >= MaxRules {
		return Rule{}, &FieldError{"operation", fmt.Sprintf("at most %d faults at once; clear some first", MaxRules)}
	}
	s.nextID++
	r.ID = "f" + strconv.Itoa(s.nextID)
	r.Remaining = r.Count
	s.rules = append(s.rules, &r)
	return r, nil
}

// Decide returns what to do with a call to operation, or nil to serve it normally. Faults are
// checked first, in the order they were added; then the rate limit of the operation.
func (s *Set) Decide(operation string, now time.Time) *Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.rules {
		if r.Operation != "*" && r.Operation != operation {
			continue
		}
		if r.Count > 0 {
			r.Remaining--
			if r.Remaining <= 0 {
				s.rules = append(s.rules[:i:i], s.rules[i+1:]...)
			}
			return r.outcome()
		}
		if s.rand()*100 < r.Percent {
			return r.outcome()
		}
	}
	if l, ok := s.limits[operation]; ok && !l.allow(now) {
		body, _ := json.Marshal(map[string]string{"message": "auth.request_limit_exceeded"})
		return &Outcome{Status: 429, Body: body, RuleID: "rate-limit"}
	}
	return nil
}

// List returns the rules in force, in order.
func (s *Set) List() []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Rule, 0, len(s.rules))
	for _, r := range s.rules {
		out = append(out, *r)
	}
	return out
}

// Remove deletes one rule; it reports whether it existed.
func (s *Set) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.rules {
		if r.ID == id {
			s.rules = append(s.rules[:i:i], s.rules[i+1:]...)
			return true
		}
	}
	return false
}

// Clear removes every fault and rate limit.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules, s.limits = nil, map[string]*limit{}
}

func (r *Rule) outcome() *Outcome {
	return &Outcome{Status: r.Status, Body: r.Body, Delay: time.Duration(r.Delay), Drop: r.Drop, RuleID: r.ID}
}
