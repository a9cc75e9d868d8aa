package mockserver

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestValidBodiesRemembersPassesPerOperationWithinItsBound(t *testing.T) {
	v := newValidBodies(3)
	body := []byte(`{"user_input":"admin@demo.example","scope":"user_session"}`)
	if v.has("createUserToken", body) {
		t.Fatal("remembered before it was told")
	}
	v.add("createUserToken", body)
	if !v.has("createUserToken", body) || v.has("callApi", body) || v.has("createUserToken", append(body, ' ')) {
		t.Fatal("a pass must be remembered for its own operation and exact bytes only")
	}
	for i := range 3 {
		v.add("callApi", fmt.Appendf(nil, `{"n":%d}`, i))
	}
	if len(v.items) > 3 {
		t.Fatalf("%d entries kept, bound is 3", len(v.items))
	}
}

// TestARefusedBodyIsRefusedEveryTime: a body that fails validation after the same operation
// passed (and was remembered) still gets its own 400 naming the field, every time.
func TestARefusedBodyIsRefusedEveryTime(t *testing.T) {
	ts, _ := newTest(t)
	for range 2 {
		createUser(t, ts.URL) // the same valid body twice: the second is a remembered pass
		r := call(t, "POST", ts.URL+"/chef/v1/oauth/token/create/user", bearer("demo-company-token"),
			`{"user_input":"admin@demo.example","scope":7}`)
		wantError(t, r, http.StatusBadRequest, "invalid_request")
		if !strings.Contains(r.str("error_description"), "scope") {
			t.Fatalf("the refusal does not name the field: %s", r.raw)
		}
	}
}
