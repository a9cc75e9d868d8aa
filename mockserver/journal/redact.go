package journal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/plummock/plummock/redact"
)

// redactor redacts one call: by key (a secret-named field, at any depth), by value (anything
// equal to or containing a secret the journal knows, wherever it stands) and by shape (JWTs).
// Every secret it meets under a secret-named key or in the Authorization header becomes known,
// so the next call that sends it under another name is redacted too. It remembers its last
// fingerprint: the token in a call's Authorization header is often the very token its answer
// names (E4), and hashing it once is enough.
type redactor struct {
	known                 *redact.Set
	prints                *prints
	lastSecret, lastPrint string
}

func (rd *redactor) fingerprint(secret string) string {
	if secret != rd.lastSecret || rd.lastPrint == "" {
		rd.lastSecret, rd.lastPrint = secret, rd.prints.of(secret)
	}
	return rd.lastPrint
}

// secret registers a value met under a secret-named key and returns its fingerprint.
func (rd *redactor) secret(v string) string {
	if v != rd.lastSecret { // the same value twice in one call is registered once
		rd.known.Add(v)
	}
	return rd.fingerprint(v)
}

// text hides known secrets and JWTs in free text (a path, a header, a reason).
func (rd *redactor) text(s string) string { return rd.known.Redact(s) }

// recordedHeaders are the request headers worth keeping (nil when the call sent none of them);
// Authorization is kept as a scheme and a fingerprint only.
func (rd *redactor) recordedHeaders(h http.Header) *Headers {
	out := Headers{ContentType: rd.header(h, "Content-Type"), Origin: rd.header(h, "Origin"),
		UserAgent: rd.header(h, "User-Agent"), RequestID: rd.header(h, "X-Request-Id")}
	if auth := h.Get("Authorization"); auth != "" {
		out.Authorization = rd.authorization(auth)
	}
	if out == (Headers{}) {
		return nil
	}
	return &out
}

// header is one request header with known secrets and JWTs hidden.
func (rd *redactor) header(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return rd.text(v)
	}
	return ""
}

// authorization keeps the scheme and replaces the credential with its fingerprint. The password
// of Basic credentials becomes known too, so it is hidden if it shows up on its own later.
func (rd *redactor) authorization(v string) string {
	if rec, ok := rd.prints.recorded(v); ok {
		rd.lastSecret, rd.lastPrint = rec.credential, rec.fingerprint
		return rec.kept
	}
	scheme, cred, ok := strings.Cut(v, " ")
	if !ok {
		return rd.secret(v)
	}
	cred = strings.TrimSpace(cred)
	if strings.EqualFold(scheme, "Basic") {
		if pair, err := base64.StdEncoding.DecodeString(cred); err == nil {
			if _, password, ok := strings.Cut(string(pair), ":"); ok {
				rd.known.Add(password)
			}
		}
	}
	fp := rd.secret(cred)
	kept := scheme + " " + fp
	if redact.IsJWT(cred) {
		rd.prints.keepRecorded(v, authRecord{kept: kept, credential: cred, fingerprint: fp})
	}
	return kept
}

// query shows the query percent-decoded, with the values of secret-named parameters and every
// known secret hidden. '+' is shown as it was sent (a known secret may contain one); the value
// registered as a secret is the one a server decodes.
func (rd *redactor) query(raw string) string {
	if raw == "" {
		return ""
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		k, v, hasValue := strings.Cut(p, "=")
		parts[i] = unescape(k, url.PathUnescape)
		if !hasValue {
			continue
		}
		if redact.IsSecretField(parts[i]) {
			parts[i] += "=" + rd.secret(unescape(v, url.QueryUnescape))
		} else {
			parts[i] += "=" + unescape(v, url.PathUnescape)
		}
	}
	return rd.text(strings.Join(parts, "&"))
}

// unescape decodes a query component, or keeps it as sent if it is malformed.
func unescape(s string, decode func(string) (string, error)) string {
	if u, err := decode(s); err == nil {
		return u
	}
	return s
}

