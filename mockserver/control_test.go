package mockserver

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func admin(t *testing.T, base, method, path string, body any) reply {
	t.Helper()
	return call(t, method, base+"/__admin"+path, nil, body)
}

func TestProfileOptionsAreObservable(t *testing.T) {
	t.Run("expiry as string", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"expiry_format": "string"})
		set := createUser(t, ts.URL)
		if _, ok := set.body["access_token_expiry"].(string); !ok {
			t.Fatalf("expiry not a string: %s", set.raw)
		}
		v := call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil)
		if _, ok := v.body["refresh_token_expiry"].(string); !ok || v.status != 200 {
			t.Fatalf("validate: %s", v.raw)
		}
	})
	t.Run("validate reports lifetime", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"validate_expires_in": "lifetime"})
		set := createUser(t, ts.URL)
		admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "1h"})
		if v := call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil); v.body["expires_in"] != float64(1296000) {
			t.Fatalf("validate: %s", v.raw)
		}
	})
	t.Run("grace period", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"refresh_grace": "6h"})
		rt := createUser(t, ts.URL).str("refresh_token")
		for i := 0; i < 2; i++ {
			if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(rt)); r.status != 200 {
				t.Fatalf("use %d within grace: %s", i, r.raw)
			}
		}
		admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "6h"})
		wantError(t, call(t, "POST", ts.URL+pathUser, nil, refreshBody(rt)), 400, "invalid_grant")
	})
	t.Run("family revoked on reuse", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"revoke_family_on_reuse": true})
		first := createUser(t, ts.URL)
		next := call(t, "POST", ts.URL+pathUser, nil, refreshBody(first.str("refresh_token")))
		wantError(t, call(t, "POST", ts.URL+pathUser, nil, refreshBody(first.str("refresh_token"))), 400, "invalid_grant")
		wantError(t, call(t, "POST", ts.URL+pathUser, nil, refreshBody(next.str("refresh_token"))), 400, "invalid_grant")
		wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(next.str("access_token")), nil), 401, "invalid_token")
	})
	t.Run("default keeps the successor after a replay", func(t *testing.T) {
		ts, _ := newTest(t)
		first := createUser(t, ts.URL)
		next := call(t, "POST", ts.URL+pathUser, nil, refreshBody(first.str("refresh_token")))
		call(t, "POST", ts.URL+pathUser, nil, refreshBody(first.str("refresh_token")))
		if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(next.str("refresh_token"))); r.status != 200 {
			t.Fatalf("successor died: %s", r.raw)
		}
	})
	t.Run("max active pairs and killing old access", func(t *testing.T) {
		for _, body := range []map[string]any{{"max_active_pairs": 1}, {"kill_old_access_on_create": true}} {
			ts, _ := newTest(t)
			admin(t, ts.URL, "PUT", "/profile", body)
			first := createUser(t, ts.URL)
			createUser(t, ts.URL)
			wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(first.str("access_token")), nil), 401, "invalid_token")
		}
	})
	t.Run("fixed refresh expiry", func(t *testing.T) {
		ts, _ := newTest(t)
		admin(t, ts.URL, "PUT", "/profile", map[string]any{"fixed_refresh_expiry": true})
		first := createUser(t, ts.URL)
		admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "24h"})
		next := call(t, "POST", ts.URL+pathUser, nil, refreshBody(first.str("refresh_token")))
		if next.body["refresh_token_expiry"] != first.body["refresh_token_expiry"] {
			t.Fatalf("refresh expiry moved: %v -> %v", first.body["refresh_token_expiry"], next.body["refresh_token_expiry"])
		}
	})
}

func TestProfileBadInputChangesNothing(t *testing.T) {
	ts, _ := newTest(t)
	for body, field := range map[string]string{
		`{"expiry_format":"hex"}`:   "expiry_format",
		`{"refresh_grace":"-1h"}`:   "refresh_grace",
		`{"refresh_grace":"soon"}`:  "refresh_grace",
		`{"max_active_pairs":-1}`:   "max_active_pairs",
		`{"max_active_pairs":"1"}`:  "max_active_pairs",
		`{"grace":"1h"}`:            "grace",
		`{"validate_expires_in":1}`: "validate_expires_in",
	} {
		r := sendRaw(t, "PUT", ts.URL+"/__admin/profile", jsonOnly, body)
		if r.status != 400 || !strings.Contains(r.str("error_description"), field) {
			t.Errorf("%s: %d %s", body, r.status, r.raw)
		}
	}
	if p := admin(t, ts.URL, "GET", "/profile", nil); p.str("expiry_format") != "number" || p.str("refresh_grace") != "0s" {
		t.Errorf("profile changed: %s", p.raw)
	}
}

