package mockserver

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWalkthroughCreateRefreshValidateBalance(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	if set.str("token_type") != "bearer" || set.body["expires_in"] != float64(1296000) {
		t.Fatalf("token set: %s", set.raw)
	}
	wantExp := testStart.Add(15 * 24 * time.Hour).UnixMilli()
	if set.body["access_token_expiry"] != float64(wantExp) || set.body["refresh_token_expiry"] != float64(testStart.Add(30*24*time.Hour).UnixMilli()) {
		t.Errorf("expiries: %s", set.raw)
	}
	if set.header.Get("Cache-Control") != "no-store" {
		t.Error("token response is cacheable")
	}
	next := call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(set.str("refresh_token")))
	if next.status != 200 || next.str("refresh_token") == set.str("refresh_token") || next.str("access_token") == set.str("access_token") {
		t.Fatalf("refresh: %d %s", next.status, next.raw)
	}
	replay := call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(set.str("refresh_token")))
	wantError(t, replay, 400, "invalid_grant")
	v := call(t, "GET", ts.URL+"/chef/v1/oauth/token", map[string]string{"Authorization": "bearer " + next.str("access_token")}, nil)
	if v.status != 200 || v.str("access_token") != next.str("access_token") || v.body["expires_in"] != float64(1296000) ||
		v.body["access_token_expiry"] != next.body["access_token_expiry"] || v.body["refresh_token_expiry"] != next.body["refresh_token_expiry"] {
		t.Fatalf("validate: %d %s", v.status, v.raw)
	}
	bal := call(t, "POST", ts.URL+"/chef/v1/oauth/api", bearer(next.str("access_token")),
		map[string]any{"query": "storesAdmin.query.user_balance", "tag": "storeAdmin", "variables": map[string]any{"user_data": map[string]string{"email": "admin@demo.example"}}})
	if bal.status != 200 || bal.raw != `{"data":{"user_balance":{"success":1,"message":null,"data":{"total":1500}}}}` {
		t.Fatalf("balance: %d %s", bal.status, bal.raw)
	}
}

func TestCompanyRefreshOverHTTP(t *testing.T) {
	ts, _ := newTest(t)
	r := call(t, "POST", ts.URL+"/chef/v1/oauth/token/company", nil, refreshBody("demo-company-refresh"))
	if r.status != 200 || r.body["expires_in"] != float64(2592000) {
		t.Fatalf("company refresh: %d %s", r.status, r.raw)
	}
	wantError(t, call(t, "POST", ts.URL+"/chef/v1/oauth/token/company", nil, refreshBody("demo-company-refresh")), 400, "invalid_grant")
}

func TestExpiryBoundariesThroughAdminClock(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	exp := time.UnixMilli(int64(set.body["access_token_expiry"].(float64))).UTC()
	setClock := func(at time.Time) {
		r := call(t, "POST", ts.URL+"/__admin/clock/set", nil, map[string]string{"time": at.Format(time.RFC3339)})
		if r.status != 200 || r.body["now_ms"] != float64(at.UnixMilli()) {
			t.Fatalf("clock set: %d %s", r.status, r.raw)
		}
	}
	validate := func() reply {
		return call(t, "GET", ts.URL+"/chef/v1/oauth/token", bearer(set.str("access_token")), nil)
	}
	setClock(exp.Add(-time.Second))
	if v := validate(); v.status != 200 || v.body["expires_in"] != float64(1) {
		t.Fatalf("one second before exp: %d %s", v.status, v.raw)
	}
	setClock(exp)
	wantError(t, validate(), 401, "invalid_token")
	refreshExp := time.UnixMilli(int64(set.body["refresh_token_expiry"].(float64))).UTC()
	setClock(refreshExp)
	wantError(t, call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(set.str("refresh_token"))), 400, "invalid_grant")
	setClock(refreshExp.Add(-time.Second))
	if r := call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(set.str("refresh_token"))); r.status != 200 {
		t.Fatalf("refresh one second before its expiry: %d %s", r.status, r.raw)
	}
}

func TestAdvance361HoursExpiresAccessToken(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	adv := call(t, "POST", ts.URL+"/__admin/clock/advance", nil, map[string]string{"duration": "361h"})
	if adv.status != 200 || adv.str("offset") != "0s" || adv.body["frozen"] != true {
		// frozen clocks advance their frozen time, not the offset
		t.Fatalf("advance: %d %s", adv.status, adv.raw)
	}
	wantError(t, call(t, "GET", ts.URL+"/chef/v1/oauth/token", bearer(set.str("access_token")), nil), 401, "invalid_token")
	if r := call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(set.str("refresh_token"))); r.status != 200 {
		t.Fatalf("refresh after access expiry: %d %s", r.status, r.raw)
	}
}

