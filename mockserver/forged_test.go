package mockserver

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/keys"
)

// realClaims decodes a genuine token's payload so forgeries can reuse its jti and subject: a
// forgery then fails for its forged part alone, not for being unknown.
func realClaims(t *testing.T, token string) jwt.MapClaims {
	t.Helper()
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	return claims
}

// signWith signs claims with key under method, with extra header fields.
func signWith(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func with(c jwt.MapClaims, k string, v any) jwt.MapClaims {
	out := jwt.MapClaims{}
	for key, val := range c {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func forgeries(t *testing.T, genuine string) map[string]string {
	ourKey, _ := keys.FromPEM(fixtures.TestKeyPEM())
	priv := privateOf(t)
	pub := priv.Public().(*rsa.PublicKey)
	otherPriv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := keys.NewKey(otherPriv)
	c := realClaims(t, genuine)
	kid := map[string]any{"kid": ourKey.ID}
	parts := strings.Split(genuine, ".")
	flipped := []byte(parts[1])
	flipped[10] ^= 0x01
	future := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	return map[string]string{
		"alg none":                unsigned(t, c, kid),
		"HS256 with public key":   signWith(t, jwt.SigningMethodHS256, pub.N.Bytes(), c, kid),
		"HS256 with PEM":          signWith(t, jwt.SigningMethodHS256, fixtures.TestKeyPEM(), c, kid),
		"flipped payload bit":     parts[0] + "." + string(flipped) + "." + parts[2],
		"other key claims kid":    signWith(t, jwt.SigningMethodRS256, otherPriv, c, kid),
		"kid is a path":           signWith(t, jwt.SigningMethodRS256, priv, c, map[string]any{"kid": "../../etc/passwd"}),
		"kid is a URL":            signWith(t, jwt.SigningMethodRS256, priv, c, map[string]any{"kid": "https://evil.example/key"}),
		"kid 10 KiB":              signWith(t, jwt.SigningMethodRS256, priv, c, map[string]any{"kid": strings.Repeat("k", 10<<10)}),
		"jku header":              signWith(t, jwt.SigningMethodRS256, otherPriv, c, map[string]any{"kid": other.ID, "jku": "http://127.0.0.1:1/jwks"}),
		"x5u header":              signWith(t, jwt.SigningMethodRS256, otherPriv, c, map[string]any{"kid": other.ID, "x5u": "http://127.0.0.1:1/cert"}),
		"embedded jwk":            signWith(t, jwt.SigningMethodRS256, otherPriv, c, map[string]any{"jwk": map[string]any{"kty": "RSA"}}),
		"missing exp":             signWith(t, jwt.SigningMethodRS256, priv, with(c, "exp", nil), kid),
		"iat in the future":       signWith(t, jwt.SigningMethodRS256, priv, with(c, "iat", future), kid),
		"nbf in the future":       signWith(t, jwt.SigningMethodRS256, priv, with(c, "nbf", future), kid),
		"exp as string":           signWith(t, jwt.SigningMethodRS256, priv, with(c, "exp", "never"), kid),
		"sub as number":           signWith(t, jwt.SigningMethodRS256, priv, with(c, "sub", 42), kid),
		"kind changed to company": signWith(t, jwt.SigningMethodRS256, priv, with(c, "kind", "company"), kid),
		"other issuer":            signWith(t, jwt.SigningMethodRS256, priv, with(c, "iss", "evil"), kid),
		"two segments":            parts[0] + "." + parts[1],
		"four segments":           genuine + ".x",
	}
}

func unsigned(t *testing.T, c jwt.MapClaims, header map[string]any) string {
	t.Helper()
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, c)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func privateOf(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := jwt.ParseRSAPrivateKeyFromPEM(fixtures.TestKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestForgedTokensRejectedEverywhere presents every forgery to each endpoint that accepts the
// mock's access tokens (E4, E8; E1 takes company tokens, so a forged user token is refused too).
func TestForgedTokensRejectedEverywhere(t *testing.T) {
	ts, _ := newTest(t)
	genuine := createUser(t, ts.URL).str("access_token")
	if r := call(t, "GET", ts.URL+pathValidate, bearer(genuine), nil); r.status != 200 {
		t.Fatalf("genuine token refused: %s", r.raw)
	}
	for name, forged := range forgeries(t, genuine) {
		t.Run(name, func(t *testing.T) {
			wantAuthFailure(t, call(t, "GET", ts.URL+pathValidate, bearer(forged), nil))
			wantAuthFailure(t, call(t, "POST", ts.URL+pathAPI, bearer(forged), map[string]string{"query": balanceQuery}))
			wantAuthFailure(t, call(t, "POST", ts.URL+pathCreate, bearer(forged), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}))
		})
	}
}

// wantAuthFailure accepts either 401 answer: invalid_token for a well-formed token, or
// invalid_request for a header the mock cannot even parse as a Bearer token.
func wantAuthFailure(t *testing.T, r reply) {
	t.Helper()
	code := r.str("error")
	if code != "invalid_token" && code != "invalid_request" {
		t.Fatalf("forgery answered %d %s", r.status, r.raw)
	}
	wantError(t, r, 401, code)
}
