package plumtest_test

import (
	"fmt"
	"net/http"
	"time"

	"github.com/plummock/plummock/mockserver/plumtest"
)

// Example shows a token expiring without waiting: the fake's clock moves 361 hours.
func Example() {
	plum, err := plumtest.New(plumtest.Options{}) // in a test: plum := plumtest.Start(t)
	if err != nil {
		panic(err)
	}
	defer plum.Close()

	set, _ := plum.CreateUserTokens(plum.Credentials.SuperAdmin)
	fmt.Println("token type:", set.TokenType, "expires in:", set.ExpiresIn)

	validate := func() int {
		req, _ := http.NewRequest("GET", plum.BaseURL+"/v1/oauth/token", nil)
		req.Header.Set("Authorization", "Bearer "+set.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	fmt.Println("validate now:", validate())
	_ = plum.AdvanceClock(361 * time.Hour)
	fmt.Println("validate after 361h:", validate())
	// Output:
	// token type: bearer expires in: 1296000
	// validate now: 200
	// validate after 361h: 401
}
