package mockserver

import (
	"strings"
	"testing"
)

// Each knob a derived profile may set changes the mock's answer (and the default does not).
func TestProfileKnobsFromTheSandbox(t *testing.T) {
	t.Run("expiry type per endpoint", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"expiry_format": "string", "expiry_formats": map[string]string{"validate": "number", "refresh_user": "number"}})
		set := createUser(t, ts.URL)
		if _, ok := set.body["access_token_expiry"].(string); !ok {
			t.Fatalf("E1: expiry not a string: %s", set.raw)
		}
		next := call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token")))
		if _, ok := next.body["refresh_token_expiry"].(float64); !ok {
			t.Fatalf("E2: expiry not a number: %s", next.raw)
		}
		v := call(t, "GET", ts.URL+pathValidate, bearer(next.str("access_token")), nil)
		if _, ok := v.body["access_token_expiry"].(float64); !ok || v.status != 200 {
			t.Fatalf("E4: expiry not a number: %s", v.raw)
		}
	})
	t.Run("validate expires_in as an epoch", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"validate_expires_in": "epoch"})
		set := createUser(t, ts.URL)
		v := call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil)
		if exp, _ := set.body["access_token_expiry"].(float64); v.body["expires_in"] != float64(int64(exp)/1000) {
			t.Fatalf("validate: expires_in %v, want access_token_expiry/1000 = %v", v.body["expires_in"], exp/1000)
		}
	})
	t.Run("validate answers an expired token", func(t *testing.T) {
		ts, _ := newTest(t)
		set := createUser(t, ts.URL)
		admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "361h"})
		wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil), 401, "invalid_token")
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"validate_expired": "answer"})
		v := call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil)
		if in, _ := v.body["expires_in"].(float64); v.status != 200 || in > -3600+1 || v.str("access_token") != set.str("access_token") {
			t.Fatalf("expired token under validate_expired answer: want 200 with expires_in <= -3600, got %d %s", v.status, v.raw)
		}
		wantError(t, call(t, "POST", ts.URL+pathAPI, bearer(set.str("access_token")), okBalance), 401, "invalid_token")
		wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")+"x"), nil), 401, "invalid_token")
	})
	t.Run("allowed scopes", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"allowed_scopes": "user_session"})
		r := call(t, "POST", ts.URL+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "store_admin_manage"})
		wantError(t, r, 400, "invalid_scope")
	})
	t.Run("error answers", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"error_answers": map[string]any{
			"invalid_grant": map[string]any{"status": 401, "body": map[string]any{"error": "invalid_token", "error_description": "gone"}}}})
		r := call(t, "POST", ts.URL+pathUser, nil, refreshBody("no-such-refresh-token"))
		if r.status != 401 || r.raw != `{"error":"invalid_token","error_description":"gone"}` {
			t.Fatalf("invalid_grant replaced: got %d %s", r.status, r.raw)
		}
		wantError(t, call(t, "GET", ts.URL+pathValidate, bearer("no-such-access-token"), nil), 401, "invalid_token")
	})
	t.Run("bad values are a 400 naming the field", func(t *testing.T) {
		ts, _ := newTest(t)
		for field, body := range map[string]map[string]any{
			"validate_expired":             {"validate_expired": "maybe"},
			"expiry_formats.validate":      {"expiry_formats": map[string]string{"validate": "hex"}},
			"allowed_scopes":               {"allowed_scopes": `a"b`},
			"error_answers.invalid_client": {"error_answers": map[string]any{"invalid_client": map[string]any{"status": 503, "body": map[string]any{}}}},
		} {
			r := call(t, "PUT", ts.URL+"/__admin/profile", nil, body)
			if r.status != 400 || r.str("error") != "invalid_request" || !strings.Contains(r.str("error_description"), field) {
				t.Errorf("PUT profile %v: want 400 naming %s, got %d %s", body, field, r.status, r.raw)
			}
		}
	})
}
