package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// Generate makes a fresh key for the algorithm: RS256 (RSA-2048), ES256 (P-256) or EdDSA.
func Generate(alg string) (*Key, error) {
	var (
		signer crypto.Signer
		err    error
	)
	switch alg {
	case "RS256", "":
		signer, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, signer, err = ed25519.GenerateKey(rand.Reader)
	default:
		return nil, fmt.Errorf("keys: unsupported algorithm %q (RS256, ES256, EdDSA)", alg)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: generate %s: %w", alg, err)
	}
	return NewKey(signer)
}
