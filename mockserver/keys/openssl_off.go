//go:build !(openssl && cgo)

package keys

import (
	"crypto"

	"github.com/golang-jwt/jwt/v5"
)

// SignerBackend names the code that makes RS256 signatures in this build.
const SignerBackend = "go"

// fastSigner is the identity in the default build: Go's crypto signs (build with -tags openssl
// and cgo for OpenSSL's RS256).
func fastSigner(signer crypto.Signer, method jwt.SigningMethod) (jwt.SigningMethod, any, error) {
	return method, signer, nil
}
