package contract

import "testing"

func TestCompanyTokensIn(t *testing.T) {
	for body, want := range map[string][2]string{
		`{"access_token":"a1","refresh_token":"r1","expires_in":"3600","access_token_expiry":"soon"}`: {"a1", "r1"},
		`{"access_token":"a1","refresh_token":"r1"} trailing`:                                         {"a1", "r1"},
		`{"refresh_token":"r1","access_token":7}`:                                                     {"", "r1"},
		`{"access_token":"a1"}`: {"a1", ""},
		`not json`:              {"", ""},
		`["a1","r1"]`:           {"", ""},
	} {
		if a, r := companyTokensIn([]byte(body)); a != want[0] || r != want[1] {
			t.Errorf("companyTokensIn(%s) = %q, %q; want %q, %q", body, a, r, want[0], want[1])
		}
	}
}
