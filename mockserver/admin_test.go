package mockserver

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// adminCall drives the handler directly so the test controls the peer address and Host.
func adminCall(srv *Server, method, path, remote, host, auth, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr, req.Host = remote, host
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec
}

func TestAdminProtectionWithoutToken(t *testing.T) {
	_, srv := newTest(t)
	cases := []struct {
		name, remote, host string
		status             int
	}{
		{"loopback v4", "127.0.0.1:5000", "127.0.0.1:8080", 200},
		{"loopback v6", "[::1]:5000", "[::1]:8080", 200},
		{"localhost host", "127.0.0.1:5000", "localhost:8080", 200},
		{"remote peer", "192.0.2.7:5000", "127.0.0.1:8080", 403},
		{"DNS rebinding host", "127.0.0.1:5000", "evil.example:8080", 403},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.clock.State()
			rec := adminCall(srv, "POST", "/__admin/clock/advance", tc.remote, tc.host, "", `{"duration":"1h"}`)
			if rec.Code != tc.status {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if tc.status != 200 && srv.clock.State() != before {
				t.Error("refused call changed the clock")
			}
			if tc.status == 403 && !strings.Contains(rec.Body.String(), `"error":"access_denied"`) {
				t.Errorf("body %s", rec.Body)
			}
		})
	}
	if rec := adminCall(srv, "GET", "/__admin/health", "192.0.2.7:5000", "evil.example", "", ""); rec.Code != 200 || rec.Body.String() != `{"status":"ok"}` {
		t.Errorf("health needs no credential: %d %s", rec.Code, rec.Body)
	}
}

func TestAdminProtectionWithToken(t *testing.T) {
	_, srv := newTest(t, func(o *Options) { o.AdminToken = "s3cret-admin" })
	for _, tc := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Bearer wrong", 401}, {"Basic s3cret-admin", 401}, {"Bearer s3cret-admin", 200}} {
		rec := adminCall(srv, "GET", "/__admin/clock", "192.0.2.7:5000", "mock.internal", tc.auth, "")
		if rec.Code != tc.status {
			t.Errorf("auth %q: %d %s", tc.auth, rec.Code, rec.Body)
		}
		if tc.status == 401 && (!strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") || strings.Contains(rec.Body.String(), "s3cret")) {
			t.Errorf("auth %q: challenge %q body %s", tc.auth, rec.Header().Get("WWW-Authenticate"), rec.Body)
		}
	}
}

func TestAdminDisabled(t *testing.T) {
	_, srv := newTest(t, func(o *Options) { o.DisableAdmin = true })
	if rec := adminCall(srv, "POST", "/__admin/reset", "127.0.0.1:1", "127.0.0.1", "", ""); rec.Code != 404 {
		t.Errorf("admin still served: %d", rec.Code)
	}
	if rec := adminCall(srv, "GET", "/__admin/health", "127.0.0.1:1", "127.0.0.1", "", ""); rec.Code != 200 {
		t.Errorf("health gone with the admin API: %d", rec.Code)
	}
}

func TestAdminBadInputChangesNothing(t *testing.T) {
	_, srv := newTest(t)
	cases := []struct{ name, path, body, field string }{
		{"negative", "/__admin/clock/advance", `{"duration":"-1h"}`, "duration"},
		{"unparsable", "/__admin/clock/advance", `{"duration":"soon"}`, "duration"},
		{"absurd", "/__admin/clock/advance", `{"duration":"9000000h"}`, "duration"},
		{"wrong type", "/__admin/clock/advance", `{"duration":361}`, "duration"},
		{"unknown field", "/__admin/clock/advance", `{"duration":"1h","speed":2}`, "speed"},
		{"empty", "/__admin/clock/advance", ``, "empty"},
		{"bad time", "/__admin/clock/set", `{"time":"tomorrow"}`, "time"},
		{"time past 2200", "/__admin/clock/set", `{"time":"2500-01-01T00:00:00Z"}`, "time"},
		{"time before 1970", "/__admin/clock/set", `{"time":"1969-12-31T00:00:00Z"}`, "time"},
		{"trailing", "/__admin/clock/set", `{"time":"2027-01-01T00:00:00Z"}x`, "after"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := srv.clock.State()
			rec := adminCall(srv, "POST", tc.path, "127.0.0.1:1", "127.0.0.1", "", tc.body)
			var body map[string]string
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			if rec.Code != 400 || body["error"] != "invalid_request" || !strings.Contains(body["error_description"], tc.field) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			if srv.clock.State() != before {
				t.Error("clock changed")
			}
		})
	}
}

