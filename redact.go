package plummock

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
)

// Fingerprint names a secret without revealing it: a short SHA-256 prefix is enough to tell two
// tokens apart in a log or report, and useless to anyone who wants to replay one.
func Fingerprint(secret string) string {
	if secret == "" {
		return "<empty>"
	}
	sum := sha256.Sum256([]byte(secret))
	return "fp:" + hex.EncodeToString(sum[:4])
}

// jwtShape matches anything that looks like a compact JWS (three base64url segments starting
// with a JSON header), wherever it stands in a string.
var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)

// RedactJWTs replaces every JWT-shaped substring of s with its fingerprint; a last line of defence
// for free text (error messages, bodies) that might quote a token.
func RedactJWTs(s string) string {
	if !strings.Contains(s, jwtStart) { // most text: no regexp work at all
		return s
	}
	return jwtShape.ReplaceAllStringFunc(s, Fingerprint)
}

// jwtStart is how every JWT-shaped string begins: base64url of `{"`.
const jwtStart = "eyJ"

// LooksLikeJWT reports whether s contains a JWT-shaped substring; tests use it to scan logs.
func LooksLikeJWT(s string) bool { return jwtShape.MatchString(s) }
