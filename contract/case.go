package contract

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Capability is something a target may offer beyond the Plum API. A case that needs one the
// target lacks is skipped, with the reason, instead of failing.
type Capability string

const (
	// CapAdmin is the fake's /__admin API: clock control and reset.
	CapAdmin Capability = "admin"
	// CapJWKS means the target publishes the public keys of its access tokens.
	CapJWKS Capability = "jwks"
	// CapRestore means rotated company credentials survive the run: they are saved to the
	// credentials file, or an admin reset restores the originals.
	CapRestore Capability = "restore"
	// CapRiskDashboardPair means the company refresh token may be shown to E2: a fake resets
	// it, and a user running against a real server opted in (Target.AskDashboardPair).
	CapRiskDashboardPair Capability = "risk-dashboard-pair"
)

// Case is one behaviour of the contract, written once and run against any Target.
type Case struct {
	Name  string
	Doc   string // what the case proves, one line
	Needs []Capability
	Run   func(c *C)
}

// C is a running case's handle, like testing.T: requests, assertions and observations all go
// through it so the report can show exactly which request failed.
type C struct {
	ctx  context.Context
	s    *session
	name string

	mu       sync.Mutex
	failures []Failure
	obs      []Observation
	exch     []*Exchange
	skip     string
	cleanup  []func()
}

// Context is the run's context; it ends when the run is cancelled.
func (c *C) Context() context.Context { return c.ctx }

// Do sends a request; a transport error ends the case.
func (c *C) Do(r Request) *Response {
	resp, err := c.s.send(c.ctx, r)
	if err != nil {
		c.Fatalf("request failed: %v", err)
	}
	c.mu.Lock()
	c.exch = append(c.exch, resp.Exchange)
	c.mu.Unlock()
	if resp.Exchange.SpecError != "" {
		c.failOn(resp, "response violates openapi.yaml: %s", firstLine(resp.Exchange.SpecError))
	}
	return resp
}

// Errorf records a failure without a specific request and lets the case go on.
func (c *C) Errorf(format string, args ...any) { c.failOn(nil, format, args...) }

// Fatalf records a failure and ends the case.
func (c *C) Fatalf(format string, args ...any) {
	c.failOn(nil, format, args...)
	runtime.Goexit()
}

// failOn records a failure caused by the given response (nil: none), redacting the message.
func (c *C) failOn(r *Response, format string, args ...any) {
	f := Failure{Message: c.s.secrets.redact(fmt.Sprintf(format, args...))}
	if r != nil {
		f.Request = r.Exchange
	}
	c.mu.Lock()
	c.failures = append(c.failures, f)
	c.mu.Unlock()
}

// FatalOn records a failure of the given response and ends the case.
func (c *C) FatalOn(r *Response, format string, args ...any) {
	c.failOn(r, format, args...)
	runtime.Goexit()
}

// Skipf ends the case as skipped, e.g. when the target lacks a fixture the case needs.
func (c *C) Skipf(format string, args ...any) {
	c.mu.Lock()
	c.skip = fmt.Sprintf(format, args...)
	c.mu.Unlock()
	runtime.Goexit()
}

// Cleanup registers f to run when the case ends, last registered first, as testing.T does.
func (c *C) Cleanup(f func()) { c.cleanup = append(c.cleanup, f) }

// Observe records what the target did about one question Plum's pages leave open. Answer must be
// categorical (comparable between runs); Detail may carry numbers and is not compared.
func (c *C) Observe(key, question, answer, detail string) {
	c.observe(Observation{Key: key, Question: question, Answer: answer, Detail: detail})
}

// runCase runs one case in its own goroutine so Fatalf/Skipf can end it with Goexit.
func runCase(ctx context.Context, s *session, k Case) CaseResult {
	c := &C{ctx: ctx, s: s, name: k.Name}
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer c.runCleanups()
		defer c.recoverPanic()
		k.Run(c)
	}()
	<-done
	return c.result(k, time.Since(start))
}

// runCleanups runs each cleanup in its own goroutine, so one that ends with Fatalf cannot
// stop the others from restoring the target.
func (c *C) runCleanups() {
	for i := len(c.cleanup) - 1; i >= 0; i-- {
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer c.recoverPanic()
			c.cleanup[i]()
		}()
		<-done
	}
}

func (c *C) recoverPanic() {
	if r := recover(); r != nil {
		c.failOn(nil, "case panicked: %v", r)
	}
}

func (c *C) result(k Case, d time.Duration) CaseResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	res := CaseResult{Name: k.Name, Doc: k.Doc, Verdict: Pass, Duration: d.Round(time.Millisecond).String(),
		Failures: c.failures, Observations: c.obs}
	for _, ex := range c.exch {
		res.Exchanges = append(res.Exchanges, *ex)
	}
	switch {
	case len(c.failures) > 0:
		res.Verdict = Fail
	case c.skip != "":
		res.Verdict, res.Reason = Skip, c.skip
	}
	return res
}

// firstLine keeps a multi-line message (kin-openapi appends the schema and value) to its gist;
// the whole text stays in the exchange's spec_error.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
