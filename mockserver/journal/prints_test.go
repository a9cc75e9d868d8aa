package journal

import (
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/plummock/plummock/redact"
)

// TestPrintsAreFingerprintsAndBounded: the memo answers what redact.Fingerprint answers, for a
// secret met again and for more distinct secrets than it holds, and never holds more than
// maxPrints.
func TestPrintsAreFingerprintsAndBounded(t *testing.T) {
	p := newPrints()
	for round := 0; round < 2; round++ {
		for i := 0; i < maxPrints+10; i++ {
			s := fmt.Sprintf("secret-%d", i)
			if got, want := p.of(s), redact.Fingerprint(s); got != want {
				t.Fatalf("of(%q) = %q, want %q", s, got, want)
			}
			if len(p.m) > maxPrints {
				t.Fatalf("memo holds %d, more than %d", len(p.m), maxPrints)
			}
		}
	}
	var none *prints
	if got := none.of("x"); got != redact.Fingerprint("x") {
		t.Fatalf("nil memo: %q", got)
	}
}

// TestAuthorizationRecordReusedOnlyForJWTs: a bearer JWT met again gets the record it got the
// first time, from the memo; an opaque credential is never kept there, because each call must
// teach it to the known secrets again (the set may have forgotten it since).
func TestAuthorizationRecordReusedOnlyForJWTs(t *testing.T) {
	j := New(0)
	jwtToken := "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnQQ"
	opaque := "opaque-bearer-credential-1234"
	for call := 0; call < 2; call++ {
		for _, cred := range []string{jwtToken, opaque} {
			rd := redactor{known: j.secrets, prints: j.prints}
			if got, want := rd.authorization("Bearer "+cred), "Bearer "+redact.Fingerprint(cred); got != want {
				t.Fatalf("call %d: authorization(%s) = %q, want %q", call, cred[:6], got, want)
			}
			if rd.lastSecret != cred || rd.lastPrint != redact.Fingerprint(cred) {
				t.Fatalf("call %d: the call's memo does not name the credential it just saw", call)
			}
		}
	}
	if _, kept := j.prints.headers["Bearer "+opaque]; kept {
		t.Error("an opaque credential's record was kept for reuse")
	}
	if _, kept := j.prints.headers["Bearer "+jwtToken]; !kept {
		t.Error("a JWT's record was not kept for reuse")
	}
	if !j.secrets.Contains(opaque) {
		t.Error("the opaque credential was not learned")
	}
}

// TestBasicCredentialsAreNeverReused: a Basic header is never answered from the memo, so its
// password is learned on every call, even after the known secrets forgot it.
func TestBasicCredentialsAreNeverReused(t *testing.T) {
	j := New(0)
	header := "Basic " + base64.StdEncoding.EncodeToString([]byte("demo-client:basic-pass-42"))
	for call := 0; call < 2; call++ {
		j.secrets = redact.NewSet(0) // as if the set had forgotten everything since the last call
		rd := redactor{known: j.secrets, prints: j.prints}
		rd.authorization(header)
		if !j.secrets.Contains("basic-pass-42") {
			t.Fatalf("call %d: the Basic password was not learned", call)
		}
	}
	if len(j.prints.headers) != 0 {
		t.Errorf("a Basic header's record was kept for reuse")
	}
}
