package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// TokenSet is a decoded E1/E2/E3 answer, decoded by the suite's own types so a serialisation bug
// in a fake cannot hide behind shared code.
type TokenSet struct {
	AccessToken     string
	RefreshToken    string
	TokenType       string
	ExpiresIn       int64
	AccessExpiryMS  int64
	RefreshExpiryMS int64
	// ExpiryEncoding is "number" or "string": the pages conflict on how expiry fields are typed.
	ExpiryEncoding string
	Resp           *Response
}

type wireTokenSet struct {
	AccessToken        string          `json:"access_token"`
	TokenType          string          `json:"token_type"`
	ExpiresIn          json.RawMessage `json:"expires_in"`
	RefreshToken       string          `json:"refresh_token"`
	AccessTokenExpiry  json.RawMessage `json:"access_token_expiry"`
	RefreshTokenExpiry json.RawMessage `json:"refresh_token_expiry"`
}

// DateTolerance is how far access_token_expiry may sit from Date + expires_in: Date has
// one-second resolution and is stamped a moment after the token is issued. The request's
// round-trip time is added on top.
const DateTolerance = 5 * time.Second

// epochInt decodes a JSON integer or a string of digits (the pages disagree), telling which.
func epochInt(raw json.RawMessage) (int64, string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, "", fmt.Errorf("missing")
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, "", err
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, "string", err
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("%s is not an integer", raw)
	}
	return n, "number", nil
}

// TokenSet asserts that resp is a 200 token set, internally consistent and consistent with the
// server's Date header, and returns it decoded.
func (c *C) TokenSet(resp *Response) TokenSet {
	ts := c.decodeTokenSet(resp)
	ref, tol := c.serverNow(resp)
	c.checkExpiry(ts, ref.Truncate(time.Second), tol)
	return ts
}

// serverNow is the server's time when it answered resp, and how far off that may be: its Date
// header, or the fake's admin clock when that clock was found moved (the Date header follows
// real time, the tokens follow the fake's clock), or the local clock when Date is missing.
func (c *C) serverNow(resp *Response) (time.Time, time.Duration) {
	rtt := resp.Received.Sub(resp.Sent)
	switch {
	case c.s.caps.clockMoved:
		return c.clock(http.MethodGet, "", nil).Time(), DateTolerance + rtt
	case resp.Date.IsZero():
		return resp.Received, time.Minute
	}
	return resp.Date, DateTolerance + rtt
}

// TokenSetAt is TokenSet with the issue time known exactly (the fake's frozen clock).
func (c *C) TokenSetAt(resp *Response, issued time.Time) TokenSet {
	ts := c.decodeTokenSet(resp)
	c.checkExpiry(ts, issued.Truncate(time.Second), time.Second)
	return ts
}

func (c *C) decodeTokenSet(resp *Response) TokenSet {
	if resp.Status != http.StatusOK {
		c.FatalOn(resp, "want 200 and a token set, got %d", resp.Status)
	}
	c.expectNoStore(resp)
	var w wireTokenSet
	if err := json.Unmarshal(resp.Body, &w); err != nil {
		c.FatalOn(resp, "token set is not JSON: %v", err)
	}
	ts := TokenSet{AccessToken: w.AccessToken, RefreshToken: w.RefreshToken, TokenType: w.TokenType, Resp: resp}
	var kind, kind2 string
	var err1, err2, err3 error
	ts.ExpiresIn, kind, err1 = epochInt(w.ExpiresIn)
	ts.AccessExpiryMS, ts.ExpiryEncoding, err2 = epochInt(w.AccessTokenExpiry)
	ts.RefreshExpiryMS, kind2, err3 = epochInt(w.RefreshTokenExpiry)
	switch {
	case err1 != nil || kind != "number":
		c.FatalOn(resp, "expires_in must be a JSON integer (seconds): %s", w.ExpiresIn)
	case err2 != nil || err3 != nil:
		c.FatalOn(resp, "access_token_expiry and refresh_token_expiry must be epoch milliseconds")
	case kind2 != ts.ExpiryEncoding:
		c.failOn(resp, "expiry fields typed differently: access %s, refresh %s", ts.ExpiryEncoding, kind2)
	}
	c.checkShape(ts)
	return ts
}

func (c *C) checkShape(ts TokenSet) {
	r := ts.Resp
	if ts.AccessToken == "" || ts.RefreshToken == "" {
		c.FatalOn(r, "access_token and refresh_token must be non-empty")
	}
	if ts.AccessToken == ts.RefreshToken {
		c.failOn(r, "access_token and refresh_token are the same string")
	}
	if ts.TokenType != "bearer" {
		c.failOn(r, "token_type must be exactly %q, got %q", "bearer", ts.TokenType)
	}
	if ts.ExpiresIn <= 0 {
		c.failOn(r, "expires_in must be a positive integer, got %d", ts.ExpiresIn)
	}
	for name, v := range map[string]int64{"access_token_expiry": ts.AccessExpiryMS, "refresh_token_expiry": ts.RefreshExpiryMS} {
		if v < 1e12 || v >= 1e14 {
			c.failOn(r, "%s = %d is not epoch milliseconds", name, v)
		}
	}
	if ts.RefreshExpiryMS <= ts.AccessExpiryMS {
		c.failOn(r, "refresh_token_expiry (%d) must be after access_token_expiry (%d)", ts.RefreshExpiryMS, ts.AccessExpiryMS)
	}
}

// checkExpiry asserts access_token_expiry = issue time + expires_in, within tol.
func (c *C) checkExpiry(ts TokenSet, issued time.Time, tol time.Duration) {
	want := issued.UnixMilli() + ts.ExpiresIn*1000
	if d := time.Duration(abs(ts.AccessExpiryMS-want)) * time.Millisecond; d > tol {
		c.failOn(ts.Resp, "access_token_expiry %d is %v away from issue time (%s) + expires_in %ds = %d; tolerance %v",
			ts.AccessExpiryMS, d, issued.UTC().Format(time.RFC3339), ts.ExpiresIn, want, tol)
	}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// expectNoStore asserts the RFC 6749 §5.1 header every token answer and error must carry.
func (c *C) expectNoStore(resp *Response) {
	if !strings.Contains(strings.ToLower(resp.Header.Get("Cache-Control")), "no-store") {
		c.failOn(resp, "Cache-Control must contain no-store, got %q", resp.Header.Get("Cache-Control"))
	}
}
