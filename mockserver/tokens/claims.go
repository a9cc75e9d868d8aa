package tokens

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the mock's access token claims: the registered ones plus who the token speaks for.
type Claims struct {
	jwt.RegisteredClaims
	Scope     string `json:"scope"`
	Kind      string `json:"kind"`
	CompanyID string `json:"company"`
	ClientID  string `json:"client_id"`
	// Family, Seq and FamilySeq place an issued access token in the store (store.Issued): the
	// store keeps no record of it, so what validation needs is here, signed. MAC binds these
	// claims to the store generation's secret (bind), which never leaves the server: a token
	// from before a reset, or with altered claims re-signed by the key's holder, fails it.
	Family    string `json:"fam,omitempty"`
	Seq       uint64 `json:"seq,omitempty"`
	FamilySeq uint64 `json:"fseq,omitempty"`
	MAC       string `json:"mac,omitempty"`
	// Offline marks a token minted by `plummock token` without a server: accepted without a
	// store record or generation MAC, by its signature, claims and the fixtures (see offline.go).
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

// bind is the MAC of an issued access token's claims under the store generation's secret:
// every claim that says who the token speaks for and where it stands. Its times are checked
// from the signed claims alone (with the leeway): whoever holds the signing key can mint an
// offline token of any lifetime anyway, so binding them would protect nothing.
func bind(gen string, c *Claims) string {
	m := hmac.New(sha256.New, []byte(gen))
	var buf []byte
	for _, f := range [...]string{c.ID, c.Issuer, c.Subject, c.Kind, c.CompanyID, c.ClientID, c.Scope, c.Family} {
		buf = append(strconv.AppendInt(buf, int64(len(f)), 10), ':') // length-prefixed: unambiguous
		buf = append(buf, f...)
	}
	buf = strconv.AppendUint(append(buf, ':'), c.Seq, 10)
	buf = strconv.AppendUint(append(buf, ':'), c.FamilySeq, 10)
	m.Write(buf)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// bound reports whether c's MAC is bind's under gen.
func bound(gen string, c *Claims) bool {
	return gen != "" && hmac.Equal([]byte(c.MAC), []byte(bind(gen, c)))
}
