package plumtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
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
	plum.FreezeClock(t)
	before := plum.Now(t)
	plum.AdvanceClock(t, time.Hour)
	if after := plum.Now(t); after.Sub(before) != time.Hour {
		t.Errorf("advance moved %v", after.Sub(before))
	}
	if id := plum.InjectFault(t, Fault{Operation: "createUserToken", Preset: "503", Count: 1}); id == "" {
		t.Fatal("fault: no id")
	}
	if msg := failure(t, func(tb testing.TB) { plum.CreateUserTokens(tb, plum.Credentials.SuperAdmin) }); !strings.Contains(msg, "503") {
		t.Fatalf("fault not applied, or not reported: %q", msg)
	}
	set := plum.CreateUserTokens(t, plum.Credentials.SuperAdmin)
	if set.TokenType != "bearer" {
		t.Fatalf("create: %+v", set)
	}
	reqs := plum.Requests(t, "createUserToken")
	if len(reqs) != 2 || reqs[0].Status != 200 || reqs[1].Status != 503 {
		t.Fatalf("journal: %+v", reqs)
	}
	if strings.Contains(string(reqs[0].Response), set.AccessToken) || strings.Contains(string(reqs[0].Response), set.RefreshToken) {
		t.Error("journal holds a token")
	}
	res := plum.Scenario(t, "regenerate", "demo", "")
	if res.Tokens == nil || res.Tokens.ExpiresIn != 30*24*time.Hour {
		t.Fatalf("scenario: %+v", res)
	}
	plum.Reset(t)
	if reqs := plum.Requests(t, ""); len(reqs) != 0 {
		t.Errorf("journal survived reset: %d", len(reqs))
	}
}

// TestExpiryFieldsAreTyped: expires_in is a Duration and the expiry fields are times, whichever
// format the profile sends them in, and they agree with the fake's clock.
func TestExpiryFieldsAreTyped(t *testing.T) {
	for _, format := range []string{"number", "string"} {
		plum := Start(t, Options{Profile: &fixtures.Profile{ExpiryFormat: format}})
		plum.FreezeClock(t)
		now := plum.Now(t)
		set := plum.CreateUserTokens(t, plum.Credentials.SuperAdmin)
		if set.ExpiresIn != 360*time.Hour || set.AccessTokenExpiry.Sub(now.Add(360*time.Hour)).Abs() >= time.Second || !set.RefreshTokenExpiry.After(set.AccessTokenExpiry) {
			t.Errorf("%s: expires_in %v, access expiry %v (now %v), refresh expiry %v", format, set.ExpiresIn, set.AccessTokenExpiry, now, set.RefreshTokenExpiry)
		}
		raw := string(plum.Requests(t, "createUserToken")[0].Response)
		if quoted := strings.Contains(raw, `"access_token_expiry":"`); quoted != (format == "string") {
			t.Errorf("%s: the profile was not applied: %s", format, raw)
		}
	}
}

// TestRefusalFailsTheTest: a refused control call fails the test with the call and the mock's
// answer, so the test needs no error check.
func TestRefusalFailsTheTest(t *testing.T) {
	plum := Start(t)
	for name, step := range map[string]func(tb testing.TB){
		"/__admin/profile":        func(tb testing.TB) { plum.SetProfile(tb, fixtures.Profile{ExpiryFormat: "hex"}) },
		"/__admin/scenarios/nope": func(tb testing.TB) { plum.Scenario(tb, "nope", "demo", "") },
		"/__admin/clock/advance":  func(tb testing.TB) { plum.AdvanceClock(tb, -time.Hour) },
	} {
		msg := failure(t, step)
		if !strings.HasPrefix(msg, "plumtest: ") || !strings.Contains(msg, name) || !strings.Contains(msg, "the mock answered 4") {
			t.Errorf("%s: failure message %q; want plumtest:, the call and the 4xx answer", name, msg)
		}
	}
}

func TestFaultDelayIsADuration(t *testing.T) {
	b, err := json.Marshal(Fault{Operation: "*", Delay: 1500 * time.Millisecond, Count: 1})
	if err != nil || string(b) != `{"operation":"*","count":1,"delay":"1.5s"}` {
		t.Fatalf("Fault JSON = %s, %v", b, err)
	}
	plum := Start(t)
	plum.InjectFault(t, Fault{Operation: "validateToken", Preset: "503", Delay: time.Millisecond, Count: 1})
	if msg := failure(t, func(tb testing.TB) { plum.InjectFault(tb, Fault{Operation: "validateToken", Delay: time.Millisecond}) }); !strings.Contains(msg, "400") {
		t.Errorf("a fault with nothing to do: %q", msg)
	}
}

func TestStartWithFixturesAndProfile(t *testing.T) {
	set, err := fixtures.Parse(strings.NewReader("companies:\n- id: acme\n  client_id: acme-client\n  client_secret: acme-secret\n  access_tokens: [acme-company-token]\n  users:\n  - email: boss@acme.example\n    super_admin: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	plum := Start(t, Options{Fixtures: set})
	if plum.Credentials.ClientID != "acme-client" || plum.Credentials.SuperAdmin != "boss@acme.example" {
		t.Fatalf("creds = %+v", plum.Credentials)
	}
	if tok := plum.CreateUserTokens(t, "boss@acme.example"); tok.AccessToken == "" {
		t.Fatalf("no token: %+v", tok)
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

// recordingTB is a testing.TB whose Fatalf records the message and stops the step, so a test
// can check that a control method fails its caller and what it says.
type recordingTB struct {
	testing.TB
	msg string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs step with a recordingTB and returns what it failed with ("" if it did not).
func failure(t *testing.T, step func(testing.TB)) string {
	r := &recordingTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		step(r)
	}()
	<-done
	return r.msg
}
