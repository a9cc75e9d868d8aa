package journal

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/plummock/plummock/redact"
)

func TestRingKeepsNewestFirstAndFilters(t *testing.T) {
	j := New(3)
	for i, op := range []string{"a", "b", "a", "b", "a"} {
		j.Add(Entry{Operation: op, Status: 200 + i})
	}
	all := j.List(Filter{})
	if len(all) != 3 || all[0].Status != 204 || all[2].Status != 202 || all[0].Seq != 5 {
		t.Fatalf("ring = %+v", all)
	}
	if got := j.List(Filter{Operation: "a"}); len(got) != 2 || got[0].Status != 204 {
		t.Errorf("op filter = %+v", got)
	}
	if got := j.List(Filter{Status: 203}); len(got) != 1 || got[0].Operation != "b" {
		t.Errorf("status filter = %+v", got)
	}
	if got := j.List(Filter{Limit: 1}); len(got) != 1 {
		t.Errorf("limit = %+v", got)
	}
	j.Clear()
	if got := j.List(Filter{}); len(got) != 0 {
		t.Errorf("after clear = %+v", got)
	}
}

func TestEntryHoldsNoSecret(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	r := httptest.NewRequest("POST", "/chef/v1/oauth/token/user", nil)
	r.Header.Set("Authorization", "Bearer demo-company-token")
	req := []byte(`{"grant_type":"refresh_token","refresh_token":"rt-secret-value","client_id":"demo-client","client_secret":"demo-secret","nested":{"note":"` + jwt + `"}}`)
	resp := []byte(`{"access_token":"` + jwt + `","refresh_token":"rt-new-value","token_type":"bearer"}`)
	e := New(0).NewEntry(Call{Request: r, RequestBody: req, Status: 200, ResponseBody: resp})
	out, _ := json.Marshal(e)
	for _, secret := range []string{"demo-company-token", "rt-secret-value", "demo-secret", "rt-new-value", jwt} {
		if strings.Contains(string(out), secret) {
			t.Errorf("entry holds %q: %s", secret, out)
		}
	}
	if redact.LooksLikeJWT(string(out)) {
		t.Errorf("JWT-shaped string in %s", out)
	}
	if !strings.Contains(string(out), `"client_id":"demo-client"`) || !strings.Contains(string(out), `"Authorization":"Bearer fp:`) {
		t.Errorf("useful fields lost: %s", out)
	}
}

func TestErrorCodeFromEveryShape(t *testing.T) {
	cases := map[string]string{
		`{"error":"invalid_grant"}`:                                                  "invalid_grant",
		`{"success":0,"error_message_id":"auth.token_error"}`:                        "auth.token_error",
		`{"code":401,"errorId":"PIPE10015","error":"x"}`:                             "PIPE10015",
		`{"message":"auth.request_limit_exceeded"}`:                                  "auth.request_limit_exceeded",
		`{"errors":[{"message":"auth.request_limit_exceeded","penaltySeconds":60}]}`: "auth.request_limit_exceeded",
	}
	for body, want := range cases {
		if got := errorCode([]byte(body), 400); got != want {
			t.Errorf("%s: %q", body, got)
		}
	}
}

// TestFastRedactionAgreesWithDecoding holds the textual pass to the decode-and-walk one: for
// each body both must give the same JSON value.
func TestFastRedactionAgreesWithDecoding(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	bodies := []string{
		`{"access_token":"` + jwt + `","token_type":"bearer","expires_in":1296000,"refresh_token":"abc","access_token_expiry":1}`,
		`{"grant_type":"refresh_token","refresh_token":"rt-1","client_id":"demo-client","client_secret":"s3"}`,
		`{ "Refresh_Token" : "rt-2", "CLIENT_SECRET":"x", "nested": {"token": "t", "list": [{"password": "p"}]}}`,
		`{"note":"the word \"refresh_token\" in text","code":"c"}`,
		`{"refresh_token":123,"token":null,"access_token":["a"]}`,
		`{"query":"storesAdmin.query.user_balance","variables":{"user_data":{"email":"a@b.c"}},"x":"` + jwt + `"}`,
		`{"error":"invalid_grant","error_description":"refresh token already used"}`,
	}
	for _, b := range bodies {
		fast, _ := json.Marshal(newRedactor().body([]byte(b), false))
		slow, _ := json.Marshal(newRedactor().decoded([]byte(b)))
		var fv, sv any
		json.Unmarshal(fast, &fv)
		json.Unmarshal(slow, &sv)
		fj, _ := json.Marshal(fv)
		sj, _ := json.Marshal(sv)
		if string(fj) != string(sj) {
			t.Errorf("body %s\nfast %s\nslow %s", b, fj, sj)
		}
		if redact.LooksLikeJWT(string(fast)) || strings.Contains(string(fast), "rt-1") || strings.Contains(string(fast), `"s3"`) {
			t.Errorf("secret left in %s", fast)
		}
	}
}

