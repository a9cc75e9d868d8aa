package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// oauthError is the documented error shape.
type oauthError struct {
	Error       *string `json:"error"`
	Description *string `json:"error_description"`
}

// ErrorCode decodes the OAuth error code of resp, or "" when the body has another shape.
func ErrorCode(resp *Response) string {
	var e oauthError
	if json.Unmarshal(resp.Body, &e) != nil || e.Error == nil {
		return ""
	}
	return *e.Error
}

// Outcome names a response for observations: "200", or "401 invalid_token".
func Outcome(resp *Response) string {
	if code := ErrorCode(resp); code != "" && resp.Status >= 400 {
		return fmt.Sprintf("%d %s", resp.Status, code)
	}
	return fmt.Sprintf("%d", resp.Status)
}

// ExpectError asserts an error answer: the status, a JSON body of the documented shape whose
// error is one of codes (any code when none are given), Cache-Control: no-store, and for 401 a Bearer challenge.
func (c *C) ExpectError(resp *Response, status int, codes ...string) {
	if resp.Status != status {
		c.FatalOn(resp, "want %d %s, got %d", status, strings.Join(codes, " or "), resp.Status)
	}
	var e oauthError
	if err := json.Unmarshal(resp.Body, &e); err != nil || e.Error == nil {
		c.FatalOn(resp, "want a JSON error body {\"error\":...,\"error_description\":...}")
	}
	if len(codes) > 0 && !slices.Contains(codes, *e.Error) {
		c.failOn(resp, "want error %s, got %q", strings.Join(codes, " or "), *e.Error)
	}
	if needsDescription(*e.Error) && (e.Description == nil || *e.Description == "") {
		c.failOn(resp, "error %q must carry an error_description", *e.Error)
	}
	c.expectNoStore(resp)
	if status == http.StatusUnauthorized {
		c.expectChallenge(resp)
	}
}

// needsDescription: Plum documents a description with these two codes.
func needsDescription(code string) bool {
	return code == "invalid_request" || code == "invalid_token"
}

// expectChallenge asserts RFC 6750's WWW-Authenticate: Bearer on a 401.
func (c *C) expectChallenge(resp *Response) {
	h := strings.ToLower(strings.TrimSpace(resp.Header.Get("WWW-Authenticate")))
	if !strings.HasPrefix(h, "bearer") {
		c.failOn(resp, "a 401 must carry WWW-Authenticate: Bearer ..., got %q", resp.Header.Get("WWW-Authenticate"))
	}
}

// ExpectStatus asserts the status alone; callers assert the body separately.
func (c *C) ExpectStatus(resp *Response, status int) {
	if resp.Status != status {
		c.FatalOn(resp, "want status %d, got %d", status, resp.Status)
	}
}
