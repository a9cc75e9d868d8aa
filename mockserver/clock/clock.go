// Package clock is the mock's only source of time: real time plus an offset, optionally frozen,
// so tests can reach a 15-day expiry in one HTTP call instead of waiting for it.
package clock

import (
	"errors"
	"sync"
	"time"
)

// Errors for changes a clock refuses; a refused change changes nothing.
var (
	ErrBackwards  = errors.New("clock: negative duration")
	ErrOutOfRange = errors.New("clock: the time would leave 1970-2200")
)

// The range the mock's time may be moved within: wide enough for any token lifetime, narrow
// enough that offsets never overflow a time.Duration and times always have a JSON form.
var (
	earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func inRange(t time.Time) bool { return !t.Before(earliest) && !t.After(latest) }

// State is the clock's whole configuration: what a store persists or shares between replicas.
type State struct {
	Offset   time.Duration `json:"offset"`
	Frozen   bool          `json:"frozen"`
	FrozenAt time.Time     `json:"frozen_at,omitzero"`
}

// Clock is real time plus an offset, which can be frozen, set and advanced. It is safe for
// concurrent use.
type Clock struct {
	real  func() time.Time
	mu    sync.RWMutex
	state State
}

// New returns a clock running at real time. real is the wall clock (time.Now in the product;
// tests may pass their own).
func New(real func() time.Time) *Clock {
	if real == nil {
		real = time.Now
	}
	return &Clock{real: real}
}

// Now is the mock's current time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.state.Frozen {
		return c.state.FrozenAt
	}
	return c.real().Add(c.state.Offset)
}

// Advance moves the clock forward by d; frozen clocks stay frozen at the later time.
func (c *Clock) Advance(d time.Duration) (State, error) {
	if d < 0 {
		return c.State(), ErrBackwards
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.nowLocked(); !inRange(now.Add(d)) || now.Add(d).Before(now) {
		return c.state, ErrOutOfRange
	}
	if c.state.Frozen {
		c.state.FrozenAt = c.state.FrozenAt.Add(d)
	} else {
		c.state.Offset += d
	}
	return c.state, nil
}

// Set moves the clock to t, keeping it frozen or running as it was.
func (c *Clock) Set(t time.Time) (State, error) {
	if !inRange(t) {
		return c.State(), ErrOutOfRange
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Frozen {
		c.state.FrozenAt = t
	} else {
		c.state.Offset = t.Sub(c.real())
	}
	return c.state, nil
}

// Freeze stops the clock at its current time.
func (c *Clock) Freeze() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.state.Frozen {
		c.state = State{Offset: c.state.Offset, Frozen: true, FrozenAt: c.nowLocked()}
	}
	return c.state
}

// Unfreeze lets the clock run again from the time it was frozen at.
func (c *Clock) Unfreeze() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.Frozen {
		c.state = State{Offset: c.state.FrozenAt.Sub(c.real())}
	}
	return c.state
}

// Reset returns the clock to real time, running.
func (c *Clock) Reset() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = State{}
	return c.state
}

// State returns the clock's configuration.
func (c *Clock) State() State {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.state
}

// Restore replaces the configuration, e.g. with one a store kept across a restart.
func (c *Clock) Restore(s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
}

// Stopwatch measures real elapsed time, for latency in logs and the journal. It is not the
// mock's time on purpose: moving the mock's clock must not change how long a request took.
type Stopwatch struct{ start time.Time }

// StartStopwatch starts measuring now.
func StartStopwatch() Stopwatch { return Stopwatch{start: time.Now()} }

// Milliseconds is the time elapsed since the start, in fractional milliseconds.
func (s Stopwatch) Milliseconds() float64 {
	return float64(time.Since(s.start).Microseconds()) / 1000
}
