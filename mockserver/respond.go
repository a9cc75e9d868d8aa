package mockserver

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/plummock/plummock/mockserver/apierr"
)

// writeJSON is the one way the mock writes a body: JSON, never cached (RFC 6749 section 5.1).
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"error":"server_error","error_description":"internal error"}`)
	}
	writeEncoded(w, status, body)
}

// writeEncoded writes a body the mock encoded itself (so it is valid JSON). Headers are set
// by their canonical names directly: this runs on every call.
func writeEncoded(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["Cache-Control"] = []string{"no-store"}
	h["Pragma"] = []string{"no-cache"}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	if m, ok := w.(encodedJSONWriter); ok {
		m.wroteEncodedJSON(body)
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// encodedJSONWriter is a writer that wants to know a body is the mock's own JSON.
type encodedJSONWriter interface{ wroteEncodedJSON(body []byte) }

// writeError writes one of Plum's error answers with its headers.
func writeError(w http.ResponseWriter, e *apierr.Error) {
	if e.Challenge != "" {
		w.Header().Set("WWW-Authenticate", e.Challenge)
	}
	if e.Allow != "" {
		w.Header().Set("Allow", e.Allow)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if e.Reason != "" {
		w.Header()[ReasonHeader] = []string{headerSafe(e.Reason)}
	}
	writeJSON(w, e.Status, e.Body)
}

// ReasonHeader carries why the mock refused a call: Plum's body stays as Plum writes it, and
// the reason (expired, forged, wrong kind and the path to use...) is here. Browsers may read it
// (Access-Control-Expose-Headers).
const ReasonHeader = "Plummock-Reason"

// maxReasonBytes bounds the reason header.
const maxReasonBytes = 300

// headerSafe keeps a reason to printable ASCII and a bounded length, so no value can break
// the header.
func headerSafe(s string) string {
	b := make([]byte, 0, min(len(s), maxReasonBytes))
	for i := 0; i < len(s) && len(b) < maxReasonBytes; i++ {
		if c := s[i]; c >= ' ' && c < 0x7f {
			b = append(b, c)
		} else {
			b = append(b, '?')
		}
	}
	return string(b)
}

// jsonObject builds a flat JSON object by appending, for the answer on the hot path (E4)
// where encoding/json's reflection would cost as much as the rest of the handler.
type jsonObject []byte

// newJSONObject starts an object expected to take about size bytes.
func newJSONObject(size int) jsonObject { return append(make(jsonObject, 0, size), '{') }

func (o jsonObject) key(k string) jsonObject {
	if len(o) > 1 {
		o = append(o, ',')
	}
	return append(appendJSONString(o, k), ':')
}

func (o jsonObject) str(k, v string) jsonObject { return appendJSONString(o.key(k), v) }

func (o jsonObject) num(k string, n int64) jsonObject { return strconv.AppendInt(o.key(k), n, 10) }

// raw appends a value that is JSON already.
func (o jsonObject) raw(k string, v []byte) jsonObject { return append(o.key(k), v...) }

func (o jsonObject) done() []byte { return append(o, '}') }

// appendJSONString appends s as a JSON string: printable ASCII as it is (every token and
// fixture value the mock answers with), anything else through encoding/json.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if jsonPlain[s[i]] != '1' {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	return append(append(append(dst, '"'), s...), '"')
}

// jsonPlain marks ('1') the bytes a JSON string may hold as they are and encoding/json would
// not escape: printable ASCII but '"', '\\', '<', '>' and '&'.
const jsonPlain = "" +
	"0000000000000000" + "0000000000000000" + // control characters
	"1101110111111111" + "1111111111110101" + // ' '..'/' (not '"', '&'), '0'..'?' (not '<', '>')
	"1111111111111111" + "1111111111110111" + // '@'..'O', 'P'..'_' (not '\\')
	"1111111111111111" + "1111111111111110" + // '`'..'o', 'p'..DEL (not DEL)
	"0000000000000000" + "0000000000000000" + "0000000000000000" + "0000000000000000" +
	"0000000000000000" + "0000000000000000" + "0000000000000000" + "0000000000000000"
