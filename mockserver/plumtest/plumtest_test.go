package plumtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
)

func TestStartGivesWorkingCredentialsAndControls(t *testing.T) {
	plum := Start(t)
	if plum.Credentials.CompanyToken != "demo-company-token" || plum.Credentials.SuperAdmin != "admin@demo.example" ||
		!strings.HasSuffix(plum.BaseURL, "/chef") || !strings.HasPrefix(plum.URL, "http://127.0.0.1:") {
		t.Fatalf("mock = %+v", plum)
	}
	if err := plum.FreezeClock(); err != nil {
		t.Fatal(err)
	}
	before, _ := plum.Now()
	if err := plum.AdvanceClock(time.Hour); err != nil {
		t.Fatal(err)
	}
	if after, _ := plum.Now(); after.Sub(before) != time.Hour {
		t.Errorf("advance moved %v", after.Sub(before))
	}
	id, err := plum.InjectFault(Fault{Operation: "createUserToken", Preset: "503", Count: 1})
	if err != nil || id == "" {
		t.Fatalf("fault: %q %v", id, err)
	}
	if _, err := plum.CreateUserTokens(plum.Credentials.SuperAdmin); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("fault not applied: %v", err)
	}
	set, err := plum.CreateUserTokens(plum.Credentials.SuperAdmin)
	if err != nil || set.TokenType != "bearer" {
		t.Fatalf("create: %+v %v", set, err)
	}
	reqs, err := plum.Requests("createUserToken")
	if err != nil || len(reqs) != 2 || reqs[0].Status != 200 || reqs[1].Status != 503 {
		t.Fatalf("journal: %+v %v", reqs, err)
	}
	if strings.Contains(string(reqs[0].Response), set.AccessToken) {
		t.Error("journal holds the access token")
	}
	res, err := plum.Scenario("regenerate", "demo", "")
	if err != nil || res.Tokens == nil || res.Tokens.ExpiresIn != 2592000 {
		t.Fatalf("scenario: %+v %v", res, err)
	}
	if err := plum.Reset(); err != nil {
		t.Fatal(err)
	}
	if reqs, _ := plum.Requests(""); len(reqs) != 0 {
		t.Errorf("journal survived reset: %d", len(reqs))
	}
}

func TestStartWithFixturesAndProfile(t *testing.T) {
	set, err := fixtures.Parse(strings.NewReader("companies:\n- id: acme\n  client_id: acme-client\n  client_secret: acme-secret\n  access_tokens: [acme-company-token]\n  users:\n  - email: boss@acme.example\n    super_admin: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	plum := Start(t, Options{Fixtures: set, Profile: &fixtures.Profile{ExpiryFormat: "string"}})
	if plum.Credentials.ClientID != "acme-client" || plum.Credentials.SuperAdmin != "boss@acme.example" {
		t.Fatalf("creds = %+v", plum.Credentials)
	}
	tok, err := plum.CreateUserTokens("boss@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tok.AccessTokenExpiry.(string); !ok {
		t.Errorf("profile not applied: %T", tok.AccessTokenExpiry)
	}
	if err := plum.SetProfile(fixtures.Profile{ExpiryFormat: "hex"}); err == nil || !strings.Contains(err.Error(), "expiry_format") {
		t.Errorf("bad profile accepted: %v", err)
	}
	resp, err := http.Get(plum.URL + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var jwks struct{ Keys []json.RawMessage }
	if json.NewDecoder(resp.Body).Decode(&jwks) != nil || len(jwks.Keys) != 1 {
		t.Errorf("jwks: %+v", jwks)
	}
}
