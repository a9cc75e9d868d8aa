package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// capabilities are what discovery found, with the reason for each one missing.
type capabilities struct {
	admin    bool
	adminWhy string
	jwks     *keySet
	jwksWhy  string
	// clockMoved: the fake's clock was found offset or frozen, so its Date headers (real time)
	// say nothing about issue times and the admin clock is the reference instead.
	clockMoved bool
}

// has reports whether a capability is present and, if not, why.
func (s *session) has(c Capability) (bool, string) {
	switch c {
	case CapAdmin:
		return s.caps.admin, s.caps.adminWhy
	case CapJWKS:
		return s.caps.jwks != nil, s.caps.jwksWhy
	case CapRiskDashboardPair:
		return s.caps.admin || s.target.AskDashboardPair, "showing the company refresh token to E2 may make a real server " +
			"revoke it (a trip to the dashboard): pass --ask-dashboard-pair to ask anyway"
	case CapRestore:
		return s.canRestore(), "rotating the company refresh token needs a credentials file " +
			"to save its successor (--credentials) or the base target's own admin API to reset it (--admin-url, same host:port)"
	}
	return false, "unknown capability " + string(c)
}

// discover probes the admin API and the JWKS; absence is normal (the real sandbox has neither).
func (s *session) discover(ctx context.Context) {
	s.caps.admin, s.caps.adminWhy = s.probeAdmin(ctx)
	s.caps.jwks, s.caps.jwksWhy = s.fetchJWKS(ctx)
}

func (s *session) probeAdmin(ctx context.Context) (bool, string) {
	if s.target.AdminURL == "" {
		return false, "no admin URL given (--admin-url): the target offers no clock or reset"
	}
	resp, err := s.adminCall(ctx, http.MethodGet, "/__admin/health", nil)
	if err != nil {
		return false, "admin API unreachable: " + err.Error()
	}
	var h struct{ Status string }
	if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &h) != nil || h.Status != "ok" {
		return false, fmt.Sprintf("GET /__admin/health answered %d, not {\"status\":\"ok\"}", resp.Status)
	}
	if resp, err = s.adminCall(ctx, http.MethodGet, "/__admin/clock", nil); err != nil || resp.Status != http.StatusOK {
		return false, "admin API refused GET /__admin/clock (is --admin-token right?)"
	}
	var k Clock
	_ = json.Unmarshal(resp.Body, &k)
	s.caps.clockMoved = k.OffsetMS != 0 || k.Frozen
	return true, ""
}

// adminCall sends one admin request with the admin token, if any.
func (s *session) adminCall(ctx context.Context, method, path string, body any) (*Response, error) {
	return s.send(ctx, Request{Method: method, Path: path, JSON: body, Admin: true,
		Bearer: s.credentials().AdminToken})
}

// Clock is the fake's clock as GET /__admin/clock reports it.
type Clock struct {
	Now      string `json:"now"`
	NowMS    int64  `json:"now_ms"`
	Offset   string `json:"offset"`
	OffsetMS int64  `json:"offset_ms"`
	Frozen   bool   `json:"frozen"`
}

// Time is the clock's current time.
func (k Clock) Time() time.Time { return time.UnixMilli(k.NowMS) }

// clock performs one clock operation (path under /__admin/clock) and decodes the answer.
func (c *C) clock(method, path string, body any) Clock {
	resp := c.Do(Request{Method: method, Path: "/__admin/clock" + path, JSON: body, Admin: true,
		Bearer: c.s.credentials().AdminToken})
	var k Clock
	if resp.Status != http.StatusOK || json.Unmarshal(resp.Body, &k) != nil || k.NowMS == 0 {
		c.FatalOn(resp, "admin clock%s: want 200 and the clock JSON", path)
	}
	return k
}

// FreezeClock freezes the fake's clock for exact boundaries and registers a cleanup that puts
// the clock back as it was found.
func (c *C) FreezeClock() Clock {
	before := c.clock(http.MethodGet, "", nil)
	c.Cleanup(func() { c.restoreClock(before) })
	return c.clock(http.MethodPost, "/freeze", nil)
}

// restoreClock undoes clock changes: reset, then the original offset and frozen state.
func (c *C) restoreClock(k Clock) {
	c.clock(http.MethodPost, "/reset", nil)
	if k.OffsetMS != 0 {
		c.clock(http.MethodPost, "/advance", map[string]string{"duration": (time.Duration(k.OffsetMS) * time.Millisecond).String()})
	}
	if k.Frozen {
		c.clock(http.MethodPost, "/set", map[string]string{"time": k.Time().UTC().Format(time.RFC3339Nano)})
		c.clock(http.MethodPost, "/freeze", nil)
	}
}

// SetClock moves the fake's clock to t (it should be frozen first).
func (c *C) SetClock(t time.Time) Clock {
	return c.clock(http.MethodPost, "/set", map[string]string{"time": t.UTC().Format(time.RFC3339Nano)})
}

// AdvanceClock moves the fake's clock forward by d.
func (c *C) AdvanceClock(d time.Duration) Clock {
	return c.clock(http.MethodPost, "/advance", map[string]string{"duration": d.String()})
}

// ResetTarget restores the fake's fixtures (every token dies, the originals come back) and
// returns the session to the credentials it started with. The clock and the behaviour profile,
// which a reset also resets, are put back as they were.
func (c *C) ResetTarget() {
	before := c.clock(http.MethodGet, "", nil)
	profile := c.adminJSON(http.MethodGet, "/profile", nil, http.StatusOK, nil).Body
	defer c.putProfile(profile)
	resp := c.Do(Request{Method: http.MethodPost, Path: "/__admin/reset", Admin: true,
		Bearer: c.s.credentials().AdminToken})
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "POST /__admin/reset: want 200")
	}
	if err := c.s.restoreInitial(); err != nil {
		c.Fatalf("%v", err)
	}
	c.restoreClock(before)
}