func TestScenarios(t *testing.T) {
	cases := []struct {
		name, user string
		check      func(t *testing.T, base string, set reply)
	}{
		{"password_reset", "", func(t *testing.T, base string, set reply) {
			r := call(t, "GET", base+pathValidate, bearer(set.str("access_token")), nil)
			if r.status != 401 || r.raw != `{"success":0,"error_message_id":"auth.token_error"}` {
				t.Fatalf("%d %s", r.status, r.raw)
			}
		}},
		{"other_super_admin", "admin@demo.example", func(t *testing.T, base string, set reply) {
			wantError(t, call(t, "GET", base+pathValidate, bearer(set.str("access_token")), nil), 401, "invalid_token")
			wantError(t, call(t, "POST", base+pathUser, nil, refreshBody(set.str("refresh_token"))), 400, "invalid_grant")
		}},
		{"user_disabled", "admin@demo.example", func(t *testing.T, base string, set reply) {
			r := call(t, "POST", base+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
			wantBusiness(t, r, 401, "PIPE10015")
		}},
		{"company_disabled", "", func(t *testing.T, base string, set reply) {
			wantBusiness(t, call(t, "GET", base+pathValidate, bearer("demo-company-token"), nil), 401, "PIPE10016")
			wantBusiness(t, call(t, "POST", base+pathCompany, nil, refreshBody("demo-company-refresh")), 401, "PIPE10016")
		}},
		{"ip_not_allowed", "", func(t *testing.T, base string, set reply) {
			wantBusiness(t, call(t, "GET", base+pathValidate, bearer(set.str("access_token")), nil), 401, "PIPE10017")
			admin(t, base, "DELETE", "/scenarios", nil)
			if r := call(t, "GET", base+pathValidate, bearer(set.str("access_token")), nil); r.status != 200 {
				t.Fatalf("block not lifted: %s", r.raw)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts, _ := newTest(t)
			set := createUser(t, ts.URL)
			body := map[string]string{"company": "demo"}
			if tc.user != "" { // left out: the whole company ("" is refused)
				body["user"] = tc.user
			}
			r := admin(t, ts.URL, "POST", "/scenarios/"+tc.name, body)
			if r.status != 200 || r.str("scenario") != tc.name {
				t.Fatalf("scenario: %d %s", r.status, r.raw)
			}
			tc.check(t, ts.URL, set)
		})
	}
}

func TestRegenerateScenarioReturnsFreshCompanyPair(t *testing.T) {
	ts, _ := newTest(t)
	r := admin(t, ts.URL, "POST", "/scenarios/regenerate", map[string]string{"company": "demo"})
	toks, _ := r.body["tokens"].(map[string]any)
	if r.status != 200 || toks["token_type"] != "bearer" || toks["expires_in"] != float64(2592000) {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	wantError(t, call(t, "GET", ts.URL+pathValidate, bearer("demo-company-token"), nil), 401, "invalid_token")
	if c := call(t, "POST", ts.URL+pathCreate, bearer(toks["access_token"].(string)), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}); c.status != 200 {
		t.Fatalf("fresh company token refused: %s", c.raw)
	}
	if c := call(t, "POST", ts.URL+pathCompany, nil, refreshBody(toks["refresh_token"].(string))); c.status != 200 {
		t.Fatalf("fresh company refresh refused: %s", c.raw)
	}
}

func TestScenarioBadInput(t *testing.T) {
	ts, _ := newTest(t)
	for _, tc := range []struct {
		path, body string
		status     int
		field      string
	}{
		{"/scenarios/meteor", `{"company":"demo"}`, 404, "meteor"},
		{"/scenarios/password_reset", `{"company":"nope"}`, 400, "company"},
		{"/scenarios/password_reset", `{"company":"demo","user":"ghost@demo.example"}`, 400, "user"},
		{"/scenarios/user_disabled", `{"company":"demo"}`, 400, "user"},
		{"/scenarios/password_reset", `{"company":"demo","colour":"red"}`, 400, "colour"},
	} {
		r := sendRaw(t, "POST", ts.URL+"/__admin"+tc.path, jsonOnly, tc.body)
		if r.status != tc.status || !strings.Contains(r.str("error_description"), tc.field) {
			t.Errorf("%s %s: %d %s", tc.path, tc.body, r.status, r.raw)
		}
	}
	if r := admin(t, ts.URL, "GET", "/scenarios", nil); !strings.Contains(r.raw, `"blocks":[]`) {
		t.Errorf("blocks after bad input: %s", r.raw)
	}
}

func wantBusiness(t *testing.T, r reply, status int, id string) {
	t.Helper()
	if r.status != status || r.str("errorId") != id || r.body["code"] != float64(status) {
		t.Fatalf("got %d %s, want %d %s", r.status, r.raw, status, id)
	}
}

func TestFaultPresetsAnswerExactly(t *testing.T) {
	for preset, want := range map[string]struct {
		status int
		body   string
	}{
		"rate_limited":  {429, `{"message":"auth.request_limit_exceeded"}`},
		"per_api_limit": {429, `{"errors":[{"message":"auth.request_limit_exceeded","penaltySeconds":60}]}`},
		"500":           {500, `{"error":"server_error","error_description":"internal error"}`},
		"502":           {502, `{"error":"bad_gateway","error_description":"upstream error"}`},
		"503":           {503, `{"error":"temporarily_unavailable","error_description":"service unavailable"}`},
	} {
		t.Run(preset, func(t *testing.T) {
			ts, _ := newTest(t)
			f := admin(t, ts.URL, "POST", "/faults", map[string]any{"operation": "createUserToken", "preset": preset, "count": 1})
			if f.status != 201 || f.str("id") == "" {
				t.Fatalf("add: %d %s", f.status, f.raw)
			}
			r := call(t, "POST", ts.URL+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
			if r.status != want.status || r.raw != want.body || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %s", r.status, r.raw)
			}
			createUser(t, ts.URL) // count 1: the next call is served
		})
	}
}

func TestFaultCustomDelayDropAndClear(t *testing.T) {
	ts, _ := newTest(t)
	admin(t, ts.URL, "POST", "/faults", map[string]any{"operation": "validateToken", "status": 418, "body": map[string]string{"error": "teapot"}, "count": 1, "delay": "50ms"})
	start := time.Now()
	r := call(t, "GET", ts.URL+pathValidate, bearer("demo-company-token"), nil)
	if r.status != 418 || r.raw != `{"error":"teapot"}` || time.Since(start) < 50*time.Millisecond {
		t.Fatalf("custom: %d %s after %v", r.status, r.raw, time.Since(start))
	}
	admin(t, ts.URL, "POST", "/faults", map[string]any{"operation": "*", "drop": true, "count": 1})
	req, _ := http.NewRequest("GET", ts.URL+pathValidate, nil)
	req.Header.Set("Authorization", "Bearer demo-company-token")
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // no silent retry on a reused conn
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered %d", resp.StatusCode)
	}
	admin(t, ts.URL, "POST", "/faults", map[string]any{"operation": "*", "preset": "503", "percent": 100})
	if l := admin(t, ts.URL, "GET", "/faults", nil); !strings.Contains(l.raw, `"percent":100`) {
		t.Fatalf("list: %s", l.raw)
	}
	admin(t, ts.URL, "DELETE", "/faults", nil)
	if r := call(t, "GET", ts.URL+pathValidate, bearer("demo-company-token"), nil); r.status != 200 {
		t.Fatalf("after clear: %s", r.raw)
	}
}

func TestFaultBadInput(t *testing.T) {
	ts, _ := newTest(t)
	for body, field := range map[string]string{
		`{"operation":"nope","preset":"500","count":1}`:              "operation",
		`{"operation":"*","status":99,"body":{},"count":1}`:          "status",
		`{"operation":"*","preset":"500","count":1,"delay":"-1s"}`:   "delay",
		`{"operation":"*","preset":"500"}`:                           "count",
		`{"operation":"*","preset":"500","count":1,"colour":"red"}`:  "colour",
		`{"operation":"*","preset":"500","count":1,"percent":"all"}`: "percent",
		`{"operation":"*","preset":"500","count":1,"id":"f7"}`:       "id",
		`{"operation":"*","preset":"500","count":1,"remaining":9}`:   "remaining",
	} {
		r := sendRaw(t, "POST", ts.URL+"/__admin/faults", jsonOnly, body)
		if r.status != 400 || !strings.Contains(r.str("error_description"), field) {
			t.Errorf("%s: %d %s", body, r.status, r.raw)
		}
	}
	if l := admin(t, ts.URL, "GET", "/faults", nil); l.raw != `{"faults":[],"rate_limits":[]}` {
		t.Errorf("bad faults were added: %s", l.raw)
	}
}

func TestRateLimitPerMockMinute(t *testing.T) {
	ts, _ := newTest(t)
	if r := admin(t, ts.URL, "POST", "/ratelimits", map[string]any{"operation": "createUserToken", "per_minute": 2}); r.status != 200 {
		t.Fatalf("%s", r.raw)
	}
	createUser(t, ts.URL)
	createUser(t, ts.URL)
	r := call(t, "POST", ts.URL+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
	if r.status != 429 || r.raw != `{"message":"auth.request_limit_exceeded"}` {
		t.Fatalf("third call: %d %s", r.status, r.raw)
	}
	admin(t, ts.URL, "POST", "/clock/advance", map[string]string{"duration": "1m"})
	createUser(t, ts.URL)
}

func TestLiftedBlockLeavesRevokedTokensPlainlyDead(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	admin(t, ts.URL, "POST", "/scenarios/user_disabled", map[string]string{"company": "demo", "user": "admin@demo.example"})
	wantBusiness(t, call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil), 401, "PIPE10015")
	admin(t, ts.URL, "DELETE", "/scenarios", nil)
	wantError(t, call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil), 401, "invalid_token")
	wantError(t, call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token"))), 400, "invalid_grant")
	createUser(t, ts.URL) // the user may sign in again
}
