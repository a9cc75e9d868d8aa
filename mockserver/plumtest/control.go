package plumtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Fault makes calls fail on purpose (see the admin API's /faults).
type Fault struct {
	Operation string          `json:"operation"`         // operationId or "*"
	Preset    string          `json:"preset,omitempty"`  // rate_limited, per_api_limit, 500, 502, 503
	Status    int             `json:"status,omitempty"`  // with Body instead of a preset
	Body      json.RawMessage `json:"body,omitempty"`    //
	Count     int             `json:"count,omitempty"`   // the next N calls
	Percent   float64         `json:"percent,omitempty"` // or a share of calls
	Delay     string          `json:"delay,omitempty"`   // e.g. "2s"
	Drop      bool            `json:"drop,omitempty"`    // close the connection instead
}

// InjectFault adds a fault and returns its id.
func (m *Mock) InjectFault(f Fault) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	err := m.admin(http.MethodPost, "/faults", f, &out)
	return out.ID, err
}

// ClearFaults removes every fault and rate limit.
func (m *Mock) ClearFaults() error { return m.admin(http.MethodDelete, "/faults", nil, nil) }

// ScenarioResult is what a scenario did; Tokens is set by "regenerate".
type ScenarioResult struct {
	Scenario string    `json:"scenario"`
	Revoked  int       `json:"revoked"`
	Blocked  bool      `json:"blocked"`
	Tokens   *TokenSet `json:"tokens"`
}

// Scenario triggers one of Plum's invalidations: password_reset, other_super_admin,
// user_disabled, company_disabled, ip_not_allowed, regenerate. An empty user means the whole
// company: it is left out of the body (the admin API refuses "user": "").
func (m *Mock) Scenario(name, company, user string) (ScenarioResult, error) {
	var out ScenarioResult
	body := map[string]string{"company": company}
	if user != "" {
		body["user"] = user
	}
	err := m.admin(http.MethodPost, "/scenarios/"+url.PathEscape(name), body, &out)
	return out, err
}

// Request is one journal entry; tokens and secrets in it are fingerprints.
type Request struct {
	Method    string          `json:"method"`
	Path      string          `json:"path"`
	Operation string          `json:"operation"`
	Status    int             `json:"status"`
	ErrorCode string          `json:"error_code"`
	Time      time.Time       `json:"time"`
	Request   json.RawMessage `json:"request_body"`
	Response  json.RawMessage `json:"response_body"`
}

// Requests returns the journal, newest first, optionally for one operation ("" = all).
func (m *Mock) Requests(operation string) ([]Request, error) {
	var out struct {
		Requests []Request `json:"requests"`
	}
	q := url.Values{}
	if operation != "" {
		q.Set("operation", operation)
	}
	err := m.admin(http.MethodGet, "/requests?"+q.Encode(), nil, &out)
	return out.Requests, err
}

// TokenSet is a Plum token set as the fake answers it.
type TokenSet struct {
	AccessToken        string `json:"access_token"`
	TokenType          string `json:"token_type"`
	ExpiresIn          int64  `json:"expires_in"`
	RefreshToken       string `json:"refresh_token"`
	AccessTokenExpiry  any    `json:"access_token_expiry"`
	RefreshTokenExpiry any    `json:"refresh_token_expiry"`
}

// CreateUserTokens calls E1 with the company token: a quick way to a user token set.
func (m *Mock) CreateUserTokens(email string) (TokenSet, error) {
	var out TokenSet
	body, _ := json.Marshal(map[string]string{"user_input": email, "scope": "user_session"})
	req, _ := http.NewRequest(http.MethodPost, m.BaseURL+"/v1/oauth/token/create/user", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+m.Credentials.CompanyToken)
	req.Header.Set("Content-Type", "application/json")
	err := m.do(req, &out)
	return out, err
}

// admin calls the admin API and decodes its answer into out (if not nil).
func (m *Mock) admin(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, m.URL+"/__admin"+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return m.do(req, out)
}

// do sends a request and turns a non-2xx answer into an error carrying the body.
func (m *Mock) do(req *http.Request, out any) error {
	resp, err := m.http.Do(req)
	if err != nil {
		return fmt.Errorf("plumtest: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("plumtest: %s %s: %s %s", req.Method, req.URL.Path, strconv.Itoa(resp.StatusCode), raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}