// TestWrongTypedSecretsAreRedacted: a secret under an array or object (a bad-input row) must
// not reach the journal either.
func TestWrongTypedSecretsAreRedacted(t *testing.T) {
	for _, body := range []string{
		`{"grant_type":"refresh_token","refresh_token":["SECRET-RT-1"],"client_id":"c","client_secret":"x"}`,
		`{"client_secret":{"v":"SECRET-CS-2","n":[1,"SECRET-CS-3"]}}`,
		`{"refresh_token":987654321}`,
	} {
		out, _ := json.Marshal(newRedactor().body([]byte(body), false))
		for _, secret := range []string{"SECRET-RT-1", "SECRET-CS-2", "SECRET-CS-3", "987654321"} {
			if strings.Contains(string(out), secret) {
				t.Errorf("%s kept %s: %s", body, secret, out)
			}
		}
	}
	r := httptest.NewRequest("GET", "/chef/v1/oauth/token/eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", nil)
	if e := New(0).NewEntry(Call{Request: r, Status: 404}); redact.LooksLikeJWT(e.Path) {
		t.Errorf("path kept a JWT: %s", e.Path)
	}
}

// TestOneCallOneFingerprintPerSecret: the token in the Authorization header and the same token
// in the answer get one fingerprint; a different token in the same call gets its own.
func TestOneCallOneFingerprintPerSecret(t *testing.T) {
	jwtA := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnQQ"
	jwtB := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiIn0.c2lnQg"
	r := httptest.NewRequest("GET", "/chef/v1/oauth/token", nil)
	r.Header.Set("Authorization", "Bearer "+jwtA)
	for _, known := range []bool{false, true} {
		resp := []byte(`{"access_token":"` + jwtA + `","refresh_token":"` + jwtB + `","token_type":"bearer"}`)
		e := New(0).NewEntry(Call{Request: r, Status: 200, ResponseBody: resp, ResponseJSON: known})
		out, _ := json.Marshal(e)
		fpA, fpB := redact.Fingerprint(jwtA), redact.Fingerprint(jwtB)
		if e.Headers.Authorization != "Bearer "+fpA {
			t.Errorf("Authorization = %q, want Bearer %s", e.Headers.Authorization, fpA)
		}
		if !strings.Contains(string(out), `"access_token":"`+fpA+`"`) || !strings.Contains(string(out), `"refresh_token":"`+fpB+`"`) {
			t.Errorf("known=%v: answer not fingerprinted token by token: %s", known, out)
		}
	}
}

func newRedactor() *redactor { return &redactor{known: redact.NewSet(0)} }

// BenchmarkNewEntryValidate records an E4-shaped call (a bearer JWT, the same token in the
// answer) against a journal that knows the demo credentials and many issued refresh tokens.
func BenchmarkNewEntryValidate(b *testing.B) {
	j := New(0)
	j.Remember("demo-secret", "demo-company-token", "demo-company-refresh")
	for i := range 2000 {
		j.secrets.Add(fmt.Sprintf("issued-refresh-token-%06d-abcdefghijklmnop", i))
	}
	jwt := "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0." + strings.Repeat("eyJzdWIiOiJ4In0", 30) + "." + strings.Repeat("c2ln", 80)
	r := httptest.NewRequest("GET", "/chef/v1/oauth/token", nil)
	r.Header.Set("Authorization", "Bearer "+jwt)
	resp := []byte(`{"access_token":"` + jwt + `","token_type":"bearer","expires_in":1296000,"access_token_expiry":1773662400000}`)
	b.ReportAllocs()
	for b.Loop() {
		j.NewEntry(Call{Request: r, Status: 200, ResponseBody: resp, ResponseJSON: true})
	}
}

// TestSizeIsCapped: New never preallocates past MaxSize, and the secrets it learns are bounded
// with it.
func TestSizeIsCapped(t *testing.T) {
	if got := New(MaxSize + 1).Size(); got != MaxSize {
		t.Errorf("New(MaxSize+1).Size() = %d, want %d", got, MaxSize)
	}
	if CheckSize(MaxSize+1) == nil || CheckSize(-1) == nil || CheckSize(MaxSize) != nil || CheckSize(0) != nil {
		t.Error("CheckSize does not match the cap")
	}
	j := New(10)
	for i := range 3 * minSecrets {
		j.NewEntry(Call{Request: httptest.NewRequest("POST", "/x", nil), Status: 200,
			ResponseBody: []byte(fmt.Sprintf(`{"refresh_token":"issued-%08d"}`, i)), ResponseJSON: true})
	}
	if got := j.secrets.Len(); got != minSecrets {
		t.Errorf("secrets known = %d, want the bound %d", got, minSecrets)
	}
}

