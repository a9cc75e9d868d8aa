package plumtest_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/plumtest"
)

// testTokenExpires is a test in your package (name it TestTokenExpires): an access token
// expires without the test waiting, because the fake's clock moves. No call returns an error to
// check: a refused one fails the test with the mock's answer.
func testTokenExpires(t *testing.T) {
	plum := plumtest.Start(t) // a fresh fake on a loopback port, stopped when the test ends
	set := plum.CreateUserTokens(t, plum.Credentials.SuperAdmin)
	if set.ExpiresIn != 360*time.Hour {
		t.Fatalf("a user access token lives 15 days, not %v", set.ExpiresIn)
	}
	if got := validate(t, plum, set.AccessToken); got != http.StatusOK {
		t.Fatalf("validate: %d, want 200", got)
	}
	plum.AdvanceClock(t, set.AccessTokenExpiry.Sub(plum.Now(t))+time.Second)
	if got := validate(t, plum, set.AccessToken); got != http.StatusUnauthorized {
		t.Errorf("validate after expiry: %d, want 401", got)
	}
	for _, r := range plum.Requests(t, "validateToken") { // tokens appear as fingerprints
		t.Logf("%s %s -> %d %s", r.Method, r.Path, r.Status, r.ErrorCode)
	}
}

// testRefreshSurvives503 makes the next refresh fail as Plum does under load; your client must
// retry and end with a working token.
func testRefreshSurvives503(t *testing.T) {
	plum := plumtest.Start(t)
	set := plum.CreateUserTokens(t, plum.Credentials.SuperAdmin)
	plum.InjectFault(t, plumtest.Fault{Operation: "refreshUserToken", Preset: "503", Count: 1})
	body := `{"grant_type":"refresh_token","refresh_token":"` + set.RefreshToken + `","client_id":"` +
		plum.Credentials.ClientID + `","client_secret":"` + plum.Credentials.ClientSecret + `"}`
	for _, want := range []int{http.StatusServiceUnavailable, http.StatusOK} { // your client's retry
		resp, err := http.Post(plum.BaseURL+"/v1/oauth/token/user", "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("refresh: %d, want %d", resp.StatusCode, want)
		}
	}
}

// validate is what your client does with a token: Plum's E4.
func validate(t *testing.T, plum *plumtest.Mock, token string) int {
	req, _ := http.NewRequest(http.MethodGet, plum.BaseURL+"/v1/oauth/token", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Example is this whole file: two tests as they would stand in your package, with a helper.
// plumtest's own tests run them.
func Example() {}
