package contract

import (
	"encoding/json"
	"net/http"
	"reflect"
)

// adminCall sends one request to the fake's /__admin API (path below it) with the admin token.
func (c *C) adminCall(method, path string, body any) *Response {
	return c.Do(Request{Method: method, Path: "/__admin" + path, JSON: body, Admin: true,
		Bearer: c.Creds().AdminToken})
}

// adminJSON sends an admin request, insists on the status, and decodes the answer into out.
func (c *C) adminJSON(method, path string, body any, status int, out any) *Response {
	resp := c.adminCall(method, path, body)
	if resp.Status != status {
		c.FatalOn(resp, "%s /__admin%s: want %d, got %d", method, path, status, resp.Status)
	}
	if out != nil {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			c.FatalOn(resp, "%s /__admin%s: answer is not the documented JSON: %v", method, path, err)
		}
	}
	return resp
}

// companyID finds the fake's id of the company whose client_id the run uses: scenarios are
// addressed by company id, which a Plum client never holds.
func (c *C) companyID() string {
	var state struct {
		Companies []struct {
			ID       string `json:"id"`
			ClientID string `json:"client_id"`
		} `json:"companies"`
	}
	resp := c.adminJSON(http.MethodGet, "/state", nil, http.StatusOK, &state)
	for _, co := range state.Companies {
		if co.ClientID == c.Creds().ClientID {
			return co.ID
		}
	}
	c.FatalOn(resp, "GET /__admin/state lists no company with client_id %q", c.Creds().ClientID)
	return ""
}

// expectExactJSON asserts status and a JSON body equal to want (compared as JSON values, so key
// order and spacing do not matter), plus Cache-Control: no-store, and a Bearer challenge on 401.
// It serves the mock-only answers whose bodies Plum documents word for word.
func (c *C) expectExactJSON(resp *Response, status int, want string) {
	if resp.Status != status {
		c.FatalOn(resp, "want %d %s, got %d", status, want, resp.Status)
	}
	var got, exp any
	if err := json.Unmarshal(resp.Body, &got); err != nil {
		c.FatalOn(resp, "want the JSON body %s: %v", want, err)
	}
	_ = json.Unmarshal([]byte(want), &exp)
	if !reflect.DeepEqual(got, exp) {
		c.failOn(resp, "want exactly the body %s", want)
	}
	c.expectNoStore(resp)
	if status == http.StatusUnauthorized {
		c.expectChallenge(resp)
	}
}

// businessError is Plum's business error shape (PLE/PIPE ids).
type businessError struct {
	Code      *int    `json:"code"`
	ErrorID   *string `json:"errorId"`
	ErrorInfo string  `json:"errorInfo"`
}

// expectBusiness asserts a business error: the status, code equal to it, the errorId, a
// non-empty errorInfo, no-store, and a Bearer challenge on 401. The wording of errorInfo is not
// Plum's to check (it is not documented), the id is.
func (c *C) expectBusiness(resp *Response, status int, id string) {
	if resp.Status != status {
		c.FatalOn(resp, "want %d %s, got %d", status, id, resp.Status)
	}
	var e businessError
	if err := json.Unmarshal(resp.Body, &e); err != nil || e.ErrorID == nil || e.Code == nil {
		c.FatalOn(resp, "want a business error {\"code\":%d,\"errorId\":%q,...}", status, id)
	}
	switch {
	case *e.ErrorID != id:
		c.failOn(resp, "want errorId %s, got %q", id, *e.ErrorID)
	case *e.Code != status:
		c.failOn(resp, "business error code must equal the status %d, got %d", status, *e.Code)
	case e.ErrorInfo == "":
		c.failOn(resp, "business error %s must carry errorInfo", id)
	}
	c.expectNoStore(resp)
	if status == http.StatusUnauthorized {
		c.expectChallenge(resp)
	}
}
