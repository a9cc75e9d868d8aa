package tokens

import (
	"context"
	"strings"
	"testing"
)

// FuzzAuthenticate presents arbitrary strings as bearer tokens: no panic, and nothing but the
// two genuine tokens (and, for the fixture, its exact value) ever authenticates. A mutated
// genuine JWT must fail: any change to its bytes breaks the signature or the claims.
func FuzzAuthenticate(f *testing.F) {
	svc, _ := newTestService(f)
	set := mustCreate(f, svc)
	parts := strings.Split(set.AccessToken, ".")
	for _, s := range []string{set.AccessToken, "demo-company-token", "", ".", "..", "a.b.c", "a.b.c.d",
		parts[0] + "." + parts[1] + ".", parts[0] + ".." + parts[2], "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		strings.Repeat(".", 5000), set.AccessToken + "=", " " + set.AccessToken} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, bearer string) {
		_, err := svc.Authenticate(context.Background(), bearer, "")
		genuine := bearer == set.AccessToken || bearer == "demo-company-token"
		if err == nil && !genuine {
			t.Fatalf("accepted %q", bearer)
		}
		if err != nil && genuine {
			t.Fatalf("refused the genuine %q: %v", bearer, err)
		}
	})
}