// TestKnownSecretsByValue: a secret the journal learnt (issued in an answer, or given as a
// credential) is hidden in later calls wherever it stands, and a clear does not forget it.
func TestKnownSecretsByValue(t *testing.T) {
	j := New(0)
	j.Remember("demo-secret", "12345678")
	issue := httptest.NewRequest("POST", "/chef/v1/oauth/token/user", nil)
	j.NewEntry(Call{Request: issue, Status: 200, ResponseBody: []byte(`{"refresh_token":"opaque-rt-0123456789"}`), ResponseJSON: true})
	j.Clear()
	r := httptest.NewRequest("GET", "/chef/v1/opaque-rt-0123456789?rt=opaque%2Drt%2D0123456789&refreshToken=never-seen-before", nil)
	r.Header.Set("X-Request-Id", "req-opaque-rt-0123456789")
	for _, body := range []string{
		`{"rt":"opaque-rt-0123456789","x":{"y":["demo-secret"]},"opaque-rt-0123456789":1}`,
		`{"pin":12345678,"s":"demo-secret"}`,           // a number: only the decoding pass sees it whole
		`{"a":"demo-","b":"secret","c":"demo-secret"}`, // a value next to the JSON syntax
		`{"note":"line\nopaque-rt-0123456789"}`,        // escapes: the decoding pass
	} {
		e := j.NewEntry(Call{Request: r, RequestID: "req-opaque-rt-0123456789", RequestBody: []byte(body), Status: 400, Reason: "bad token opaque-rt-0123456789"})
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("%s: entry does not encode: %v", body, err)
		}
		for _, secret := range []string{"opaque-rt-0123456789", "demo-secret", "12345678", "never-seen-before"} {
			if strings.Contains(string(out), secret) {
				t.Errorf("%s: %q in clear: %s", body, secret, out)
			}
		}
		if !strings.Contains(string(out), `"reason":"bad token `+redact.Fingerprint("opaque-rt-0123456789")) {
			t.Errorf("reason not kept (redacted): %s", out)
		}
	}
}

func TestFilterByReason(t *testing.T) {
	j := New(5)
	j.Add(Entry{Path: "/a", Reason: "refresh token already used"})
	j.Add(Entry{Path: "/b"})
	j.Add(Entry{Path: "/c", Reason: "client secret does not match"})
	if got := j.List(Filter{Reason: "already used"}); len(got) != 1 || got[0].Path != "/a" {
		t.Errorf("reason filter = %+v", got)
	}
}

// TestBasicPasswordBecomesKnown: the password of Basic credentials is hidden when a later call
// sends it on its own.
func TestBasicPasswordBecomesKnown(t *testing.T) {
	j := New(0)
	r := httptest.NewRequest("GET", "/chef/v1/oauth/token", nil)
	r.Header.Set("Authorization", "Basic ZGVtby1jbGllbnQ6YmFzaWMtcGFzc3dvcmQtMQ==") // demo-client:basic-password-1
	j.NewEntry(Call{Request: r, Status: 401})
	e := j.NewEntry(Call{Request: httptest.NewRequest("POST", "/x", nil), RequestBody: []byte(`{"p":"basic-password-1"}`), Status: 400})
	if out, _ := json.Marshal(e); strings.Contains(string(out), "basic-password-1") {
		t.Errorf("password in clear: %s", out)
	}
}

// The kept headers are encoded as the map they replaced was: names sorted, empty ones left out,
// and no request_headers at all for a call that sent none of them.
func TestRecordedHeadersJSONShape(t *testing.T) {
	r := httptest.NewRequest("POST", "/chef/v1/oauth/api", nil)
	r.Header.Set("X-Request-Id", "abc-123")
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("demo-client:s3cret-pass")))
	out, _ := json.Marshal(New(0).NewEntry(Call{Request: r, Status: 200}))
	want := `"request_headers":{"Authorization":"Basic ` + redact.Fingerprint(base64.StdEncoding.EncodeToString([]byte("demo-client:s3cret-pass"))) +
		`","Content-Type":"application/json","X-Request-Id":"abc-123"}`
	if !strings.Contains(string(out), want) {
		t.Errorf("entry = %s\nwant it to hold %s", out, want)
	}
	bare := httptest.NewRequest("GET", "/chef/v1/oauth/token", nil)
	bare.Header.Del("User-Agent")
	if out, _ := json.Marshal(New(0).NewEntry(Call{Request: bare, Status: 401})); strings.Contains(string(out), "request_headers") {
		t.Errorf("a call without the kept headers has request_headers: %s", out)
	}
}
