// Package clock is the mock's only source of time: real time plus an offset, optionally frozen,
// so tests can reach a 15-day expiry in one HTTP call instead of waiting for it.
package clock

import (
	"errors"
	"sync"
	"sync/atomic"
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
//
// Every request reads the clock several times and almost none changes it, so readers load an
// immutable state through an atomic pointer (no lock, no shared counter to bounce between
// cores); writers serialise on a mutex and publish a new state.
type Clock struct {
	real    func() time.Time
	mu      sync.Mutex // serialises changes
	current atomic.Pointer[State]
}

// New returns a clock running at real time. real is the wall clock (time.Now in the product;
// tests may pass their own).
func New(real func() time.Time) *Clock {
	if real == nil {
		real = time.Now
	}
	c := &Clock{real: real}
	c.current.Store(&State{})
	return c
}

// Now is the mock's current time.
func (c *Clock) Now() time.Time { return c.at(c.current.Load()) }

// at is the mock time under state st.
func (c *Clock) at(st *State) time.Time {
	if st.Frozen {
		return st.FrozenAt
	}
	return c.real().Add(st.Offset)
}

// change applies f to a copy of the state under the mutex and publishes the result unless f
// fails; it returns the state in force afterwards.
func (c *Clock) change(f func(st *State) error) (State, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := *c.current.Load()
	if err := f(&next); err != nil {
		return *c.current.Load(), err
	}
	c.current.Store(&next)
	return next, nil
}

// Advance moves the clock forward by d; frozen clocks stay frozen at the later time.
func (c *Clock) Advance(d time.Duration) (State, error) {
	if d < 0 {
		return c.State(), ErrBackwards
	}
	return c.change(func(st *State) error {
		if now := c.at(st); !inRange(now.Add(d)) || now.Add(d).Before(now) {
			return ErrOutOfRange
		}
		if st.Frozen {
			st.FrozenAt = st.FrozenAt.Add(d)
		} else {
			st.Offset += d
		}
		return nil
	})
}

// Set moves the clock to t, keeping it frozen or running as it was.
func (c *Clock) Set(t time.Time) (State, error) {
	if !inRange(t) {
		return c.State(), ErrOutOfRange
	}
	return c.change(func(st *State) error {
		if st.Frozen {
			st.FrozenAt = t
		} else {
			st.Offset = t.Sub(c.real())
		}
		return nil
	})
}

// Freeze stops the clock at its current time.
func (c *Clock) Freeze() State {
	st, _ := c.change(func(st *State) error {
		if !st.Frozen {
			*st = State{Offset: st.Offset, Frozen: true, FrozenAt: c.at(st)}
		}
		return nil
	})
	return st
}

// Unfreeze lets the clock run again from the time it was frozen at.
func (c *Clock) Unfreeze() State {
	st, _ := c.change(func(st *State) error {
		if st.Frozen {
			*st = State{Offset: st.FrozenAt.Sub(c.real())}
		}
		return nil
	})
	return st
}

// Reset returns the clock to real time, running.
func (c *Clock) Reset() State {
	c.Restore(State{})
	return State{}
}

// State returns the clock's configuration.
func (c *Clock) State() State { return *c.current.Load() }

// Restore replaces the configuration, e.g. with one a store kept across a restart.
func (c *Clock) Restore(s State) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.current.Store(&s)
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
