package mockserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// wantAdminRefusal asserts a 400 invalid_request whose description starts with the field.
func wantAdminRefusal(t *testing.T, r reply, field string) {
	t.Helper()
	if r.status != http.StatusBadRequest || r.str("error") != "invalid_request" || !strings.HasPrefix(r.str("error_description"), field+": ") {
		t.Fatalf("want 400 naming %s, got %d %s", field, r.status, r.raw)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("400 without Cache-Control: no-store: %v", r.header)
	}
}

// TestRateLimitWithoutPerMinuteIsRefused: left out or null, per_minute used to read as 0 and
// silently remove the limit.
func TestRateLimitWithoutPerMinuteIsRefused(t *testing.T) {
	ts, _ := newTest(t)
	limit := `{"rate_limits":[{"operation":"refreshUserToken","per_minute":10}]}`
	if r := admin(t, ts.URL, "POST", "/ratelimits", map[string]any{"operation": "refreshUserToken", "per_minute": 10}); r.raw != limit {
		t.Fatalf("set: %d %s", r.status, r.raw)
	}
	for name, tc := range map[string]struct{ body, field string }{
		"per_minute left out":  {`{"operation":"refreshUserToken"}`, "per_minute"},
		"per_minute null":      {`{"operation":"refreshUserToken","per_minute":null}`, "per_minute"},
		"per_minute string":    {`{"operation":"refreshUserToken","per_minute":"0"}`, "per_minute"},
		"operation empty":      {`{"operation":"","per_minute":0}`, "operation"},
		"operation null":       {`{"operation":null,"per_minute":0}`, "operation"},
		"operation left out":   {`{"per_minute":0}`, "operation"},
		"per_minute too large": {`{"operation":"refreshUserToken","per_minute":1000001}`, "per_minute"},
	} {
		t.Run(name, func(t *testing.T) {
			wantAdminRefusal(t, admin(t, ts.URL, "POST", "/ratelimits", tc.body), tc.field)
			if r := admin(t, ts.URL, "GET", "/ratelimits", nil); r.raw != limit {
				t.Fatalf("the limit changed: %s", r.raw)
			}
		})
	}
	if r := admin(t, ts.URL, "POST", "/ratelimits", `{"operation":"refreshUserToken","per_minute":0}`); r.raw != `{"rate_limits":[]}` {
		t.Fatalf("per_minute 0 (given) removes the limit: %d %s", r.status, r.raw)
	}
}

// TestScenarioUserNullOrEmptyIsRefused: user null or "" used to mean "every user of the
// company"; only leaving it out means that.
func TestScenarioUserNullOrEmptyIsRefused(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	for name, tc := range map[string]struct{ body, field string }{
		"user null":          {`{"company":"demo","user":null}`, "user"},
		"user empty":         {`{"company":"demo","user":""}`, "user"},
		"user not an email":  {`{"company":"demo","user":"admin"}`, "user"},
		"company null":       {`{"company":null}`, "company"},
		"company empty":      {`{"company":""}`, "company"},
		"company left out":   {`{"user":"admin@demo.example"}`, "company"},
		"unknown field":      {`{"company":"demo","users":"x@y.z"}`, "users"},
		"company not string": {`{"company":7}`, "company"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, scenario := range []string{"password_reset", "other_super_admin", "user_disabled"} {
				wantAdminRefusal(t, admin(t, ts.URL, "POST", "/scenarios/"+scenario, tc.body), tc.field)
			}
			if r := call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil); r.status != 200 {
				t.Fatalf("a refused scenario killed the user's token: %d %s", r.status, r.raw)
			}
			if r := admin(t, ts.URL, "GET", "/scenarios", nil); !strings.Contains(r.raw, `"blocks":[]`) {
				t.Fatalf("a refused scenario left a block: %s", r.raw)
			}
		})
	}
}

