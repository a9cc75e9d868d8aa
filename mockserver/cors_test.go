package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORSPreflightAndActualRequest(t *testing.T) {
	ts, _ := newTest(t)
	pre := sendRaw(t, "OPTIONS", ts.URL+pathCreate, map[string]string{
		"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "authorization, content-type",
	}, "")
	h := pre.header
	if pre.status != 204 || h.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		h.Get("Access-Control-Allow-Credentials") != "true" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %d %v", pre.status, h)
	}
	r := sendRaw(t, "POST", ts.URL+pathCreate, map[string]string{
		"Origin": "http://127.0.0.1:5173", "Authorization": "Bearer demo-company-token", "Content-Type": "application/json",
	}, okCreate)
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "http://127.0.0.1:5173" ||
		!strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "WWW-Authenticate") || !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Origin") {
		t.Fatalf("actual: %d %v", r.status, r.header)
	}
}

func TestCORSRefusesOtherOrigins(t *testing.T) {
	ts, _ := newTest(t)
	for _, origin := range []string{"https://evil.example", "http://localhost.evil.example:3000", "null"} {
		pre := sendRaw(t, "OPTIONS", ts.URL+pathValidate, map[string]string{"Origin": origin, "Access-Control-Request-Method": "GET"}, "")
		if pre.status != 403 || pre.header.Get("Access-Control-Allow-Origin") != "" || pre.str("error") != "access_denied" {
			t.Errorf("%s preflight: %d %v %s", origin, pre.status, pre.header, pre.raw)
		}
		r := sendRaw(t, "GET", ts.URL+pathValidate, map[string]string{"Origin": origin, "Authorization": "Bearer demo-company-token"}, "")
		if r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s allowed on the actual request", origin)
		}
	}
}

func TestCORSWildcardNeverAllowsCredentials(t *testing.T) {
	ts, _ := newTest(t, func(o *Options) { o.CORSOrigins = []string{"*"} })
	r := sendRaw(t, "GET", ts.URL+"/.well-known/jwks.json", map[string]string{"Origin": "https://anything.example"}, "")
	if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "*" || r.header.Get("Access-Control-Allow-Credentials") != "" {
		t.Fatalf("wildcard: %d %v", r.status, r.header)
	}
}

func TestCORSDisabledAndAdminNotExposed(t *testing.T) {
	ts, _ := newTest(t, func(o *Options) { o.CORSOrigins = []string{} })
	pre := sendRaw(t, "OPTIONS", ts.URL+pathValidate, map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"}, "")
	if pre.status != 403 {
		t.Errorf("no origins configured: %d", pre.status)
	}
	ts2, _ := newTest(t)
	r := sendRaw(t, "GET", ts2.URL+"/__admin/health", map[string]string{"Origin": "http://localhost:3000"}, "")
	if r.status != http.StatusOK || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("admin API offered to browsers: %v", r.header)
	}
}

func TestBadCORSOriginStopsStartup(t *testing.T) {
	for _, o := range []string{"localhost:3000", "ftp://x", "http://x/path"} {
		if _, err := New(Options{CORSOrigins: []string{o}}); err == nil || !strings.Contains(err.Error(), o) {
			t.Errorf("%q: %v", o, err)
		}
	}
}
