package mockserver

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/keys"
)

// Forgeries beside forged_test.go's: other algorithms, including ones our own RSA key can make
// (PS256, RS512), and claims of the wrong type. Then the stated leeway, exactly: iat and nbf may
// be up to 5 s ahead of the mock's clock (clock skew between a client and the mock), exp has
// none (a token is dead at its exp second).

func moreForgeries(t *testing.T, genuine string) map[string]string {
	t.Helper()
	ourKey, _ := keys.FromPEM(fixtures.TestKeyPEM())
	priv := privateOf(t)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	c := realClaims(t, genuine)
	kid := map[string]any{"kid": ourKey.ID}
	return map[string]string{
		"PS256 with our key":    signWith(t, jwt.SigningMethodPS256, priv, c, kid),
		"RS512 with our key":    signWith(t, jwt.SigningMethodRS512, priv, c, kid),
		"RS384 with our key":    signWith(t, jwt.SigningMethodRS384, priv, c, kid),
		"ES256 claims our kid":  signWith(t, jwt.SigningMethodES256, ec, c, kid),
		"EdDSA claims our kid":  signWith(t, jwt.SigningMethodEdDSA, ed, c, kid),
		"HS512 with public key": signWith(t, jwt.SigningMethodHS512, []byte(ourKey.ID), c, kid),
		"no kid":                signWith(t, jwt.SigningMethodRS256, priv, c, nil),
		"kid as number":         signWith(t, jwt.SigningMethodRS256, priv, c, map[string]any{"kid": 7}),
		"iat as string":         signWith(t, jwt.SigningMethodRS256, priv, with(c, "iat", "yesterday"), kid),
		"missing iat":           signWith(t, jwt.SigningMethodRS256, priv, with(c, "iat", nil), kid),
		"missing jti":           signWith(t, jwt.SigningMethodRS256, priv, with(c, "jti", nil), kid),
		"jti as number":         signWith(t, jwt.SigningMethodRS256, priv, with(c, "jti", 12345), kid),
		"sub of another user":   signWith(t, jwt.SigningMethodRS256, priv, with(c, "sub", "employee@demo.example"), kid),
		"aud as object":         signWith(t, jwt.SigningMethodRS256, priv, with(c, "aud", map[string]any{"x": 1}), kid),
		"crit header":           signWith(t, jwt.SigningMethodRS256, priv, c, map[string]any{"kid": ourKey.ID, "crit": []string{"exp"}, "alg": "none"}),
		"header not JSON":       "bm90IGpzb24." + jwtPart(t, genuine, 1) + "." + jwtPart(t, genuine, 2),
		"payload not base64":    jwtPart(t, genuine, 0) + ".!!!." + jwtPart(t, genuine, 2),
		"empty signature":       jwtPart(t, genuine, 0) + "." + jwtPart(t, genuine, 1) + ".",
	}
}

func TestMoreForgeriesRejectedEverywhere(t *testing.T) {
	ts, _ := newTest(t)
	genuine := createUser(t, ts.URL).str("access_token")
	for name, forged := range moreForgeries(t, genuine) {
		t.Run(name, func(t *testing.T) {
			wantAuthFailure(t, call(t, "GET", ts.URL+pathValidate, bearer(forged), nil))
			wantAuthFailure(t, call(t, "POST", ts.URL+pathAPI, bearer(forged), map[string]string{"query": balanceQuery}))
			wantAuthFailure(t, call(t, "POST", ts.URL+pathCreate, bearer(forged), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}))
		})
	}
	if r := call(t, "GET", ts.URL+pathValidate, bearer(genuine), nil); r.status != 200 {
		t.Fatalf("the genuine token died: %s", r.raw)
	}
}

// TestLeewayIsFiveSecondsOnIatAndNbfAndNoneOnExp re-signs the genuine token with our own key
// and shifted times, so only the time checks decide.
func TestLeewayIsFiveSecondsOnIatAndNbfAndNoneOnExp(t *testing.T) {
	ts, srv := newTest(t)
	genuine := createUser(t, ts.URL).str("access_token")
	c, priv := realClaims(t, genuine), privateOf(t)
	kid := map[string]any{"kid": srv.keys.Active().ID}
	now := srv.Clock().Now().Unix()
	cases := []struct {
		name  string
		claim string
		at    int64
		ok    bool
	}{
		{"iat now+5s", "iat", now + 5, true},
		{"iat now+6s", "iat", now + 6, false},
		{"nbf now+5s", "nbf", now + 5, true},
		{"nbf now+6s", "nbf", now + 6, false},
		{"exp now+1s", "exp", now + 1, true},
		{"exp now", "exp", now, false},
		{"exp now-1s", "exp", now - 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok := signWith(t, jwt.SigningMethodRS256, priv, with(c, tc.claim, tc.at), kid)
			r := call(t, "GET", ts.URL+pathValidate, bearer(tok), nil)
			if tc.ok && r.status != 200 {
				t.Fatalf("within the leeway: %d %s", r.status, r.raw)
			}
			if !tc.ok {
				wantError(t, r, 401, "invalid_token")
			}
		})
	}
	srv.Clock().Set(time.Unix(now+1, 0)) // the 5 s are measured from the mock's clock, not the host's
	tok := signWith(t, jwt.SigningMethodRS256, priv, with(c, "iat", now+6), kid)
	if r := call(t, "GET", ts.URL+pathValidate, bearer(tok), nil); r.status != 200 {
		t.Errorf("iat 5 s ahead of the moved clock: %d %s", r.status, r.raw)
	}
}

func jwtPart(t *testing.T, tok string, i int) string {
	t.Helper()
	parts := splitJWT(tok)
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	return parts[i]
}

func splitJWT(tok string) []string {
	var out []string
	start := 0
	for i := 0; i < len(tok); i++ {
		if tok[i] == '.' {
			out = append(out, tok[start:i])
			start = i + 1
		}
	}
	return append(out, tok[start:])
}
