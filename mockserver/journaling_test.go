package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/plummock/plummock/redact"
)

// TestJournalRedactsSecretsByValue sends a refresh token the mock issued, and the client secret,
// under names and in places no key rule knows: camelCase and unknown keys, the path, the query,
// X-Request-Id, a free-text field. None may appear in clear in GET /__admin/requests.
func TestJournalRedactsSecretsByValue(t *testing.T) {
	ts, _ := newTest(t)
	rt := createUser(t, ts.URL).str("refresh_token")
	if rt == "" {
		t.Fatal("no refresh token issued")
	}
	sends := []struct {
		method  string
		path    string
		headers map[string]string
		body    string
	}{
		{"POST", pathUser, jsonOnly, `{"grant_type":"refresh_token","refreshToken":"` + rt + `","client_id":"demo-client","clientSecret":"demo-secret"}`},
		{"POST", pathUser, jsonOnly, `{"grant_type":"refresh_token","rt":"` + rt + `","client_id":"demo-client","x_cred":"demo-secret"}`},
		{"POST", pathUser, jsonOnly, `{"note":"my token is ` + rt + ` and my secret demo-secret"}`},
		{"GET", "/chef/v1/oauth/token/" + rt, nil, ""},
		{"GET", pathValidate + "?rt=" + url.QueryEscape(rt) + "&s=demo-secret", nil, ""},
		{"GET", pathValidate, map[string]string{"X-Request-Id": "req-" + rt, "User-Agent": "app demo-secret"}, ""},
	}
	for _, s := range sends {
		if r := sendRaw(t, s.method, ts.URL+s.path, s.headers, s.body); r.status < 400 || r.status >= 500 {
			t.Fatalf("%s %s: %d %s, want a 4xx", s.path, s.body, r.status, r.raw)
		}
	}
	j := call(t, "GET", ts.URL+"/__admin/requests", nil, nil)
	if entries, _ := j.body["requests"].([]any); j.status != http.StatusOK || len(entries) != len(sends)+1 {
		t.Fatalf("journal: %d, %d entries, want %d: %s", j.status, len(entries), len(sends)+1, j.raw)
	}
	for _, secret := range []string{rt, "demo-secret"} {
		if strings.Contains(j.raw, secret) {
			t.Errorf("journal holds %q in clear:\n%s", secret, j.raw)
		}
	}
	for _, want := range []string{redact.Fingerprint(rt), redact.Fingerprint("demo-secret"), `"query":"rt=` + redact.Fingerprint(rt)} {
		if !strings.Contains(j.raw, want) {
			t.Errorf("journal lacks %s (what was hidden must stay recognisable):\n%s", want, j.raw)
		}
	}
}

// TestJournalRedactsFixtureSecretsAfterFixturesChange: credentials loaded later through PUT
// /__admin/fixtures are known to the journal as well.
func TestJournalRedactsFixtureSecretsAfterFixturesChange(t *testing.T) {
	ts, _ := newTest(t)
	yaml := "companies:\n  - id: acme\n    client_id: acme-client\n    client_secret: acme-s3cr3t-value\n    access_tokens: [acme-company-token]\n    users:\n      - email: boss@acme.example\n        super_admin: true\n"
	if r := call(t, "PUT", ts.URL+"/__admin/fixtures", map[string]string{"Content-Type": "application/yaml"}, yaml); r.status != http.StatusOK {
		t.Fatalf("put fixtures: %d %s", r.status, r.raw)
	}
	sendRaw(t, "POST", ts.URL+pathUser, jsonOnly, `{"grant_type":"refresh_token","whatever":"acme-s3cr3t-value"}`)
	sendRaw(t, "GET", ts.URL+pathValidate, map[string]string{"X-Request-Id": "acme-company-token"}, "")
	j := call(t, "GET", ts.URL+"/__admin/requests", nil, nil)
	for _, secret := range []string{"acme-s3cr3t-value", "acme-company-token"} {
		if strings.Contains(j.raw, secret) || !strings.Contains(j.raw, redact.Fingerprint(secret)) {
			t.Errorf("journal: %q in clear or not fingerprinted:\n%s", secret, j.raw)
		}
	}
}

// TestJournalKeepsReason: the Plummock-Reason header of an answer is kept in its entry as
// "reason", and GET /__admin/requests?reason= selects by it.
func TestJournalKeepsReason(t *testing.T) {
	_, srv := newTest(t)
	h := srv.journalCalls(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/refused" {
			w.Header().Set(reasonHeader, "refresh token already used (family fam-1 revoked)")
			w.WriteHeader(http.StatusBadRequest)
		}
	}))
	for _, p := range []string{"/refused", "/fine"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	for query, want := range map[string][]string{
		"":                      {"/fine", "/refused"},
		"?reason=already+used":  {"/refused"},
		"?reason=no+such+cause": {},
	} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/__admin/requests"+query, nil)
		req.RemoteAddr, req.Host = "127.0.0.1:40000", "127.0.0.1"
		srv.Handler().ServeHTTP(rec, req)
		var out struct {
			Requests []struct{ Path, Reason string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
		}
		var paths []string
		for _, e := range out.Requests {
			paths = append(paths, e.Path)
			if e.Path == "/refused" && e.Reason != "refresh token already used (family fam-1 revoked)" {
				t.Errorf("reason = %q", e.Reason)
			}
		}
		if strings.Join(paths, ",") != strings.Join(want, ",") {
			t.Errorf("%s: paths %v, want %v", query, paths, want)
		}
	}
}