// TestProfileNullIsRefused: null used to read as the field's zero value (and answer 200);
// left out still means the default.
func TestProfileNullIsRefused(t *testing.T) {
	ts, _ := newTest(t)
	set := admin(t, ts.URL, "PUT", "/profile", `{"refresh_grace":"6h","revoke_family_on_reuse":true,"expiry_format":"string"}`)
	if set.status != 200 || set.str("refresh_grace") != "6h0m0s" {
		t.Fatalf("put: %d %s", set.status, set.raw)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"refresh_grace":null}`, "refresh_grace"},
		{`{"refresh_grace":""}`, "refresh_grace"},
		{`{"refresh_grace":"soon"}`, "refresh_grace"},
		{`{"refresh_grace":"-1h"}`, "refresh_grace"},
		{`{"revoke_family_on_reuse":null}`, "revoke_family_on_reuse"},
		{`{"max_active_pairs":null}`, "max_active_pairs"},
		{`{"expiry_format":null}`, "expiry_format"},
		{`{"expiry_format":""}`, "expiry_format"},
		{`{"validate_expires_in":null}`, "validate_expires_in"},
		{`{"fixed_refresh_expiry":"true"}`, "fixed_refresh_expiry"},
	} {
		t.Run(tc.body, func(t *testing.T) {
			wantAdminRefusal(t, admin(t, ts.URL, "PUT", "/profile", tc.body), tc.field)
			if r := admin(t, ts.URL, "GET", "/profile", nil); r.raw != set.raw {
				t.Fatalf("the profile changed: %s", r.raw)
			}
		})
	}
	if r := admin(t, ts.URL, "PUT", "/profile", `{}`); r.status != 200 || r.str("refresh_grace") != "0s" || r.str("expiry_format") != "number" {
		t.Fatalf("left out takes the defaults: %d %s", r.status, r.raw)
	}
}

// TestAdminBodiesNullEverywhereElse: the other admin bodies refuse null and "" where a value
// must name something, and change nothing.
func TestAdminBodiesNullEverywhereElse(t *testing.T) {
	ts, srv := newTest(t)
	before := srv.clock.State()
	for _, tc := range []struct{ method, path, body, field string }{
		{"POST", "/clock/advance", `{"duration":null}`, "duration"},
		{"POST", "/clock/advance", `{"duration":""}`, "duration"},
		{"POST", "/clock/set", `{"time":null}`, "time"},
		{"POST", "/faults", `{"operation":"*","preset":null}`, "preset"},
		{"POST", "/faults", `{"operation":"*","status":500,"body":null}`, "body"},
		{"POST", "/faults", `{"operation":"*","delay":""}`, "delay"},
		{"POST", "/faults", `{"operation":"","preset":"503"}`, "operation"},
		{"PUT", "/fixtures", `{"companies":null}`, "companies"},
		{"PUT", "/fixtures", `{"companies":[{"id":"x","client_id":"x","client_secret":null}]}`, "companies.0.client_secret"},
	} {
		t.Run(tc.path+" "+tc.body, func(t *testing.T) {
			wantAdminRefusal(t, admin(t, ts.URL, tc.method, tc.path, tc.body), tc.field)
		})
	}
	if srv.clock.State() != before {
		t.Error("the clock moved")
	}
	if r := admin(t, ts.URL, "GET", "/faults", nil); r.raw != `{"faults":[],"rate_limits":[]}` {
		t.Errorf("a fault was added: %s", r.raw)
	}
	if r := call(t, "GET", ts.URL+pathValidate, bearer("demo-company-token"), nil); r.status != 200 {
		t.Errorf("the fixtures changed: %d %s", r.status, r.raw)
	}
}

// TestAdminQueryParametersAreValidated: the journal's query is checked against admin.yaml.
func TestAdminQueryParametersAreValidated(t *testing.T) {
	ts, _ := newTest(t)
	for _, q := range []string{"limit=abc", "limit=-1", "status=x", "status=99", "operation="} {
		r := admin(t, ts.URL, "GET", "/requests?"+q, nil)
		field := "parameter " + strings.SplitN(q, "=", 2)[0]
		if r.status != 400 || r.str("error") != "invalid_request" || !strings.HasPrefix(r.str("error_description"), field+": ") {
			t.Errorf("?%s: %d %s", q, r.status, r.raw)
		}
	}
	if r := admin(t, ts.URL, "GET", "/requests?limit=5&status=200&operation=validateToken", nil); r.status != 200 {
		t.Errorf("good query: %d %s", r.status, r.raw)
	}
}

// TestAdminTransportErrorsAreDocumented: 415, 413, 404, 405 answers in the JSON error shape,
// with the headers admin.yaml declares (the strict server checks them against it too).
func TestAdminTransportErrorsAreDocumented(t *testing.T) {
	ts, _ := newTest(t)
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		desc                            string
	}{
		{"text body", "POST", "/clock/advance", "text/plain", `{"duration":"1h"}`, 415, "Content-Type must be application/json"},
		{"no content type", "PUT", "/profile", "", `{}`, 415, "Content-Type must be application/json"},
		{"fixtures as text", "PUT", "/fixtures", "text/plain", "companies: []", 415, "Content-Type must be application/json or application/x-yaml or application/yaml"},
		{"too large", "POST", "/faults", "application/json", `{"operation":"` + strings.Repeat("a", DefaultMaxBodyBytes) + `"}`, 413, "request body exceeds 65536 bytes"},
		{"empty body", "POST", "/clock/set", "application/json", ``, 400, "request body is empty"},
		{"duplicate key", "POST", "/clock/set", "application/json", `{"time":"2027-01-01T00:00:00Z","time":"2028-01-01T00:00:00Z"}`, 400, "time: "},
		{"unknown scenario", "POST", "/scenarios/nope", "application/json", `{"company":"demo"}`, 404, "no such scenario: nope (value is not one of the allowed values"},
		{"unknown fault", "DELETE", "/faults/f9", "", ``, 404, "no fault f9"},
		{"wrong method", "GET", "/clock/advance", "", ``, 405, "method GET is not allowed on this path"},
		{"unknown path", "GET", "/clocks", "", ``, 404, "no such endpoint: /__admin/clocks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := map[string]string{}
			if tc.ctype != "" {
				h["Content-Type"] = tc.ctype
			}
			r := sendRaw(t, tc.method, ts.URL+"/__admin"+tc.path, h, tc.body)
			var e map[string]string
			if r.status != tc.status || json.Unmarshal([]byte(r.raw), &e) != nil || e["error"] != "invalid_request" ||
				!strings.HasPrefix(e["error_description"], tc.desc) || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %v %s", r.status, r.header, r.raw)
			}
			if tc.status == 405 && r.header.Get("Allow") != "POST" {
				t.Errorf("Allow %q", r.header.Get("Allow"))
			}
		})
	}
}

// TestAdminSpecIsServedAsYAML: the spec names its own media type and no-store.
func TestAdminSpecIsServedAsYAML(t *testing.T) {
	ts, _ := newTest(t)
	r := sendRaw(t, "GET", ts.URL+"/__admin/openapi.yaml", nil, "")
	if r.status != 200 || r.header.Get("Content-Type") != "application/yaml" || r.header.Get("Cache-Control") != "no-store" || r.raw != string(adminSpec) {
		t.Fatalf("%d %v %.80s", r.status, r.header, r.raw)
	}
}
