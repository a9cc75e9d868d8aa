package mockserver

import (
	"net/http"
	"strings"
	"testing"
)

// preflightFor sends what a browser sends before a cross-origin call that needs one.
func preflightFor(t *testing.T, url, origin, method, headers string) reply {
	t.Helper()
	h := map[string]string{"Origin": origin, "Access-Control-Request-Method": method}
	if headers != "" {
		h["Access-Control-Request-Headers"] = headers
	}
	return sendRaw(t, http.MethodOptions, url, h, "")
}

func TestPreflightAllowsTracingHeaders(t *testing.T) {
	ts, _ := newTest(t)
	// what a Sentry-instrumented fetch asks for, in the browser's own form
	pre := preflightFor(t, ts.URL+pathAPI, "http://localhost:5173", "POST", "authorization,baggage,content-type,sentry-trace,traceparent")
	allowed := strings.ToLower(pre.header.Get("Access-Control-Allow-Headers"))
	if pre.status != http.StatusNoContent {
		t.Fatalf("preflight: %d %s", pre.status, pre.raw)
	}
	for _, h := range []string{"authorization", "content-type", "sentry-trace", "baggage", "traceparent"} {
		if !strings.Contains(allowed, h) {
			t.Errorf("%s not allowed: %q", h, allowed)
		}
	}
	odd := preflightFor(t, ts.URL+pathAPI, "http://localhost:5173", "POST", "x-fine, bad header, "+strings.Repeat("a", 65))
	if got := odd.header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, "x-fine") || strings.Contains(got, "bad header") || strings.Contains(got, "aaaa") {
		t.Errorf("unreasonable names allowed: %q", got)
	}
}

func TestHTTPSLocalhostOriginsAreAllowed(t *testing.T) {
	ts, _ := newTest(t)
	for _, origin := range []string{"https://localhost:5173", "https://127.0.0.1:8443", "https://localhost"} {
		pre := preflightFor(t, ts.URL+pathValidate, origin, "GET", "authorization")
		if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != origin {
			t.Errorf("%s: %d %v", origin, pre.status, pre.header)
		}
	}
}

func TestBrowserAdminCallsAreRefusedWithTheRealReason(t *testing.T) {
	ts, srv := newTest(t)
	before := srv.Clock().Now()
	pre := preflightFor(t, ts.URL+"/__admin/clock/advance", "http://localhost:3000", "POST", "content-type")
	r := sendRaw(t, "POST", ts.URL+"/__admin/clock/advance", map[string]string{"Origin": "http://localhost:3000", "Content-Type": "text/plain"}, `{"duration":"1h"}`)
	for name, got := range map[string]reply{"preflight": pre, "simple POST": r} {
		if got.status != http.StatusForbidden || got.str("error") != "access_denied" || !strings.Contains(got.str("error_description"), "cross-origin browser calls are refused") ||
			!strings.Contains(got.str("error_description"), "no Origin header") {
			t.Errorf("%s: %d %s", name, got.status, got.raw)
		}
		if got.header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" || !strings.HasPrefix(got.header.Get("Plummock-Reason"), "cross-origin admin call") {
			t.Errorf("%s: the page cannot read why: %v", name, got.header)
		}
	}
	if !srv.Clock().Now().Equal(before) {
		t.Fatal("the browser moved the clock")
	}
	evil := sendRaw(t, "POST", ts.URL+"/__admin/reset", map[string]string{"Origin": "https://evil.example"}, "")
	if evil.status != http.StatusForbidden || evil.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("an origin the API refuses: %d %v", evil.status, evil.header)
	}
}