func TestConcurrentRefreshOverHTTP(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	const n = 100
	statuses := make(chan reply, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(set.str("refresh_token")))
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[string]int{}
	for r := range statuses {
		counts[fmt.Sprintf("%d %s", r.status, r.str("error"))]++
	}
	if counts["200 "] != 1 || counts["400 invalid_grant"] != n-1 {
		t.Fatalf("outcomes: %v", counts)
	}
}

func TestSecondCreateKillsFirstRefreshOverHTTP(t *testing.T) {
	ts, _ := newTest(t)
	first := createUser(t, ts.URL)
	createUser(t, ts.URL)
	wantError(t, call(t, "POST", ts.URL+"/chef/v1/oauth/token/user", nil, refreshBody(first.str("refresh_token"))), 400, "invalid_grant")
	if v := call(t, "GET", ts.URL+"/chef/v1/oauth/token", bearer(first.str("access_token")), nil); v.status != 200 {
		t.Errorf("first access token died: %d %s", v.status, v.raw)
	}
}

func TestResetKillsTokensAndRestoresFixtures(t *testing.T) {
	ts, _ := newTest(t)
	set := createUser(t, ts.URL)
	if r := call(t, "POST", ts.URL+"/chef/v1/oauth/token/company", nil, refreshBody("demo-company-refresh")); r.status != 200 {
		t.Fatal(r.raw)
	}
	if r := call(t, "POST", ts.URL+"/__admin/reset", nil, nil); r.status != 200 || r.str("status") != "reset" {
		t.Fatalf("reset: %d %s", r.status, r.raw)
	}
	wantError(t, call(t, "GET", ts.URL+"/chef/v1/oauth/token", bearer(set.str("access_token")), nil), 401, "invalid_token")
	if r := call(t, "POST", ts.URL+"/chef/v1/oauth/token/company", nil, refreshBody("demo-company-refresh")); r.status != 200 {
		t.Fatalf("fixture refresh token not restored: %s", r.raw)
	}
}

func TestJWKSPublishesSigningKey(t *testing.T) {
	ts, srv := newTest(t)
	r := call(t, "GET", ts.URL+"/.well-known/jwks.json", nil, nil)
	keys, _ := r.body["keys"].([]any)
	if r.status != 200 || len(keys) != 1 {
		t.Fatalf("jwks: %d %s", r.status, r.raw)
	}
	k := keys[0].(map[string]any)
	if k["kid"] != srv.keys.Active().ID || k["alg"] != "RS256" || k["kty"] != "RSA" || k["use"] != "sig" {
		t.Errorf("jwk = %v", k)
	}
}

func TestStartupFailsWhenAnOperationHasNoHandler(t *testing.T) {
	_, srv := newTest(t)
	handlers := srv.bindings()
	delete(handlers, "callApi")
	err := bindOperations(srv.doc, handlers)
	if err == nil || !strings.Contains(err.Error(), "callApi") {
		t.Fatalf("err = %v", err)
	}
}

func TestStrictModeCatchesResponseDrift(t *testing.T) {
	ts, srv := newTest(t)
	srv.operations["validateToken"] = func(w http.ResponseWriter, _ *http.Request, _ input) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "x", "token_type": "Bearer", "expires_in": "soon"})
	}
	r := call(t, "GET", ts.URL+"/chef/v1/oauth/token", bearer("demo-company-token"), nil)
	wantError(t, r, 500, "server_error")
	if strings.Contains(r.raw, "soon") || strings.Contains(r.raw, "Bearer") {
		t.Errorf("drifting body leaked: %s", r.raw)
	}
}

func TestPanicBecomesJSON500AndServerLives(t *testing.T) {
	ts, srv := newTest(t)
	srv.operations["validateToken"] = func(http.ResponseWriter, *http.Request, input) { panic("boom") }
	wantError(t, call(t, "GET", ts.URL+"/chef/v1/oauth/token", bearer("demo-company-token"), nil), 500, "server_error")
	createUser(t, ts.URL)
}

func TestServeShutsDownGracefully(t *testing.T) {
	_, srv := newTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	ln := listenLoopback(t)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	createUser(t, "http://"+ln.Addr().String())
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}

func TestStrictViolationLogHoldsNoToken(t *testing.T) {
	var logs strings.Builder
	ts, srv := newTest(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA"
	srv.operations["validateToken"] = func(w http.ResponseWriter, _ *http.Request, _ input) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": jwt, "token_type": "Bearer", "refresh_token_expiry": jwt})
	}
	wantError(t, call(t, "GET", ts.URL+pathValidate, bearer("demo-company-token"), nil), 500, "server_error")
	if !strings.Contains(logs.String(), "response violates openapi.yaml") || strings.Contains(logs.String(), "c2lnbmF0dXJlLXNlY3JldA") {
		t.Errorf("log: %s", logs.String())
	}
}
