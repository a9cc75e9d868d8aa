package mockserver

import (
	"net/http"
	"strings"

	"github.com/plummock/plummock/mockserver/tokens"
)

// bearerToken extracts the token from an Authorization header. The scheme is case-insensitive
// (so "bearer" works); anything but exactly one well-formed token is refused before any lookup,
// and an absurdly long header is refused before it is scanned at all.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) > tokens.MaxTokenLength+16 || len(h) < 8 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	tok := strings.TrimLeft(h[7:], " ")
	return tok, isToken68(tok)
}

// isToken68 is RFC 6750's b64token grammar, 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
// "/" ) *"=", checked byte by byte: it runs on every authenticated call, and a loop is an order
// of magnitude cheaper than the equivalent regexp.
func isToken68(tok string) bool {
	end := len(strings.TrimRight(tok, "="))
	if end == 0 {
		return false
	}
	for i := 0; i < end; i++ {
		if !isToken68Char(tok[i]) {
			return false
		}
	}
	return true
}

// token68Lo and token68Hi are bit sets of the token68 characters below and above 64: one shift
// and mask per byte, no table to keep in a package variable.
const (
	token68Lo uint64 = 1<<'-' | 1<<'.' | 1<<'/' | 0x3ff<<'0' | 1<<'+'
	token68Hi uint64 = 0x3ffffff<<('A'-64) | 0x3ffffff<<('a'-64) | 1<<('_'-64) | 1<<('~'-64)
)

func isToken68Char(c byte) bool {
	if c < 64 {
		return token68Lo>>c&1 == 1
	}
	return c < 128 && token68Hi>>(c-64)&1 == 1
}
