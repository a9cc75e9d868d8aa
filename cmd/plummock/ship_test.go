package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/plummock/plummock/mockserver/store/redistest"
)

// answer is one HTTP answer from a plummock process, body decoded.
type answer struct {
	status int
	body   map[string]any
	raw    string
}

func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

// send sends a JSON request; token, if set, is the Bearer credential.
func send(t *testing.T, method, url, token string, body any) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// e1 creates a user token set for the demo Super Admin.
func e1(t *testing.T, base string) answer {
	t.Helper()
	a := send(t, "POST", base+"/chef/v1/oauth/token/create/user", "demo-company-token",
		map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
	if a.status != 200 || a.str("refresh_token") == "" {
		t.Fatalf("E1 on %s: %d %s", base, a.status, a.raw)
	}
	return a
}

func refresh(t *testing.T, base, token string) answer {
	t.Helper()
	return send(t, "POST", base+"/chef/v1/oauth/token/user", "", map[string]string{
		"grant_type": "refresh_token", "refresh_token": token, "client_id": "demo-client", "client_secret": "demo-secret"})
}

func clockOffset(t *testing.T, base string) string {
	t.Helper()
	return send(t, "GET", base+"/__admin/clock", "", nil).str("offset")
}

func advance(t *testing.T, base, d string) {
	t.Helper()
	if a := send(t, "POST", base+"/__admin/clock/advance", "", map[string]string{"duration": d}); a.status != 200 {
		t.Fatalf("advance: %d %s", a.status, a.raw)
	}
}

// wantPlumError asserts an error answer in Plum's OAuth shape.
func wantPlumError(t *testing.T, what string, a answer, status int, code string) {
	t.Helper()
	if a.status != status || a.str("error") != code || a.str("error_description") == "" {
		t.Errorf("%s: %d %s, want %d with error %q", what, a.status, a.raw, status, code)
	}
}

// TestFileStoreSurvivesKill9: a file-store instance killed with SIGKILL and restarted still
// accepts the refresh token an app stored, with the clock offset it had.
func TestFileStoreSurvivesKill9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plummock.db")
	p := startBinary(t, "--store", "file:"+path)
	set := e1(t, p.base)
	advance(t, p.base, "48h")
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	q := startBinary(t, "--store", "file:"+path)
	if got := clockOffset(t, q.base); got != "48h0m0s" {
		t.Errorf("clock offset after kill -9 = %q, want 48h0m0s", got)
	}
	next := refresh(t, q.base, set.str("refresh_token"))
	if next.status != 200 || next.str("refresh_token") == "" || next.str("access_token") == "" {
		t.Fatalf("refresh after kill -9: %d %s", next.status, next.raw)
	}
	wantPlumError(t, "replay after restart", refresh(t, q.base, set.str("refresh_token")), 400, "invalid_grant")
}

// TestTwoReplicasOnRealRedis is the acceptance run: two processes, one redis-server,
// the same signing key. Skipped unless PLUMMOCK_REDIS_INTEGRATION=1 (CI sets it).
func TestTwoReplicasOnRealRedis(t *testing.T) {
	rs := redistest.Start(t)
	key := filepath.Join("..", "..", "fixtures", "testkey.pem")
	a := startBinary(t, "--store", rs.URL(), "--key", key)
	b := startBinary(t, "--store", rs.URL(), "--key", key)
	set := e1(t, a.base)
	if v := send(t, "GET", b.base+"/chef/v1/oauth/token", set.str("access_token"), nil); v.status != 200 || v.str("access_token") != set.str("access_token") {
		t.Fatalf("B validating A's token: %d %s", v.status, v.raw)
	}
	t.Run("one of 50 concurrent refreshes wins", func(t *testing.T) { concurrentRefreshes(t, set.str("refresh_token"), a.base, b.base) })
	advance(t, a.base, "361h")
	if got := clockOffset(t, b.base); got != "361h0m0s" {
		t.Errorf("B's clock offset after A advanced = %q", got)
	}
	fresh := e1(t, b.base)
	if r := send(t, "POST", a.base+"/__admin/reset", "", nil); r.status != 200 {
		t.Fatalf("reset on A: %d %s", r.status, r.raw)
	}
	wantPlumError(t, "B refreshing a pre-reset token", refresh(t, b.base, fresh.str("refresh_token")), 400, "invalid_grant")
	if got := clockOffset(t, b.base); got != "0s" {
		t.Errorf("B's clock offset after A's reset = %q", got)
	}
	t.Run("outage", func(t *testing.T) { redisOutage(t, rs, a.base, b.base) })
}

// concurrentRefreshes sends 50 refreshes of one token, alternating between replicas.
func concurrentRefreshes(t *testing.T, token string, bases ...string) {
	var wg sync.WaitGroup
	answers := make([]answer, 50)
	for i := range answers {
		wg.Go(func() { answers[i] = refresh(t, bases[i%len(bases)], token) })
	}
	wg.Wait()
	won := 0
	for _, a := range answers {
		switch {
		case a.status == 200 && a.str("refresh_token") != "":
			won++
		case a.status == 400 && a.str("error") == "invalid_grant":
		default:
			t.Errorf("unexpected answer: %d %s", a.status, a.raw)
		}
	}
	if won != 1 {
		t.Errorf("%d of 50 concurrent refreshes succeeded, want exactly 1", won)
	}
}

// redisOutage: with Redis down both replicas answer 503 in Plum's shape (never 500); when it
// comes back (empty: it persists nothing) they seed it again and answer as before.
func redisOutage(t *testing.T, rs *redistest.Server, bases ...string) {
	set := e1(t, bases[0])
	rs.Stop()
	for _, base := range bases {
		wantPlumError(t, "E1 with Redis down", send(t, "POST", base+"/chef/v1/oauth/token/create/user", "demo-company-token",
			map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}), 503, "temporarily_unavailable")
		wantPlumError(t, "refresh with Redis down", refresh(t, base, set.str("refresh_token")), 503, "temporarily_unavailable")
		if h := send(t, "GET", base+"/__admin/health", "", nil); h.status != 200 {
			t.Errorf("health with Redis down: %d %s", h.status, h.raw)
		}
	}
	rs.Start()
	for _, base := range bases {
		e1(t, base)
	}
}
