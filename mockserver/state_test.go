package mockserver

import (
	"encoding/json"
	"testing"

	"github.com/plummock/plummock/redact"
)

// TestStateShowsLatestAccessAndWatermarks: issued access tokens have no record, so the state
// view shows each family's latest access token and the revocations in force as watermarks —
// and the E4 answers agree with it.
func TestStateShowsLatestAccessAndWatermarks(t *testing.T) {
	ts, _ := newTest(t)
	first := createUser(t, ts.URL)
	next := call(t, "POST", ts.URL+pathUser, nil, refreshBody(first.str("refresh_token")))
	admin(t, ts.URL, "POST", "/scenarios/password_reset", map[string]string{"company": "demo", "user": "admin@demo.example"})
	if r := call(t, "GET", ts.URL+pathValidate, bearer(next.str("access_token")), nil); r.status != 401 || r.str("error_message_id") != "auth.token_error" {
		t.Fatalf("a token issued before the reset: %d %s", r.status, r.raw)
	}
	later := createUser(t, ts.URL)
	if r := call(t, "GET", ts.URL+pathValidate, bearer(later.str("access_token")), nil); r.status != 200 {
		t.Fatalf("a token issued after the reset: %s", r.raw)
	}
	var state struct {
		Companies []struct {
			Families []struct {
				Subject string `json:"subject"`
				Refresh []struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"refresh_tokens"`
				Latest *struct {
					Status string `json:"status"`
				} `json:"latest_access"`
			} `json:"families"`
			Watermarks []struct {
				Subject string `json:"subject"`
				Scope   string `json:"scope"`
				Reason  string `json:"reason"`
			} `json:"watermarks"`
		} `json:"companies"`
	}
	r := admin(t, ts.URL, "GET", "/state", nil)
	if err := json.Unmarshal([]byte(r.raw), &state); err != nil || len(state.Companies) != 1 {
		t.Fatalf("state: %v %s", err, r.raw)
	}
	demo := state.Companies[0]
	if len(demo.Watermarks) != 1 || demo.Watermarks[0].Scope != "tokens" || demo.Watermarks[0].Reason != "password_reset" ||
		demo.Watermarks[0].Subject != "admin@demo.example" {
		t.Errorf("watermarks: %s", r.raw)
	}
	statuses := map[string]string{}
	var latest []string
	for _, f := range demo.Families {
		for _, tok := range f.Refresh {
			statuses[tok.ID] = tok.Status
		}
		if f.Latest != nil {
			latest = append(latest, f.Latest.Status)
		}
	}
	if statuses[redact.Fingerprint(first.str("refresh_token"))] != "revoked:password_reset" || // used, then revoked
		statuses[redact.Fingerprint(next.str("refresh_token"))] != "revoked:password_reset" ||
		statuses[redact.Fingerprint(later.str("refresh_token"))] != "live" {
		t.Errorf("refresh token statuses %v: %s", statuses, r.raw)
	}
	if len(latest) != 2 || latest[0] != "revoked:password_reset" || latest[1] != "live" {
		t.Errorf("latest access tokens %v: %s", latest, r.raw)
	}
}