// body returns a JSON body with every secret field, at any depth, replaced by its fingerprint,
// and any known secret or JWT-shaped text too; a body that is not JSON is kept only as its
// length. known says it is already known to be valid JSON (the mock encoded it, or the strict
// decoder passed it), which spares a second validating pass. The common case is a textual pass
// over the bytes (no decoding); a body with escapes, where text and value could differ, or where
// hiding a known value broke the JSON (the value spanned a quote, or was a number), is decoded
// and walked instead.
func (rd *redactor) body(body []byte, known bool) any {
	if len(body) == 0 {
		return nil
	}
	if !known && !json.Valid(body) {
		return map[string]any{"unparsed_bytes": len(body)}
	}
	if bytes.IndexByte(body, '\\') >= 0 {
		return rd.decoded(body)
	}
	out, ok := rd.secretText(body)
	if !ok {
		return rd.decoded(body)
	}
	if hidden, changed := rd.known.ValuesBytes(out); changed {
		if !json.Valid(hidden) {
			return rd.decoded(body)
		}
		out = hidden
	}
	if bytes.Contains(out, []byte("eyJ")) {
		out = []byte(redact.JWTs(string(out)))
	}
	return json.RawMessage(out)
}

// decoded is the slow, general path: decode, walk, replace. Numbers keep their literal text,
// so a numeric secret is recognised as it was sent.
func (rd *redactor) decoded(body []byte) any {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return map[string]any{"unparsed_bytes": len(body)}
	}
	return rd.value(v, false)
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
		start, vend, isSecret := 0, 0, false
		if redact.IsSecretField(string(body[i+1 : end])) {
			if !plainOrString(body, end+1) {
				return nil, false
			}
			start, vend, isSecret = stringValueAfter(body, end+1)
		}
		if !isSecret {
			i = end + 1
			continue
		}
		out = append(append(out, body[last:start]...), rd.secret(string(body[start:vend]))...)
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

// value walks a decoded body. Under a secret key every string and number, however nested,
// becomes its fingerprint (a wrong-typed body must not smuggle a credential in); elsewhere known
// secrets (in keys and values, numbers included) and JWT-shaped text are replaced.
func (rd *redactor) value(v any, secret bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[rd.text(k)] = rd.value(val, secret || redact.IsSecretField(k))
		}
		return out
	case []any:
		for i := range x {
			x[i] = rd.value(x[i], secret)
		}
		return x
	case json.Number:
		if secret {
			return rd.secret(string(x))
		}
		if rd.known.Contains(string(x)) {
			return rd.fingerprint(string(x))
		}
	case string:
		if secret {
			return rd.secret(x)
		}
		return rd.text(x)
	}
	return v
}

// Call is what the journal is told about one API call.
type Call struct {
	Request      *http.Request
	RequestID    string // a client's X-Request-Id, or one the mock made up
	RequestBody  []byte
	RequestJSON  bool // RequestBody already passed the strict JSON check
	Status       int
	ResponseBody []byte
	ResponseJSON bool   // ResponseBody was encoded by the mock itself
	Reason       string // the answer's Plummock-Reason header: why the mock refused the call
}

// NewEntry builds a redacted entry from a call, learning the secrets it carries.
func (j *Journal) NewEntry(c Call) Entry {
	rd := redactor{known: j.secrets, prints: j.prints}
	return Entry{
		Method:    c.Request.Method,
		Headers:   rd.recordedHeaders(c.Request.Header), // first: it registers the bearer token
		Request:   rd.body(c.RequestBody, c.RequestJSON),
		Response:  rd.body(c.ResponseBody, c.ResponseJSON),
		Path:      rd.text(c.Request.URL.Path),
		Query:     rd.query(c.Request.URL.RawQuery),
		RequestID: rd.text(c.RequestID),
		Status:    c.Status,
		ErrorCode: rd.text(errorCode(c.ResponseBody, c.Status)),
		Reason:    rd.text(c.Reason),
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
