package mockserver

import (
	"strings"
	"testing"

	"github.com/plummock/plummock/redact"
)

func TestJournalRecordsRedactedCallsNewestFirst(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token")))
	call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token")))
	all := admin(t, ts.URL, "GET", "/requests", nil)
	reqs, _ := all.body["requests"].([]any)
	if all.status != 200 || len(reqs) != 3 {
		t.Fatalf("journal: %d %s", all.status, all.raw)
	}
	newest := reqs[0].(map[string]any)
	if newest["operation"] != "refreshUserToken" || newest["status"] != float64(400) || newest["error_code"] != "invalid_grant" {
		t.Errorf("newest = %v", newest)
	}
	for _, secret := range []string{set.str("access_token"), set.str("refresh_token"), "demo-secret", "demo-company-token"} {
		if strings.Contains(all.raw, secret) {
			t.Errorf("journal holds a secret: %.12s…", secret)
		}
	}
	if redact.LooksLikeJWT(all.raw) || !strings.Contains(all.raw, redact.Fingerprint(set.str("refresh_token"))) {
		t.Errorf("journal not fingerprinted: %s", all.raw)
	}
	filtered := admin(t, ts.URL, "GET", "/requests?operation=createUserToken&status=200&limit=5", nil)
	if got, _ := filtered.body["requests"].([]any); len(got) != 1 {
		t.Errorf("filtered: %s", filtered.raw)
	}
	if r := sendRaw(t, "GET", ts.URL+"/__admin/requests?status=abc", nil, ""); r.status != 400 || !strings.Contains(r.str("error_description"), "status") {
		t.Errorf("bad filter: %d %s", r.status, r.raw)
	}
	admin(t, ts.URL, "DELETE", "/requests", nil)
	if r := admin(t, ts.URL, "GET", "/requests", nil); !strings.Contains(r.raw, `"requests":[]`) {
		t.Errorf("after clear: %s", r.raw)
	}
}

func TestStateShowsFamiliesRedacted(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token")))
	r := admin(t, ts.URL, "GET", "/state", nil)
	if r.status != 200 || strings.Contains(r.raw, set.str("refresh_token")) || strings.Contains(r.raw, "demo-secret") || redact.LooksLikeJWT(r.raw) {
		t.Fatalf("state: %d %s", r.status, r.raw)
	}
	fp := redact.Fingerprint(set.str("refresh_token"))
	if !strings.Contains(r.raw, `{"id":"`+fp+`","status":"used"`) {
		t.Errorf("state does not show the used refresh token %s: %s", fp, r.raw)
	}
	if !strings.Contains(r.raw, `"id":"`+redact.Fingerprint("demo-company-token")+`","status":"live"`) {
		t.Errorf("fixture token not shown by fingerprint: %s", r.raw)
	}
}

func TestPutFixturesAllOrNothing(t *testing.T) {
	ts, _ := newTest(t)
	yaml := "companies:\n- id: acme\n  client_id: acme-client\n  client_secret: acme-secret\n  access_tokens: [acme-company-token]\n  users:\n  - email: boss@acme.example\n    super_admin: true\nprofile:\n  expiry_format: string\n"
	bad := strings.Replace(yaml, "boss@acme.example", "not-an-email", 1)
	r := sendRaw(t, "PUT", ts.URL+"/__admin/fixtures", map[string]string{"Content-Type": "application/yaml"}, bad)
	if r.status != 400 || !strings.Contains(r.str("error_description"), "companies[0].users[0].email") {
		t.Fatalf("bad fixtures: %d %s", r.status, r.raw)
	}
	createUser(t, ts.URL) // nothing changed: the demo company still works
	r = sendRaw(t, "PUT", ts.URL+"/__admin/fixtures", map[string]string{"Content-Type": "application/yaml"}, yaml)
	if r.status != 200 || r.body["companies"] != float64(1) {
		t.Fatalf("put: %d %s", r.status, r.raw)
	}
	wantError(t, call(t, "POST", ts.URL+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}), 401, "invalid_token")
	acme := call(t, "POST", ts.URL+pathCreate, bearer("acme-company-token"), map[string]string{"user_input": "boss@acme.example", "scope": "user_session"})
	if _, ok := acme.body["access_token_expiry"].(string); acme.status != 200 || !ok {
		t.Fatalf("acme: %d %s", acme.status, acme.raw)
	}
	if r := sendRaw(t, "PUT", ts.URL+"/__admin/fixtures", map[string]string{"Content-Type": "text/plain"}, yaml); r.status != 415 {
		t.Errorf("text/plain fixtures: %d", r.status)
	}
	admin(t, ts.URL, "POST", "/reset", nil)
	createUser(t, ts.URL) // reset returns to the start-up fixtures
}

func TestResetClearsEveryControl(t *testing.T) {
	ts, srv := newTest(t)
	set := createUser(t, ts.URL)
	admin(t, ts.URL, "PUT", "/profile", map[string]any{"expiry_format": "string"})
	admin(t, ts.URL, "POST", "/faults", map[string]any{"operation": "validateToken", "preset": "503", "percent": 100})
	admin(t, ts.URL, "POST", "/ratelimits", map[string]any{"operation": "refreshUserToken", "per_minute": 1})
	admin(t, ts.URL, "POST", "/scenarios/ip_not_allowed", map[string]string{"company": "demo"})
	admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "1h"})
	if r := admin(t, ts.URL, "POST", "/reset", nil); r.status != 200 {
		t.Fatal(r.raw)
	}
	checks := map[string]string{
		"/profile":   `"expiry_format":"number"`,
		"/faults":    `{"faults":[],"rate_limits":[]}`,
		"/scenarios": `"blocks":[]`,
		"/requests":  `"requests":[]`,
	}
	for path, want := range checks {
		if r := admin(t, ts.URL, "GET", path, nil); !strings.Contains(r.raw, want) {
			t.Errorf("%s after reset: %s", path, r.raw)
		}
	}
	if st := srv.clock.State(); st.Offset != 0 || st.Frozen {
		t.Errorf("clock after reset: %+v", st)
	}
	wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil), 401, "invalid_token")
}
