package mockserver

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/plummock/plummock/redact"
)

// TestRequestIDIsEchoedOrMinted: a caller's safe X-Request-Id comes back and names the call in
// the journal; an unsafe one (it could carry a secret or break a log line) is replaced; calls
// without one get distinct ids.
func TestRequestIDIsEchoedOrMinted(t *testing.T) {
	ts, _ := newTest(t)
	safe := call(t, "GET", ts.URL+"/chef/v1/oauth/token", map[string]string{"X-Request-Id": "trace-42.a_b"}, nil)
	if got := safe.header.Get("X-Request-Id"); got != "trace-42.a_b" {
		t.Fatalf("safe id not echoed: %q", got)
	}
	wantError(t, safe, http.StatusUnauthorized, "invalid_request")
	for _, unsafe := range []string{"Bearer eyJhbGciOiJSUzI1NiJ9", strings.Repeat("a", 65), "semi;colon"} {
		got := call(t, "GET", ts.URL+"/chef/v1/oauth/token", map[string]string{"X-Request-Id": unsafe}, nil).header.Get("X-Request-Id")
		if got == unsafe || got == "" || !safeRequestID(got) {
			t.Errorf("unsafe id %q answered with %q", unsafe, got)
		}
	}
	seen := map[string]bool{}
	for range 5 {
		id := call(t, "GET", ts.URL+"/chef/v1/oauth/token", nil, nil).header.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Fatalf("minted id %q empty or repeated (%v)", id, seen)
		}
		seen[id] = true
	}
	j := call(t, "GET", ts.URL+"/__admin/requests?limit=100", nil, nil)
	if !strings.Contains(j.raw, `"request_id":"trace-42.a_b"`) {
		t.Errorf("the journal does not name the call by its id: %s", j.raw)
	}
}

// TestRequestIDNeverRepeatsASecret: a secret the mock knows (a refresh token, the client
// secret) fits the id's alphabet; sent as X-Request-Id it is replaced, in the answer and in the
// debug log, as any unsafe id is.
func TestRequestIDNeverRepeatsASecret(t *testing.T) {
	logs := &syncBuffer{}
	ts, _ := newTest(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	refresh := createUser(t, ts.URL).str("refresh_token")
	for _, secret := range []string{refresh, "demo-secret"} {
		r := call(t, "GET", ts.URL+"/chef/v1/oauth/token", map[string]string{"X-Request-Id": secret}, nil)
		wantError(t, r, http.StatusUnauthorized, "invalid_request")
		if got := r.header.Get("X-Request-Id"); got == secret || !safeRequestID(got) {
			t.Errorf("X-Request-Id %s answered with %q", redact.Fingerprint(secret), got)
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log repeats the secret %s sent as X-Request-Id", redact.Fingerprint(secret))
		}
	}
}

// TestLogLevels: at info the log shows admin changes and not API calls or admin reads; at debug
// it shows every request.
func TestLogLevels(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		logs := &syncBuffer{}
		ts, _ := newTest(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level})) })
		createUser(t, ts.URL)
		if r := call(t, "GET", ts.URL+"/__admin/clock", nil, nil); r.status != http.StatusOK {
			t.Fatalf("clock: %d %s", r.status, r.raw)
		}
		if r := call(t, "POST", ts.URL+"/__admin/clock/advance", nil, map[string]string{"duration": "1h"}); r.status != http.StatusOK {
			t.Fatalf("advance: %d %s", r.status, r.raw)
		}
		out := logs.String()
		if !strings.Contains(out, "level=INFO msg=request") || !strings.Contains(out, "path=/__admin/clock/advance") {
			t.Errorf("%v: the admin change is not logged at info:\n%s", level, out)
		}
		apiLogged := strings.Contains(out, "operation=createUserToken") && strings.Contains(out, "path=/__admin/clock ")
		if apiLogged != (level == slog.LevelDebug) {
			t.Errorf("%v: API call and admin read logged = %v:\n%s", level, apiLogged, out)
		}
	}
}

// TestRefusalLogNamesTheOperation: the debug line of a refusal names the request id and the
// operation, also when strict mode buffers the handler's answer (the handler then writes to a
// recorder, not to the request's exchange).
func TestRefusalLogNamesTheOperation(t *testing.T) {
	logs := &syncBuffer{}
	ts, _ := newTest(t, withLogger(logs))
	r := sendRaw(t, "GET", ts.URL+pathValidate, map[string]string{"Authorization": "Bearer unknown-token-abc", "X-Request-Id": "req-77"}, "")
	if r.status != http.StatusUnauthorized {
		t.Fatalf("status %d %s", r.status, r.raw)
	}
	var line string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "msg=refused") {
			line = l
		}
	}
	if !strings.Contains(line, "operation=validateToken") || !strings.Contains(line, "request_id=req-77") {
		t.Fatalf("refusal line %q does not name the operation and request id; logs:\n%s", line, logs.String())
	}
}
