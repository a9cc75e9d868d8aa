package mockserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/mockserver/clock"
)

var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newTest starts a strict mock on a frozen clock behind httptest.
func newTest(t *testing.T, mutate ...func(*Options)) (*httptest.Server, *Server) {
	t.Helper()
	clk := clock.New(func() time.Time { return testStart })
	clk.Freeze()
	opts := Options{Strict: true, Clock: clk}
	for _, m := range mutate {
		m(&opts)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, srv
}

// reply is a decoded response.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (r reply) str(key string) string { s, _ := r.body[key].(string); return s }

// call sends one request; body may be a string (sent as is) or a value (JSON-encoded), and
// a body gets Content-Type application/json unless headers say otherwise.
func call(t *testing.T, method, url string, headers map[string]string, body any) reply {
	t.Helper()
	var raw string
	switch b := body.(type) {
	case nil:
	case string:
		raw = b
	default:
		j, _ := json.Marshal(b)
		raw = string(j)
	}
	all := map[string]string{}
	if body != nil {
		all["Content-Type"] = "application/json"
	}
	for k, v := range headers {
		all[k] = v
	}
	return sendRaw(t, method, url, all, raw)
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func createUser(t *testing.T, base string) reply {
	t.Helper()
	r := call(t, "POST", base+"/chef/v1/oauth/token/create/user", bearer("demo-company-token"),
		map[string]string{"user_input": "admin@demo.example", "scope": "user_session"})
	if r.status != 200 {
		t.Fatalf("create user: %d %s", r.status, r.raw)
	}
	return r
}

func refreshBody(tok string) map[string]string {
	return map[string]string{"grant_type": "refresh_token", "refresh_token": tok, "client_id": "demo-client", "client_secret": "demo-secret"}
}

// wantError asserts an error answer: status, Plum's OAuth shape with the code, no-store, JSON.
func wantError(t *testing.T, r reply, status int, code string) {
	t.Helper()
	if r.status != status || r.str("error") != code {
		t.Fatalf("got %d %s, want %d %q", r.status, r.raw, status, code)
	}
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers: Cache-Control %q Content-Type %q", r.header.Get("Cache-Control"), r.header.Get("Content-Type"))
	}
	if status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("401 without a Bearer challenge: %q", r.header.Get("WWW-Authenticate"))
	}
}

// sendRaw sends a body exactly as given with exactly the headers given.
func sendRaw(t *testing.T, method, url string, headers map[string]string, body string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readReply(resp)
}

// readReply reads and decodes a response, closing its body.
func readReply(resp *http.Response) reply {
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func storeStats(t *testing.T, srv *Server) any {
	t.Helper()
	st, err := srv.opts.Store.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
