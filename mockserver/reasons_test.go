package mockserver

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/tokens"
)

// TestSevenAccessRefusalsExplainThemselves: every way an access token fails answers Plum's one
// body, and only Plummock-Reason tells them apart; a browser may read it.
func TestSevenAccessRefusalsExplainThemselves(t *testing.T) {
	ts, srv := newTest(t)
	ctx := context.Background()
	user := createUser(t, ts.URL).str("access_token")
	forged := user[:strings.LastIndex(user, ".")+1] + "c2lnbmF0dXJl"
	type row struct{ name, method, path, token, body, reason, mentions string }
	rows := []row{
		{"unknown", "GET", pathValidate, "not-a-real-token", "", tokens.WhyUnknown, ""},
		{"forged", "GET", pathValidate, forged, "", tokens.WhyForged, "jwks"},
		{"malformed", "GET", pathValidate, "a.b.c", "", tokens.WhyMalformed, ""},
		{"wrong kind", "POST", pathCreate, user, okCreate, tokens.WhyWrongKind, "POST /chef/v1/oauth/token/company"},
	}
	check := func(tc row) {
		t.Helper()
		h := map[string]string{"Authorization": "Bearer " + tc.token, "Origin": "http://localhost:3000"}
		if tc.body != "" {
			h["Content-Type"] = "application/json"
		}
		r := sendRaw(t, tc.method, ts.URL+tc.path, h, tc.body)
		if r.status != http.StatusUnauthorized || r.raw != `{"error":"invalid_token","error_description":"invalid/expired token"}` {
			t.Errorf("%s: %d %s", tc.name, r.status, r.raw)
		}
		got := r.header.Get("Plummock-Reason")
		if !strings.HasPrefix(got, tc.reason+": ") || !strings.Contains(got, tc.mentions) {
			t.Errorf("%s: Plummock-Reason %q, want %q... naming %q", tc.name, got, tc.reason, tc.mentions)
		}
		if !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Plummock-Reason") {
			t.Errorf("%s: the reason is hidden from browsers: %v", tc.name, r.header)
		}
	}
	for _, tc := range rows {
		check(tc)
	}
	if _, err := srv.tokens.RunScenario(ctx, tokens.ScenarioOtherSuperAdmin, tokens.ScenarioRequest{Company: "demo"}); err != nil {
		t.Fatal(err)
	}
	check(row{"revoked", "GET", pathValidate, user, "", tokens.WhyRevoked, tokens.ReasonOtherSuperAdmin})
	live := createUser(t, ts.URL).str("access_token")
	if err := srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	check(row{"pre-reset", "GET", pathValidate, live, "", tokens.WhyPreReset, "reset"})
	fresh := createUser(t, ts.URL).str("access_token")
	srv.Clock().Advance(16 * 24 * time.Hour)
	check(row{"expired", "GET", pathValidate, fresh, "", tokens.WhyExpired, "expired at"})
}

func TestTwoAuthorizationHeadersAreRefused(t *testing.T) {
	ts, _ := newTest(t)
	req, _ := http.NewRequest("GET", ts.URL+pathValidate, nil)
	req.Header.Add("Authorization", "Bearer demo-company-token")
	req.Header.Add("Authorization", "Bearer not-a-real-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r := readReply(resp)
	wantError(t, r, http.StatusBadRequest, "invalid_request")
	if !strings.Contains(r.str("error_description"), "exactly one Authorization header") || r.header.Get("Plummock-Reason") == "" {
		t.Fatalf("%s %v", r.raw, r.header)
	}
}

func TestRevokedFamilyAnswersADescriptionNotItsCode(t *testing.T) {
	ts, _ := newTest(t, func(o *Options) { o.Policy.RevokeFamilyOnReuse = true })
	a := createUser(t, ts.URL)
	b := call(t, "POST", ts.URL+pathUser, nil, refreshBody(a.str("refresh_token")))
	call(t, "POST", ts.URL+pathUser, nil, refreshBody(a.str("refresh_token"))) // reuse kills the family
	r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(b.str("refresh_token")))
	wantError(t, r, http.StatusBadRequest, "invalid_grant")
	if d := r.str("error_description"); d == "invalid_grant" || d == "" || strings.Contains(d, ": ") {
		t.Errorf("error_description %q", d)
	}
	if !strings.HasPrefix(r.header.Get("Plummock-Reason"), "revoked: ") {
		t.Errorf("reason %q", r.header.Get("Plummock-Reason"))
	}
}

func TestRefusalReasonReachesTheDebugLog(t *testing.T) {
	logs := &syncBuffer{}
	ts, _ := newTest(t, withLogger(logs))
	call(t, "GET", ts.URL+pathValidate, bearer("a.b.c"), nil)
	if !strings.Contains(logs.String(), "msg=refused") || !strings.Contains(logs.String(), `reason="malformed: `) {
		t.Fatalf("log:\n%s", logs)
	}
}
