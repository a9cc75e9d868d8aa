package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the mock's access token claims: the registered ones plus who the token speaks for.
type Claims struct {
	jwt.RegisteredClaims
	Scope     string `json:"scope"`
	Kind      string `json:"kind"`
	CompanyID string `json:"company"`
	ClientID  string `json:"client_id"`
	// Offline marks a token minted by `plummock token` without a server: accepted by its
	// signature and the fixtures alone (see offline.go).
	Offline bool `json:"offline,omitempty"`
	// Use is "refresh" on an offline refresh token; access tokens have none.
	Use string `json:"use,omitempty"`
	// AccessID is, on an offline refresh token, the jti of the access token minted with it.
	AccessID string `json:"access_jti,omitempty"`
}

// randomToken returns n random bytes, base64url: refresh tokens use 32 (256 bits).
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a store knows a secret token: by the SHA-256 of it, never the token itself.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// staticID is the store id of a fixture (non-JWT) access token.
func staticID(token string) string { return "static:" + HashToken(token) }
