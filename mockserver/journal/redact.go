package journal

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/plummock/plummock"
)

// secretFields are JSON keys whose values are credentials wherever they appear.
func isSecretField(key string) bool {
	switch strings.ToLower(key) {
	case "access_token", "refresh_token", "client_secret", "token", "password", "code", "id_token":
		return true
	}
	return false
}

// recordedHeaders are the request headers worth keeping; Authorization is kept as a scheme and
// a fingerprint only.
func recordedHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for _, name := range []string{"Content-Type", "Origin", "User-Agent", "X-Request-Id"} {
		if v := h.Get(name); v != "" {
			out[name] = plummock.RedactJWTs(v)
		}
	}
	if auth := h.Get("Authorization"); auth != "" {
		out["Authorization"] = RedactAuthorization(auth)
	}
	return out
}

// RedactAuthorization keeps the scheme and replaces the credential with its fingerprint.
func RedactAuthorization(v string) string {
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		return plummock.Fingerprint(v)
	}
	return scheme + " " + plummock.Fingerprint(strings.TrimSpace(cred))
}

// RedactBody returns a JSON body with every secret field, at any depth, replaced by its
// fingerprint, and any JWT-shaped text too; a body that is not JSON is kept only as its length.
// The common case is a textual pass over the bytes (no decoding); a body with escapes, where
// text and value could differ, is decoded and walked instead.
func RedactBody(body []byte) any {
	if len(body) == 0 {
		return nil
	}
	if !json.Valid(body) {
		return map[string]any{"unparsed_bytes": len(body)}
	}
	if bytes.IndexByte(body, '\\') >= 0 {
		return redactDecoded(body)
	}
	out, ok := redactSecretText(body)
	if !ok {
		return redactDecoded(body)
	}
	if bytes.Contains(out, []byte("eyJ")) {
		out = []byte(plummock.RedactJWTs(string(out)))
	}
	return json.RawMessage(out)
}

// redactDecoded is the slow, general path: decode, walk, replace.
func redactDecoded(body []byte) any {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return map[string]any{"unparsed_bytes": len(body)}
	}
	return redactValue(v, false)
}

// redactSecretText replaces the string value of every secret key in valid, escape-free JSON,
// in one pass: with no escapes, every '"' opens or closes a string, and a string followed by ':'
// is a key. A secret key with any other value but null or a bool (a number, an array, an
// object: a wrong-typed body) is left to the decoding path: ok is false.
func redactSecretText(body []byte) (_ []byte, ok bool) {
	var out []byte // allocated on the first secret found
	last := 0
	for i := 0; i < len(body); {
		if body[i] != '"' {
			i++
			continue
		}
		end := i + 1 + bytes.IndexByte(body[i+1:], '"')
		key := body[i+1 : end]
		start, vend, isSecret := 0, 0, false
		if isSecretField(string(key)) {
			if !plainOrString(body, end+1) {
				return nil, false
			}
			start, vend, isSecret = stringValueAfter(body, end+1)
		}
		if !isSecret {
			i = end + 1
			continue
		}
		out = append(append(out, body[last:start]...), plummock.Fingerprint(string(body[start:vend]))...)
		last, i = vend, vend+1
	}
	if out == nil {
		return body, true
	}
	return append(out, body[last:]...), true
}

// plainOrString reports whether what follows a key (": value") is a string, null, a bool, or
// not a value at all (the "key" was a string value) — anything the text pass can handle.
func plainOrString(b []byte, i int) bool {
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return true
	}
	i = skipSpace(b, i+1)
	return i < len(b) && (b[i] == '"' || b[i] == 'n' || b[i] == 't' || b[i] == 'f')
}

// stringValueAfter finds, after a key, `: "value"` and returns the value's bounds.
func stringValueAfter(b []byte, i int) (start, end int, ok bool) {
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return 0, 0, false
	}
	i = skipSpace(b, i+1)
	if i >= len(b) || b[i] != '"' {
		return 0, 0, false
	}
	j := bytes.IndexByte(b[i+1:], '"')
	if j < 0 {
		return 0, 0, false
	}
	return i + 1, i + 1 + j, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// redactValue walks a decoded body. Under a secret key every string and number, however nested,
// becomes its fingerprint (a wrong-typed body must not smuggle a credential in); elsewhere only
// JWT-shaped text is replaced.
func redactValue(v any, secret bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			x[k] = redactValue(val, secret || isSecretField(k))
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactValue(x[i], secret)
		}
		return x
	case float64:
		if secret {
			return plummock.Fingerprint(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case string:
		if secret {
			return plummock.Fingerprint(x)
		}
		if strings.Contains(x, "eyJ") { // the only strings the regexp could change
			return plummock.RedactJWTs(x)
		}
	}
	return v
}

// NewEntry builds a redacted entry from a call.
func NewEntry(r *http.Request, reqBody []byte, status int, respBody []byte) Entry {
	return Entry{
		Method:    r.Method,
		Path:      plummock.RedactJWTs(r.URL.Path),
		Status:    status,
		ErrorCode: errorCode(respBody, status),
		Headers:   recordedHeaders(r.Header),
		Request:   RedactBody(reqBody),
		Response:  RedactBody(respBody),
	}
}

// errorCode pulls the error code out of any of Plum's error shapes.
func errorCode(body []byte, status int) string {
	if status < 400 {
		return ""
	}
	var e struct {
		Error          string `json:"error"`
		ErrorMessageID string `json:"error_message_id"`
		ErrorID        string `json:"errorId"`
		Message        string `json:"message"`
		Errors         []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(body, &e)
	for _, c := range []string{e.ErrorID, e.ErrorMessageID, e.Error, e.Message} {
		if c != "" {
			return c
		}
	}
	if len(e.Errors) > 0 {
		return e.Errors[0].Message
	}
	return ""
}
