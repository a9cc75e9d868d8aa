package mockserver

import (
	"bytes"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

// sampleAdminPath fills an admin.yaml path template with values that exist.
func sampleAdminPath(tmpl string) string {
	return strings.NewReplacer("{scenario}", "password_reset", "{id}", "f999", "{asset}", "app.js", "{spec}", "openapi").Replace(tmpl)
}

var allMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// TestAdminSpecMatchesRoutes walks admin.yaml: every operation it declares is served (not 404
// "no such endpoint", not 405), every method it does not declare on a path answers 405 with
// Allow naming exactly the declared ones, and paths it does not declare answer 404. So what is
// served is admin.yaml, no more and no less.
func TestAdminSpecMatchesRoutes(t *testing.T) {
	ts, srv := newTest(t)
	for tmpl, item := range srv.admin.doc.Paths.Map() {
		declared := map[string]bool{}
		for m := range item.Operations() {
			declared[m] = true
		}
		allow := make([]string, 0, len(declared))
		for m := range declared {
			allow = append(allow, m)
		}
		sort.Strings(allow)
		for _, m := range allMethods {
			r := sendRaw(t, m, ts.URL+"/__admin"+sampleAdminPath(tmpl), map[string]string{"Content-Type": "application/json"}, "{}")
			switch {
			case declared[m] && (r.status == 405 || strings.Contains(r.raw, "no such endpoint")):
				t.Errorf("%s %s declared but not served: %d %s", m, tmpl, r.status, r.raw)
			case !declared[m] && (r.status != 405 || r.header.Get("Allow") != strings.Join(allow, ", ")):
				t.Errorf("%s %s not declared but answered %d (Allow %q, want %q)", m, tmpl, r.status, r.header.Get("Allow"), strings.Join(allow, ", "))
			}
		}
	}
	for _, p := range []string{"/", "/clocks", "/clock/advance/more", "/state/x", "/faults/f1/x", "/health/", "/ui/a/b", "/openapi.json"} {
		r := sendRaw(t, "GET", ts.URL+"/__admin"+p, nil, "")
		if r.status != 404 || r.str("error") != "invalid_request" {
			t.Errorf("%s is not in admin.yaml but answered %d %s", p, r.status, r.raw)
		}
	}
}

// TestAdminStartupNeedsEveryHandler: an operation of admin.yaml without a handler, or a handler
// for an operation admin.yaml lacks, stops start-up.
func TestAdminStartupNeedsEveryHandler(t *testing.T) {
	_, srv := newTest(t)
	ops := srv.adminBindings()
	delete(ops, "getClock")
	if _, err := newAdminAPI(ops); err == nil || !strings.Contains(err.Error(), "getClock") {
		t.Errorf("missing handler: %v", err)
	}
	ops = srv.adminBindings()
	ops["getClocks"] = ops["getClock"]
	if _, err := newAdminAPI(ops); err == nil || !strings.Contains(err.Error(), "getClocks") {
		t.Errorf("undeclared handler: %v", err)
	}
	if _, err := newAdminAPI(srv.adminBindings()); err != nil {
		t.Errorf("the real bindings: %v", err)
	}
}

// TestAdminStrictCatchesResponseDrift: a handler whose answer leaves admin.yaml (a wrong type,
// an undocumented status, a missing Cache-Control) is turned into a logged 500 in strict mode.
func TestAdminStrictCatchesResponseDrift(t *testing.T) {
	drifts := map[string]adminOperation{
		"wrong type": func(w http.ResponseWriter, _ *http.Request, _ adminInput) {
			writeJSON(w, 200, map[string]any{"now": 1, "now_ms": 1, "offset": "0s", "offset_ms": 0, "frozen": false})
		},
		"undocumented status": func(w http.ResponseWriter, _ *http.Request, _ adminInput) {
			writeJSON(w, http.StatusTeapot, map[string]string{"error": "teapot"})
		},
		"no cache-control": func(w http.ResponseWriter, _ *http.Request, _ adminInput) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"now":"2026-03-01T12:00:00Z","now_ms":1,"offset":"0s","offset_ms":0,"frozen":true}`))
		},
	}
	for name, drift := range drifts {
		t.Run(name, func(t *testing.T) {
			logs := &syncBuffer{}
			ts, srv := newTest(t, withLogger(logs))
			srv.admin.operations["getClock"] = drift
			r := sendRaw(t, "GET", ts.URL+"/__admin/clock", nil, "")
			if r.status != 500 || r.str("error") != "server_error" || !strings.Contains(logs.String(), "response violates admin.yaml") {
				t.Fatalf("%d %s; log %s", r.status, r.raw, logs.String())
			}
		})
	}
}

// TestAdminUIHook: the UI and docs routes reach Options.AdminUI with their full path; without
// one they serve the embedded pages.
func TestAdminUIHook(t *testing.T) {
	paths := []string{"/__admin/ui", "/__admin/ui/app.js", "/__admin/docs", "/__admin/docs/openapi"}
	ts, _ := newTest(t)
	for _, p := range paths {
		r := sendRaw(t, "GET", ts.URL+p, nil, "")
		if r.status != 200 || strings.HasPrefix(r.raw, `{"error"`) || len(r.raw) < 100 {
			t.Errorf("%s with the built-in UI: %d %.80s", p, r.status, r.raw)
		}
	}
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte("<p>" + r.URL.Path + "</p>"))
	})
	ts, _ = newTest(t, func(o *Options) { o.AdminUI = ui; o.AdminToken = "tok" })
	for _, p := range paths {
		r := sendRaw(t, "GET", ts.URL+p, nil, "")
		if r.status != 200 || r.raw != "<p>"+p+"</p>" {
			t.Errorf("%s with a UI: %d %s", p, r.status, r.raw)
		}
	}
}

// TestUncleanPathsAnswerJSON404NamingThePath: a base URL ending in "/" gives a doubled slash;
// gorilla/mux answered an empty 301, which a client follows with a GET and no body.
func TestUncleanPathsAnswerJSON404NamingThePath(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	body := refreshBody(set.str("refresh_token"))
	for _, tc := range []struct{ path, want string }{
		{"/chef//v1/oauth/token/user", "/chef/v1/oauth/token/user"},
		{"/chef/v1/oauth/token/user/", "/chef/v1/oauth/token/user"},
		{"//chef/v1/oauth/token/user", "/chef/v1/oauth/token/user"},
		{"/chef/v1/./oauth/token/user", "/chef/v1/oauth/token/user"},
		{"/__admin//clock/advance", "/__admin/clock/advance"},
		{"/__admin/clock/advance/", "/__admin/clock/advance"},
	} {
		r := call(t, "POST", ts.URL+tc.path, nil, body)
		want := "no such endpoint: " + tc.path + " (did you mean " + tc.want + "? check the base URL for a trailing or doubled slash)"
		if r.status != 404 || r.str("error") != "invalid_request" || r.str("error_description") != want || r.header.Get("Location") != "" {
			t.Errorf("POST %s: %d %v %s", tc.path, r.status, r.header, r.raw)
		}
	}
	r := call(t, "POST", ts.URL+"/chef//nothing/here", nil, body)
	if r.status != 404 || r.str("error_description") != "no such endpoint: /chef//nothing/here" {
		t.Errorf("unknown unclean path: %d %s", r.status, r.raw)
	}
	if r := call(t, "POST", ts.URL+pathUser, nil, body); r.status != 200 {
		t.Errorf("the refresh token was spent by a refused call: %d %s", r.status, r.raw)
	}
}

// TestAdminExposureWarning: one warning when the admin API listens beyond loopback without a
// token, none otherwise.
func TestAdminExposureWarning(t *testing.T) {
	cases := []struct {
		name, addr string
		opts       func(*Options)
		warn       bool
	}{
		{"all interfaces v4", "0.0.0.0:8080", func(*Options) {}, true},
		{"all interfaces v6", "[::]:8080", func(*Options) {}, true},
		{"a LAN address", "192.0.2.10:8080", func(*Options) {}, true},
		{"loopback v4", "127.0.0.1:8080", func(*Options) {}, false},
		{"loopback v6", "[::1]:8080", func(*Options) {}, false},
		{"with a token", "0.0.0.0:8080", func(o *Options) { o.AdminToken = "tok" }, false},
		{"admin off", "0.0.0.0:8080", func(o *Options) { o.DisableAdmin = true }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			_, srv := newTest(t, tc.opts, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
			addr, err := net.ResolveTCPAddr("tcp", tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			srv.WarnAdminExposure(addr)
			lines := strings.Count(logs.String(), "level=WARN")
			if tc.warn && (lines != 1 || !strings.Contains(logs.String(), "--admin-token") || !strings.Contains(logs.String(), "reverse proxy")) {
				t.Errorf("want one warning, got %q", logs.String())
			}
			if !tc.warn && logs.Len() != 0 {
				t.Errorf("want no warning, got %q", logs.String())
			}
		})
	}
}

// TestAdminHealthIsServedWithAdminOff: --admin=false keeps health only.
func TestAdminHealthIsServedWithAdminOff(t *testing.T) {
	_, srv := newTest(t, func(o *Options) { o.DisableAdmin = true })
	for path, status := range map[string]int{"/__admin/health": 200, "/__admin/clock": 404, "/__admin/openapi.yaml": 404, "/__admin/ui": 404} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != status {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}
