package mockserver

import (
	"net/http"
	"strings"

	"github.com/plummock/plummock/mockserver/apierr"
	"github.com/plummock/plummock/mockserver/tokens"
)

// admitBearer is the bearer token of a call that needs one, or the refusal: 400 for two
// Authorization headers (which one a server reads is a choice a client must not rely on), 401
// for none or one that is not "Bearer <token>".
func admitBearer(r *http.Request) (string, *apierr.Error) {
	if len(r.Header["Authorization"]) > 1 {
		e := apierr.BadRequest("send exactly one Authorization header")
		e.Reason = "malformed: two Authorization headers"
		return "", e
	}
	tok, ok := bearerToken(r)
	if !ok {
		e := apierr.MissingCredentials()
		e.Reason = "missing: no Authorization header"
		if r.Header.Get("Authorization") != "" {
			e.Reason = "malformed: the Authorization header is not \"Bearer <token>\" with one token68 token"
		}
		return "", e
	}
	return tok, nil
}

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

// token68Chars marks, at each byte value, whether that byte is a token68 character ('1'): a
// constant lookup, one load per byte and no branch, and no table in a package variable.
const token68Chars = "" +
	"0000000000000000" + "0000000000000000" + // control characters
	"0000000000010111" + "1111111111000000" + // ' '..'/' ('+', '-', '.', '/'), '0'..'?' (digits)
	"0111111111111111" + "1111111111100001" + // '@'..'O' (letters), 'P'..'_' (letters, '_')
	"0111111111111111" + "1111111111100010" + // '`'..'o' (letters), 'p'..DEL (letters, '~')
	"0000000000000000" + "0000000000000000" + "0000000000000000" + "0000000000000000" +
	"0000000000000000" + "0000000000000000" + "0000000000000000" + "0000000000000000"

func isToken68Char(c byte) bool { return token68Chars[c] == '1' }
