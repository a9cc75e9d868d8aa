//go:build openssl && cgo

package keys

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// TestOpenSSLSignsAsGoDoes: in the OpenSSL build an RS256 token's signature is made by
// libcrypto, verifies with Go's rsa.VerifyPKCS1v15, and (PKCS #1 v1.5 being deterministic) is
// byte for byte the signature Go's crypto makes; the token parses through the key set.
func TestOpenSSLSignsAsGoDoes(t *testing.T) {
	k, err := Generate("RS256")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.signKey.(*opensslKey); !ok || SignerBackend != "openssl" {
		t.Fatalf("RS256 key signs with %T (backend %s), want OpenSSL", k.signKey, SignerBackend)
	}
	set := NewSet(k)
	for _, sub := range []string{"a@example.com", strings.Repeat("x", 5000)} {
		tok, err := set.Sign(jwt.MapClaims{"sub": sub})
		if err != nil {
			t.Fatal(err)
		}
		dot := strings.LastIndexByte(tok, '.')
		sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(tok[:dot]))
		priv := k.private.(*rsa.PrivateKey)
		if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
			t.Fatalf("Go does not verify OpenSSL's signature: %v", err)
		}
		goSig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, sum[:])
		if err != nil || !bytes.Equal(goSig, sig) {
			t.Fatalf("OpenSSL's signature differs from Go's (err %v)", err)
		}
		parsed, err := jwt.Parse(tok, set.Keyfunc, jwt.WithValidMethods(set.Algorithms()))
		if err != nil || !parsed.Valid {
			t.Fatalf("the key set refuses its own token: %v", err)
		}
	}
}

// TestOpenSSLLeavesOtherAlgorithmsToGo: ES256 and EdDSA keys still sign with Go's crypto.
func TestOpenSSLLeavesOtherAlgorithmsToGo(t *testing.T) {
	for _, alg := range []string{"ES256", "EdDSA"} {
		k, err := Generate(alg)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := k.signKey.(*opensslKey); ok || k.signWith != k.Method {
			t.Errorf("%s: signs with %T through %v", alg, k.signKey, k.signWith)
		}
	}
}
