package mockserver

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/plummock/plummock/mockserver/tokens"
)

// b64token is RFC 6750's token68 grammar: what may follow "Bearer ".
var b64token = regexp.MustCompile(`^[A-Za-z0-9\-._~+/]+=*$`)

// bearerToken extracts the token from an Authorization header. The scheme is case-insensitive
// (so "bearer" works); anything but exactly one well-formed token is refused before any lookup,
// and an absurdly long header is refused without running the regexp over it.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > tokens.MaxTokenLength+16 || len(h) < 8 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	tok := strings.TrimLeft(h[7:], " ")
	if !b64token.MatchString(tok) {
		return "", false
	}
	return tok, true
}
