package journal

import (
	"encoding/json"
	"net/http"
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

// RedactBody parses a JSON body and replaces every secret field, at any depth, with its
// fingerprint; a body that is not JSON is kept only as its length.
func RedactBody(body []byte) any {
	if len(body) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return map[string]any{"unparsed_bytes": len(body)}
	}
	return redactValue(v)
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && isSecretField(k) {
				x[k] = plummock.Fingerprint(s)
			} else {
				x[k] = redactValue(val)
			}
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
		return x
	case string:
		if strings.Contains(x, "eyJ") { // the only strings the regexp could change
			return plummock.RedactJWTs(x)
		}
		return x
	}
	return v
}

// NewEntry builds a redacted entry from a call.
func NewEntry(r *http.Request, reqBody []byte, status int, respBody []byte) Entry {
	return Entry{
		Method:    r.Method,
		Path:      r.URL.Path,
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
