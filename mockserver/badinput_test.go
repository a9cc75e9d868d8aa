package mockserver

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// badCase is one bad input to the public API: a 4xx in Plum's error shapes, nothing changed.
type badCase struct {
	name    string
	method  string
	path    string
	headers map[string]string
	body    string
	status  int
	code    string
}

const (
	pathCreate   = "/chef/v1/oauth/token/create/user"
	pathUser     = "/chef/v1/oauth/token/user"
	pathCompany  = "/chef/v1/oauth/token/company"
	pathValidate = "/chef/v1/oauth/token"
	pathAPI      = "/chef/v1/oauth/api"
	okCreate     = `{"user_input":"admin@demo.example","scope":"user_session"}`
)

func jsonAuth(tok string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
}

var jsonOnly = map[string]string{"Content-Type": "application/json"}

func transportCases() []badCase {
	return []badCase{
		{"GET on POST path", "GET", pathCreate, nil, "", 405, "invalid_request"},
		{"DELETE on validate", "DELETE", pathValidate, nil, "", 405, "invalid_request"},
		{"unknown path", "POST", "/chef/v1/oauth/nothing", nil, "", 404, "invalid_request"},
		{"no content type", "POST", pathCreate, map[string]string{"Authorization": "Bearer demo-company-token"}, okCreate, 415, "invalid_request"},
		{"text/plain", "POST", pathCreate, map[string]string{"Authorization": "Bearer demo-company-token", "Content-Type": "text/plain"}, okCreate, 415, "invalid_request"},
		{"form", "POST", pathUser, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "grant_type=refresh_token", 415, "invalid_request"},
		{"body over 64 KiB", "POST", pathUser, jsonOnly, `{"refresh_token":"` + strings.Repeat("a", 70<<10) + `"}`, 413, "invalid_request"},
	}
}

