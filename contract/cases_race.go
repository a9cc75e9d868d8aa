package contract

import (
	"fmt"
	"net/http"
	"sync"
)

// raceCases: of N simultaneous refreshes with one token exactly one may win.
func raceCases() []Case {
	return []Case{{Name: "race/concurrent-refresh", Doc: "N simultaneous E2 refreshes of one token: exactly one 200, N-1 invalid_grant, and the winner's successor works", Run: caseRace}}
}

func caseRace(c *C) {
	a := c.NewUserTokens()
	n := c.s.target.concurrency()
	resps, errs := c.burst(n, Request{Method: http.MethodPost, Path: PathRefreshUser, JSON: c.refreshBody(a.RefreshToken)})
	var winners []*Response
	for i, r := range resps {
		switch {
		case errs[i] != nil:
			c.Errorf("refresh %d of %d: %v", i+1, n, errs[i])
		case r.Status == http.StatusOK:
			winners = append(winners, r)
		case r.Status != http.StatusBadRequest || ErrorCode(r) != "invalid_grant":
			c.failOn(r, "a losing refresh must get 400 invalid_grant, got %s", Outcome(r))
		}
	}
	c.Observe("race.winners", "How many of N simultaneous refreshes of one token succeed?", winnersAnswer(len(winners)), fmt.Sprintf("%d of %d", len(winners), n))
	if len(winners) != 1 {
		c.Fatalf("%d simultaneous refreshes: want exactly 1 success, got %d", n, len(winners))
	}
	c.TokenSet(c.RefreshUser(c.TokenSet(winners[0]).RefreshToken))
}

func winnersAnswer(n int) string {
	if n == 1 {
		return "exactly one"
	}
	return fmt.Sprintf("%d", n)
}

// burst sends n copies of r at the same moment (after the pacer has granted n slots) and
// records every exchange. It never ends the case itself: failures come back per request.
func (c *C) burst(n int, r Request) ([]*Response, []error) {
	for range n {
		if err := c.s.pace.wait(c.ctx); err != nil {
			c.Fatalf("%v", err)
		}
	}
	r.unpaced = true
	resps, errs := make([]*Response, n), make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			resps[i], errs[i] = c.s.send(c.ctx, r)
		}()
	}
	start.Done()
	done.Wait()
	c.recordAll(resps)
	return resps, errs
}

func (c *C) recordAll(resps []*Response) {
	for _, r := range resps {
		if r == nil {
			continue
		}
		c.mu.Lock()
		c.exch = append(c.exch, r.Exchange)
		c.mu.Unlock()
		if r.Exchange.SpecError != "" {
			c.failOn(r, "response violates openapi.yaml: %s", firstLine(r.Exchange.SpecError))
		}
	}
}