func TestAdminClockOperations(t *testing.T) {
	_, srv := newTest(t)
	do := func(path, body string) clockBody {
		t.Helper()
		rec := adminCall(srv, map[bool]string{true: "GET", false: "POST"}[path == "/__admin/clock"], path, "127.0.0.1:1", "127.0.0.1", "", body)
		var cb clockBody
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &cb) != nil {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body)
		}
		return cb
	}
	if cb := do("/__admin/clock", ""); !cb.Frozen || cb.NowMS != testStart.UnixMilli() {
		t.Errorf("get: %+v", cb)
	}
	if cb := do("/__admin/clock/advance", `{"duration":"361h"}`); cb.NowMS != testStart.Add(361*time.Hour).UnixMilli() {
		t.Errorf("advance: %+v", cb)
	}
	if cb := do("/__admin/clock/set", `{"time":"2027-01-01T00:00:00Z"}`); cb.Now != "2027-01-01T00:00:00Z" {
		t.Errorf("set: %+v", cb)
	}
	if cb := do("/__admin/clock/unfreeze", ""); cb.Frozen {
		t.Errorf("unfreeze: %+v", cb)
	}
	if cb := do("/__admin/clock/freeze", ""); !cb.Frozen {
		t.Errorf("freeze: %+v", cb)
	}
	if cb := do("/__admin/clock/reset", ""); cb.Frozen || cb.OffsetMS != 0 || cb.NowMS != testStart.UnixMilli() {
		t.Errorf("reset: %+v", cb)
	}
	if rec := adminCall(srv, "GET", "/__admin/clock/advance", "127.0.0.1:1", "127.0.0.1", "", ""); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET advance: %d", rec.Code)
	}
}

func TestClockCannotBeAdvancedOutOfRange(t *testing.T) {
	_, srv := newTest(t)
	if rec := adminCall(srv, "POST", "/__admin/clock/set", "127.0.0.1:1", "127.0.0.1", "", `{"time":"2199-06-01T00:00:00Z"}`); rec.Code != 200 {
		t.Fatalf("set: %d %s", rec.Code, rec.Body)
	}
	before := srv.clock.State()
	for i := 0; i < 3; i++ {
		rec := adminCall(srv, "POST", "/__admin/clock/advance", "127.0.0.1:1", "127.0.0.1", "", `{"duration":"8760h"}`)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"error_description":"duration: `) {
			t.Fatalf("advance %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if srv.clock.State() != before {
		t.Error("a refused advance moved the clock")
	}
	if rec := adminCall(srv, "GET", "/__admin/state", "127.0.0.1:1", "127.0.0.1", "", ""); rec.Code != 200 {
		t.Errorf("state: %d", rec.Code)
	}
}

// TestAdminRefusesCrossOriginBrowserCalls: a web page's simple POST to /__admin/reset carries
// an Origin (and a loopback Host); it must not reset anything.
func TestAdminRefusesCrossOriginBrowserCalls(t *testing.T) {
	_, srv := newTest(t)
	before := srv.clock.State()
	req := httptest.NewRequest("POST", "/__admin/clock/advance", strings.NewReader(`{"duration":"1h"}`))
	req.RemoteAddr, req.Host = "127.0.0.1:5000", "127.0.0.1:8080"
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "http://localhost:3000")
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "access_denied") || srv.clock.State() != before {
		t.Fatalf("cross-origin admin call: %d %s", rec.Code, rec.Body)
	}
	req.Header.Set("Origin", "http://127.0.0.1:8080") // the mock's own origin
	req.Body = io.NopCloser(strings.NewReader(`{"duration":"1h"}`))
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("same-origin admin call: %d %s", rec.Code, rec.Body)
	}
}
