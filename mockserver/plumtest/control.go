package plumtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
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
	Delay     time.Duration   `json:"-"`                 // answer this much later
	Drop      bool            `json:"drop,omitempty"`    // close the connection instead
}

// MarshalJSON writes Delay as the admin API takes it, a Go duration string ("2s").
func (f Fault) MarshalJSON() ([]byte, error) {
	type plain Fault // without this method
	var delay string
	if f.Delay != 0 {
		delay = f.Delay.String()
	}
	return json.Marshal(struct {
		plain
		Delay string `json:"delay,omitempty"`
	}{plain(f), delay})
}

// InjectFault adds a fault and returns its id.
func (m *Mock) InjectFault(t testing.TB, f Fault) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	m.admin(t, http.MethodPost, "/faults", f, &out)
	return out.ID
}

// ClearFaults removes every fault and rate limit.
func (m *Mock) ClearFaults(t testing.TB) {
	t.Helper()
	m.admin(t, http.MethodDelete, "/faults", nil, nil)
}

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
func (m *Mock) Scenario(t testing.TB, name, company, user string) ScenarioResult {
	t.Helper()
	var out ScenarioResult
	body := map[string]string{"company": company}
	if user != "" {
		body["user"] = user
	}
	m.admin(t, http.MethodPost, "/scenarios/"+url.PathEscape(name), body, &out)
	return out
}

// Request is one journal entry; tokens and secrets in it are fingerprints (fp:xxxxxxxx).
type Request struct {
	Method    string          `json:"method"`
	Path      string          `json:"path"`
	Query     string          `json:"query"`
	Operation string          `json:"operation"`
	Status    int             `json:"status"`
	ErrorCode string          `json:"error_code"`
	Reason    string          `json:"reason"` // why the mock refused the call (its Plummock-Reason header)
	Time      time.Time       `json:"time"`
	Request   json.RawMessage `json:"request_body"`
	Response  json.RawMessage `json:"response_body"`
}

// Requests returns the journal, newest first, optionally for one operation ("" = all).
func (m *Mock) Requests(t testing.TB, operation string) []Request {
	t.Helper()
	var out struct {
		Requests []Request `json:"requests"`
	}
	q := url.Values{}
	if operation != "" {
		q.Set("operation", operation)
	}
	m.admin(t, http.MethodGet, "/requests?"+q.Encode(), nil, &out)
	return out.Requests
}

// CreateUserTokens calls E1 with the company token: a quick way to a user token set.
func (m *Mock) CreateUserTokens(t testing.TB, email string) TokenSet {
	t.Helper()
	var out TokenSet
	body, _ := json.Marshal(map[string]string{"user_input": email, "scope": "user_session"})
	req, err := http.NewRequest(http.MethodPost, m.BaseURL+"/v1/oauth/token/create/user", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("plumtest: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+m.Credentials.CompanyToken)
	req.Header.Set("Content-Type", "application/json")
	if err := m.do(req, &out); err != nil {
		t.Fatalf("%v", err)
	}
	return out
}

// admin calls the admin API, decodes its answer into out (if not nil), and fails t if the call
// fails or the mock refuses it.
func (m *Mock) admin(t testing.TB, method, path string, in, out any) {
	t.Helper()
	if err := m.adminCall(method, path, in, out); err != nil {
		t.Fatalf("%v", err)
	}
}

func (m *Mock) adminCall(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("plumtest: %s /__admin%s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, m.URL+"/__admin"+path, body)
	if err != nil {
		return fmt.Errorf("plumtest: %w", err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return m.do(req, out)
}

// do sends a request and turns a non-2xx answer into an error carrying the status and body.
func (m *Mock) do(req *http.Request, out any) error {
	resp, err := m.http.Do(req)
	if err != nil {
		return fmt.Errorf("plumtest: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("plumtest: %s %s: the mock answered %d %s", req.Method, req.URL.Path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("plumtest: %s %s: decoding %s: %w", req.Method, req.URL.Path, raw, err)
	}
	return nil
}
