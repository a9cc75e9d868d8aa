package journal

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/plummock/plummock/redact"
)

// secretFields are JSON keys whose values are credentials wherever they appear.
func isSecretField(key string) bool {
	switch strings.ToLower(key) {
	case "access_token", "refresh_token", "client_secret", "token", "password", "code", "id_token":
		return true
	}
	return false
}

// redactor redacts one call. It remembers its last fingerprint: the token in a call's
// Authorization header is often the very token its answer names (E4), and hashing it once is
// enough.
type redactor struct {
	lastSecret, lastPrint string
}

func (rd *redactor) fingerprint(secret string) string {
	if secret != rd.lastSecret || rd.lastPrint == "" {
		rd.lastSecret, rd.lastPrint = secret, redact.Fingerprint(secret)
	}
	return rd.lastPrint
}

// recordedHeaders are the request headers worth keeping; Authorization is kept as a scheme and
// a fingerprint only.
func (rd *redactor) recordedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, 2)
	for _, name := range []string{"Content-Type", "Origin", "User-Agent", "X-Request-Id"} {
		if v := h.Get(name); v != "" {
			out[name] = redact.JWTs(v)
		}
	}
	if auth := h.Get("Authorization"); auth != "" {
		out["Authorization"] = rd.authorization(auth)
	}
	return out
}

// authorization keeps the scheme and replaces the credential with its fingerprint.
func (rd *redactor) authorization(v string) string {
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		return rd.fingerprint(v)
	}
	return scheme + " " + rd.fingerprint(strings.TrimSpace(cred))
}

// body returns a JSON body with every secret field, at any depth, replaced by its fingerprint,
// and any JWT-shaped text too; a body that is not JSON is kept only as its length. known says it is already known to be valid JSON (the mock encoded it,
// or the strict decoder passed it), which spares a second validating pass. The common case is
// a textual pass over the bytes (no decoding); a body with escapes, where text and value could
// differ, is decoded and walked instead.
func (rd *redactor) body(body []byte, known bool) any {
	if len(body) == 0 {
		return nil
	}
	if !known && !json.Valid(body) {
		return map[string]any{"unparsed_bytes": len(body)}
	}
	if bytes.IndexByte(body, '\\') >= 0 {
		return redactDecoded(body)
	}
	out, ok := rd.secretText(body)
	if !ok {
		return redactDecoded(body)
	}
	if bytes.Contains(out, []byte("eyJ")) {
		out = []byte(redact.JWTs(string(out)))
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

// secretText replaces the string value of every secret key in valid, escape-free JSON,
// in one pass: with no escapes, every '"' opens or closes a string, and a string followed by ':'
// is a key. A secret key with any other value but null or a bool (a number, an array, an
// object: a wrong-typed body) is left to the decoding path: ok is false.
func (rd *redactor) secretText(body []byte) (_ []byte, ok bool) {
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
		out = append(append(out, body[last:start]...), rd.fingerprint(string(body[start:vend]))...)
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
			return redact.Fingerprint(strconv.FormatFloat(x, 'g', -1, 64))
		}
	case string:
		if secret {
			return redact.Fingerprint(x)
		}
		if strings.Contains(x, "eyJ") { // the only strings the regexp could change
			return redact.JWTs(x)
		}
	}
	return v
}

// Call is what the journal is told about one API call.
type Call struct {
	Request      *http.Request
	RequestBody  []byte
	RequestJSON  bool // RequestBody already passed the strict JSON check
	Status       int
	ResponseBody []byte
	ResponseJSON bool // ResponseBody was encoded by the mock itself
}

// NewEntry builds a redacted entry from a call.
func NewEntry(c Call) Entry {
	var rd redactor
	return Entry{
		Method:    c.Request.Method,
		Path:      redact.JWTs(c.Request.URL.Path),
		Status:    c.Status,
		ErrorCode: errorCode(c.ResponseBody, c.Status),
		Headers:   rd.recordedHeaders(c.Request.Header),
		Request:   rd.body(c.RequestBody, c.RequestJSON),
		Response:  rd.body(c.ResponseBody, c.ResponseJSON),
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
