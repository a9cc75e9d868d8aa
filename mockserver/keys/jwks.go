package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
)

// JWK is the public part of a key as RFC 7517 publishes it.
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWKS returns the published public keys.
func (s *Set) JWKS() JWKS {
	out := JWKS{Keys: []JWK{}}
	for _, k := range s.Published() {
		jwk, _ := publicJWK(k.Public())
		jwk.Kid, jwk.Use, jwk.Alg = k.ID, "sig", k.Method.Alg()
		out.Keys = append(out.Keys, jwk)
	}
	return out
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// publicJWK holds only the members RFC 7638 requires, so it doubles as the thumbprint input.
func publicJWK(pub crypto.PublicKey) (JWK, error) {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		return JWK{Kty: "RSA", N: b64(p.N.Bytes()), E: b64(big.NewInt(int64(p.E)).Bytes())}, nil
	case *ecdsa.PublicKey:
		raw, err := p.Bytes() // 0x04 || X || Y, fixed width for the curve
		if err != nil {
			return JWK{}, err
		}
		size := (len(raw) - 1) / 2
		return JWK{Kty: "EC", Crv: p.Curve.Params().Name, X: b64(raw[1 : 1+size]), Y: b64(raw[1+size:])}, nil
	case ed25519.PublicKey:
		return JWK{Kty: "OKP", Crv: "Ed25519", X: b64(p)}, nil
	default:
		return JWK{}, fmt.Errorf("keys: unsupported public key %T", pub)
	}
}

// thumbprint is the RFC 7638 JWK thumbprint: a kid that anyone holding the public key can
// recompute, and that changes whenever the key does.
func thumbprint(pub crypto.PublicKey) (string, error) {
	jwk, err := publicJWK(pub)
	if err != nil {
		return "", err
	}
	var canonical []byte
	switch jwk.Kty {
	case "RSA":
		canonical, err = json.Marshal(struct {
			E   string `json:"e"`
			Kty string `json:"kty"`
			N   string `json:"n"`
		}{jwk.E, jwk.Kty, jwk.N})
	case "EC":
		canonical, err = json.Marshal(struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
			Y   string `json:"y"`
		}{jwk.Crv, jwk.Kty, jwk.X, jwk.Y})
	default:
		canonical, err = json.Marshal(struct {
			Crv string `json:"crv"`
			Kty string `json:"kty"`
			X   string `json:"x"`
		}{jwk.Crv, jwk.Kty, jwk.X})
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(canonical)
	return b64(sum[:]), nil
}
