package contract_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
)

// The helpers mutants are built from: each mutant is the real fake's handler behind one
// middleware that changes one thing.

// captured is the inner handler's answer, held so a mutant can edit it before the client sees it.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// capture runs next on r and returns what it wrote.
func capture(next http.Handler, r *http.Request) *captured {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	return &captured{status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
}

// write sends the (edited) answer to the client.
func (c *captured) write(w http.ResponseWriter) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body)
}

// object decodes the body as a JSON object (nil if it is not one).
func (c *captured) object() map[string]any {
	var m map[string]any
	if json.Unmarshal(c.body, &m) != nil {
		return nil
	}
	return m
}

func (c *captured) setObject(m map[string]any) { c.body, _ = json.Marshal(m) }

// reply writes a JSON answer built by the mutant itself.
func reply(w http.ResponseWriter, status int, v any) {
	c := &captured{status: status, header: http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}}
	c.body, _ = json.Marshal(v)
	c.write(w)
}

// editResponses passes every request to next and lets edit change answers matching when.
func editResponses(next http.Handler, when func(r *http.Request) bool, edit func(r *http.Request, c *captured)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !when(r) {
			next.ServeHTTP(w, r)
			return
		}
		c := capture(next, r)
		edit(r, c)
		c.write(w)
	})
}

// editJSON edits the decoded body of answers with the given status to requests matching when.
func editJSON(next http.Handler, when func(r *http.Request) bool, status int, edit func(m map[string]any)) http.Handler {
	return editResponses(next, when, func(_ *http.Request, c *captured) {
		if m := c.object(); c.status == status && m != nil {
			edit(m)
			c.setObject(m)
		}
	})
}

// on matches requests by method and path under /chef.
func on(method string, paths ...string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		for _, p := range paths {
			if r.Method == method && r.URL.Path == "/chef"+p {
				return true
			}
		}
		return false
	}
}

func anyRequest(*http.Request) bool { return true }

// bodyOf reads the request body and puts it back, returning it decoded as a string map.
func bodyOf(r *http.Request) map[string]string {
	data, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	m := map[string]string{}
	_ = json.Unmarshal(data, &m)
	return m
}

// objectOf reads the request body and puts it back, returning it decoded as a JSON object
// (values of any type, unlike bodyOf).
func objectOf(r *http.Request) map[string]any {
	data, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	m := map[string]any{}
	_ = json.Unmarshal(data, &m)
	return m
}

// withBody replaces the request body by the JSON of m.
func withBody(r *http.Request, m any) *http.Request {
	data, _ := json.Marshal(m)
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(data))
	r2.ContentLength = int64(len(data))
	return r2
}

// bearer returns the token of the request's Authorization header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return h[7:]
	}
	return ""
}

// jwtClaims decodes a JWT's payload without verifying it (mutants only need exp and iat).
func jwtClaims(tok string) (exp, iat int64, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return 0, 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct{ Exp, Iat int64 }
	if err != nil || json.Unmarshal(raw, &c) != nil || c.Exp == 0 {
		return 0, 0, false
	}
	return c.Exp, c.Iat, true
}

// mockNow asks the inner fake's admin clock for its time in seconds.
func mockNow(next http.Handler) int64 {
	r := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/__admin/clock", nil)
	r.RemoteAddr = "127.0.0.1:1"
	c := capture(next, r)
	var k struct {
		NowMS int64 `json:"now_ms"`
	}
	_ = json.Unmarshal(c.body, &k)
	return k.NowMS / 1000
}

func scale(m map[string]any, key string, f float64) {
	if v, ok := m[key].(float64); ok {
		m[key] = v * f
	}
}