func bodyCases() []badCase {
	auth := jsonAuth("demo-company-token")
	return []badCase{
		{"empty body", "POST", pathCreate, auth, "", 400, "invalid_request"},
		{"truncated JSON", "POST", pathCreate, auth, `{"user_input":"admin@demo.example"`, 400, "invalid_request"},
		{"trailing data", "POST", pathCreate, auth, okCreate + `{}`, 400, "invalid_request"},
		{"duplicate key", "POST", pathCreate, auth, `{"user_input":"admin@demo.example","user_input":"x@y.z","scope":"user_session"}`, 400, "invalid_request"},
		{"number for string", "POST", pathCreate, auth, `{"user_input":1,"scope":"user_session"}`, 400, "invalid_request"},
		{"array for string", "POST", pathCreate, auth, `{"user_input":["a"],"scope":"user_session"}`, 400, "invalid_request"},
		{"object for string", "POST", pathCreate, auth, `{"user_input":{},"scope":"user_session"}`, 400, "invalid_request"},
		{"null for string", "POST", pathCreate, auth, `{"user_input":null,"scope":"user_session"}`, 400, "invalid_request"},
		{"bool for string", "POST", pathCreate, auth, `{"user_input":true,"scope":"user_session"}`, 400, "invalid_request"},
		{"empty strings", "POST", pathCreate, auth, `{"user_input":"","scope":""}`, 400, "invalid_request"},
		{"deep nesting", "POST", pathCreate, auth, `{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, 400, "invalid_request"},
		{"invalid UTF-8", "POST", pathCreate, auth, "{\"user_input\":\"\xff@demo.example\",\"scope\":\"user_session\"}", 400, "invalid_request"},
		{"NUL byte", "POST", pathCreate, auth, `{"user_input":"admin@demo.example\u0000","scope":"user_session"}`, 400, "invalid_request"},
		{"not an email", "POST", pathCreate, auth, `{"user_input":"admin","scope":"user_session"}`, 400, "invalid_request"},
		{"unknown user", "POST", pathCreate, auth, `{"user_input":"ghost@demo.example","scope":"user_session"}`, 400, "invalid_request"},
		{"non-admin user", "POST", pathCreate, auth, `{"user_input":"employee@demo.example","scope":"user_session"}`, 400, "invalid_request"},
		{"bad scope", "POST", pathCreate, auth, `{"user_input":"admin@demo.example","scope":"root"}`, 400, "invalid_scope"},
		{"array body", "POST", pathUser, jsonOnly, `[]`, 400, "invalid_request"},
		{"missing refresh fields", "POST", pathUser, jsonOnly, `{"grant_type":"refresh_token"}`, 400, "invalid_request"},
		{"password grant", "POST", pathUser, jsonOnly, refreshJSON("password", "x", "demo-client", "demo-secret"), 400, "unsupported_grant_type"},
		{"wrong secret", "POST", pathUser, jsonOnly, refreshJSON("refresh_token", "x", "demo-client", "nope"), 400, "invalid_client"},
		{"unknown client", "POST", pathCompany, jsonOnly, refreshJSON("refresh_token", "demo-company-refresh", "nope", "demo-secret"), 400, "invalid_client"},
		{"unknown refresh token", "POST", pathUser, jsonOnly, refreshJSON("refresh_token", "nope", "demo-client", "demo-secret"), 400, "invalid_grant"},
		{"E8 unknown query", "POST", pathAPI, jsonAuth("USER"), `{"query":"storesAdmin.mutation.drop"}`, 400, "invalid_request"},
		{"E8 wrong variables type", "POST", pathAPI, jsonAuth("USER"), `{"query":"storesAdmin.query.user_balance","variables":[]}`, 400, "invalid_request"},
	}
}

func refreshJSON(grant, tok, id, secret string) string {
	return `{"grant_type":"` + grant + `","refresh_token":"` + tok + `","client_id":"` + id + `","client_secret":"` + secret + `"}`
}

func bearerCases() []badCase {
	withAuth := func(h string) map[string]string {
		return map[string]string{"Authorization": h, "Content-Type": "application/json"}
	}
	return []badCase{
		{"no Authorization", "POST", pathCreate, jsonOnly, okCreate, 401, "invalid_request"},
		{"Basic scheme", "POST", pathCreate, withAuth("Basic ZGVtbzpkZW1v"), okCreate, 401, "invalid_request"},
		{"Bearer nothing", "POST", pathCreate, withAuth("Bearer "), okCreate, 401, "invalid_request"},
		{"token with space", "POST", pathCreate, withAuth("Bearer demo company"), okCreate, 401, "invalid_request"},
		{"huge dots", "POST", pathCreate, withAuth("Bearer " + strings.Repeat(".", 30000)), okCreate, 401, "invalid_request"},
		{"unknown token", "POST", pathCreate, jsonAuth("not-a-real-token"), okCreate, 401, "invalid_token"},
		{"user token on E1", "POST", pathCreate, jsonAuth("USER"), okCreate, 401, "invalid_token"},
		{"company token on E8 without an email", "POST", pathAPI, jsonAuth("demo-company-token"), `{"query":"storesAdmin.query.user_balance"}`, 400, "invalid_request"},
		{"unknown token on validate", "GET", pathValidate, map[string]string{"Authorization": "Bearer nope"}, "", 401, "invalid_token"},
		{"no token on validate", "GET", pathValidate, nil, "", 401, "invalid_request"},
		{"two segments", "GET", pathValidate, map[string]string{"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"}, "", 401, "invalid_token"},
		{"four segments", "GET", pathValidate, map[string]string{"Authorization": "Bearer a.b.c.d"}, "", 401, "invalid_token"},
	}
}

// TestBadInputsAreRefusedWithoutStateChange sends every row, checks status, Plum's error body
// and headers, and finally that nothing changed: no token was issued and the user's refresh
// token still works.
func TestBadInputsAreRefusedWithoutStateChange(t *testing.T) {
	ts, srv := newTest(t)
	user := createUser(t, ts.URL)
	before, _ := srv.tokens.Fixtures(context.Background())
	statsBefore := storeStats(t, srv)
	rows := append(append(transportCases(), bodyCases()...), bearerCases()...)
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{}
			for k, v := range tc.headers {
				headers[k] = strings.ReplaceAll(v, "USER", user.str("access_token"))
			}
			r := sendRaw(t, tc.method, ts.URL+tc.path, headers, tc.body)
			wantError(t, r, tc.status, tc.code)
			if r.str("error_description") == "" {
				t.Errorf("no error_description: %s", r.raw)
			}
			if tc.status == 405 && r.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
	if after := storeStats(t, srv); after != statsBefore {
		t.Errorf("state changed: %+v -> %+v", statsBefore, after)
	}
	if after, _ := srv.tokens.Fixtures(context.Background()); after != before {
		t.Error("fixtures changed")
	}
	if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(user.str("refresh_token"))); r.status != http.StatusOK {
		t.Errorf("user's refresh token no longer works: %s", r.raw)
	}
	if r := call(t, "POST", ts.URL+pathCompany, nil, refreshBody("demo-company-refresh")); r.status != http.StatusOK {
		t.Errorf("the fixture company refresh token was used up by a refused call: %s", r.raw)
	}
}

func TestUnknownFieldsTolerated(t *testing.T) {
	ts, _ := newTest(t)
	r := sendRaw(t, "POST", ts.URL+pathCreate, jsonAuth("demo-company-token"),
		`{"user_input":"admin@demo.example","scope":"user_session","extra":1}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	r = sendRaw(t, "POST", ts.URL+pathCreate, map[string]string{"Authorization": "Bearer demo-company-token", "Content-Type": "Application/JSON; charset=utf-8"}, okCreate)
	if r.status != 200 {
		t.Fatalf("media type parameters refused: %d %s", r.status, r.raw)
	}
}
