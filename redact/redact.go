// Package redact hides credentials from everything plummock writes down: logs, the request
// journal, contract reports and the runner's output. It has one definition of a secret field
// name, one fingerprint format (fp: and 8 hex digits of SHA-256), a scrubber for JWT-shaped text,
// and a bounded Set of known secret values that are hidden wherever they appear, under any key,
// in a path, a header or free text.
package redact

import (
	"bytes"
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

// jwtStart is how every JWT-shaped string begins: base64url of `{"`.
const jwtStart = "eyJ"

// JWTs replaces every JWT-shaped substring of s with its fingerprint: a last line of defence for
// free text (error messages, bodies) that might quote a token nobody has registered.
func JWTs(s string) string {
	if !strings.Contains(s, jwtStart) { // most text: no regexp work at all
		return s
	}
	return jwtShape.ReplaceAllStringFunc(s, Fingerprint)
}

// LooksLikeJWT reports whether s contains a JWT-shaped substring; tests use it to scan logs.
func LooksLikeJWT(s string) bool { return jwtShape.MatchString(s) }

// IsSecretField reports whether a field (a JSON key, a form or query parameter) names a
// credential, in any case and spelling: access_token, refreshToken, Client-Secret, id_token,
// token, password, code, api_key, authorization. token_type and *_expiry are not secret.
func IsSecretField(key string) bool {
	var buf [64]byte // keys are short: normalising one allocates nothing (this runs per JSON key)
	k := normalizeKey(key, buf[:0])
	switch string(k) {
	case "code", "authorization", "apikey", "credential", "credentials":
		return true
	}
	return bytes.HasSuffix(k, []byte("token")) || bytes.Contains(k, []byte("secret")) ||
		bytes.Contains(k, []byte("password")) || bytes.Contains(k, []byte("passwd"))
}

// normalizeKey appends key to b lowercased (ASCII) without '_', '-' and '.', so refresh_token,
// refreshToken and Refresh-Token are one name.
func normalizeKey(key string, b []byte) []byte {
	for i := 0; i < len(key); i++ {
		switch c := key[i]; {
		case c == '_' || c == '-' || c == '.':
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		default:
			b = append(b, c)
		}
	}
	return b
}
