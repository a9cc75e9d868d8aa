package mockserver

import (
	"net/http"
	"strings"
	"testing"

	"github.com/plummock/plummock/redact"
)

// TestNoSecretReachesTheLogs runs a whole session — E1, E2, E3, E4, E8, every kind of refusal,
// the admin API — with the log at debug level, then looks for every secret the session handled
// in the log (and in the request journal, where the mock has one).
func TestNoSecretReachesTheLogs(t *testing.T) {
	logs := &syncBuffer{}
	ts, _ := newTest(t, withLogger(logs))
	secrets := []string{"demo-secret", "demo-company-token", "demo-company-refresh", "ZGVtbzpkZW1v"}
	for _, r := range secretSession(t, ts.URL) {
		secrets = append(secrets, r.str("access_token"), r.str("refresh_token"))
	}
	checkNoSecrets(t, "log", logs.String(), secrets)
	j := call(t, "GET", ts.URL+"/__admin/requests", nil, nil)
	if entries, _ := j.body["requests"].([]any); j.status != http.StatusOK || len(entries) < 10 {
		t.Fatalf("the journal cannot be checked: %d, %d entries", j.status, len(entries))
	}
	checkNoSecrets(t, "journal", j.raw, secrets)
	if st := call(t, "GET", ts.URL+"/__admin/state", nil, nil); st.status == http.StatusOK {
		checkNoSecrets(t, "state view", st.raw, secrets)
	}
	if !strings.Contains(logs.String(), "level=DEBUG msg=request") {
		t.Fatalf("the session logged nothing, so the check proves nothing:\n%s", logs)
	}
}

// secretSession makes every kind of call that carries a secret, and returns the token sets.
func secretSession(t *testing.T, base string) []reply {
	set := createUser(t, base)
	next := call(t, "POST", base+pathUser, nil, refreshBody(set.str("refresh_token")))
	company := call(t, "POST", base+pathCompany, nil, refreshBody("demo-company-refresh"))
	at := next.str("access_token")
	call(t, "GET", base+pathValidate, bearer(at), nil)
	call(t, "POST", base+pathAPI, bearer(at), map[string]any{"query": balanceQuery, "variables": map[string]any{"user_data": map[string]string{"email": "admin@demo.example"}}})
	// Refusals that quote a secret back at the mock.
	call(t, "POST", base+pathUser, nil, refreshBody(set.str("refresh_token"))) // replay
	call(t, "POST", base+pathUser, nil, map[string]string{"grant_type": "refresh_token", "refresh_token": at, "client_id": "demo-client", "client_secret": "wrong-" + "demo-secret"})
	call(t, "GET", base+pathValidate, bearer(at[:len(at)-3]+"xyz"), nil)                                                  // forged
	call(t, "GET", base+pathValidate, map[string]string{"Authorization": "Basic ZGVtbzpkZW1v"}, nil)                      // other scheme
	sendRaw(t, "POST", base+pathCreate, jsonAuth("demo-company-token"), `{"user_input":"`+at+`","scope":"user_session"}`) // token as a field
	sendRaw(t, "POST", base+pathUser, jsonOnly, `{"refresh_token":"`+next.str("refresh_token")+`",`)                      // truncated
	call(t, "GET", base+"/chef/v1/oauth/token?access_token="+at, nil, nil)                                                // token in a query
	// The admin API.
	call(t, "GET", base+"/__admin/clock", bearer(at), nil)
	call(t, "POST", base+"/__admin/clock/advance", nil, map[string]string{"duration": "361h"})
	call(t, "GET", base+pathValidate, bearer(at), nil) // expired now
	// Secrets in wrong-typed bodies (refused by the spec, but read and journaled first).
	sendRaw(t, "POST", base+pathUser, jsonOnly, `{"grant_type":"refresh_token","refresh_token":["`+next.str("refresh_token")+`"],"client_id":"demo-client","client_secret":{"v":"demo-secret"}}`)
	sendRaw(t, "POST", base+pathCompany, jsonOnly, `{"grant_type":"refresh_token","refresh_token":{"t":"demo-company-refresh"},"client_id":"demo-client","client_secret":["demo-secret"]}`)
	return []reply{set, next, company}
}

func checkNoSecrets(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("the %s contains the secret %s", where, redact.Fingerprint(s))
		}
	}
	if redact.LooksLikeJWT(text) {
		t.Errorf("the %s contains a JWT-shaped string", where)
	}
}

// TestPanicIsLoggedWithoutSecrets: a handler panic is a JSON 500, one ERROR line with the stack,
// and the request's token is not in it.
func TestPanicIsLoggedWithoutSecrets(t *testing.T) {
	logs := &syncBuffer{}
	ts, srv := newTest(t, withLogger(logs))
	at := createUser(t, ts.URL).str("access_token")
	srv.operations["validateToken"] = func(http.ResponseWriter, *http.Request, input) { panic("boom") }
	r := call(t, "GET", ts.URL+pathValidate, bearer(at), nil)
	wantError(t, r, 500, "server_error")
	if r.raw != `{"error":"server_error","error_description":"internal error"}` {
		t.Errorf("500 body: %s", r.raw)
	}
	if !strings.Contains(logs.String(), `level=ERROR msg="handler panic"`) {
		t.Errorf("no panic line in the log:\n%s", logs)
	}
	checkNoSecrets(t, "log", logs.String(), []string{at})
	createUser(t, ts.URL) // the process lives on
}
