package mockserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// The two public Plum clients' flow shapes, driven over HTTP against a real mock server: both
// start from the pair a company generates in the Plum dashboard and refresh it on E2.

// plumClient holds what a client stores: the whole last token answer (the Python client keeps
// the response dict) behind a lock (the TypeScript client refreshes once at a time and saves
// the rotated pair atomically).
type plumClient struct {
	t     *testing.T
	base  string
	mu    sync.Mutex
	saved map[string]any
}

func newPlumClient(t *testing.T, base string) *plumClient {
	return &plumClient{t: t, base: base, saved: map[string]any{"access_token": "demo-dashboard-access", "refresh_token": "demo-dashboard-refresh"}}
}

func (c *plumClient) token(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, _ := c.saved[key].(string)
	return s
}

// do sends one JSON request and decodes the answer, as both clients do (fetch / requests).
func (c *plumClient) do(method, path, bearerToken string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearerToken != "" {
		req.Header.Set("Authorization", "Bearer "+bearerToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// refresh is E2 with the saved refresh token; the rotated pair is saved before anything else.
func (c *plumClient) refresh() (int, map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rt, _ := c.saved["refresh_token"].(string)
	status, body := c.do("POST", pathUser, "", refreshBody(rt))
	if status == http.StatusOK {
		c.saved = body
	}
	return status, body
}

// expiresIn reads expires_in as integer seconds (the Python client's int(...)).
func expiresIn(t *testing.T, body map[string]any) int64 {
	t.Helper()
	f, ok := body["expires_in"].(float64)
	if !ok || f != float64(int64(f)) {
		t.Fatalf("expires_in is not integer seconds: %v", body["expires_in"])
	}
	return int64(f)
}

// display is the TypeScript client's message for a failed call: error_description ?? message ?? error.
func display(body map[string]any) string {
	for _, k := range []string{"error_description", "message", "error"} {
		if s, ok := body[k].(string); ok {
			return s
		}
	}
	return ""
}

func (c *plumClient) api(query string, variables map[string]any) (int, map[string]any) {
	return c.do("POST", pathAPI, c.token("access_token"), map[string]any{"query": query, "tag": "storeAdmin", "variables": variables})
}

// pointsFlow is the ledger part both clients share: balance, send, cancel, balance.
func (c *plumClient) pointsFlow(call func(query string, v map[string]any) (int, map[string]any)) {
	t := c.t
	t.Helper()
	balance := func() float64 {
		st, b := call(balanceQuery, map[string]any{"user_data": map[string]any{"email": "admin@demo.example"}})
		if st != 200 {
			t.Fatalf("user_balance: %d %v", st, b)
		}
		return b["data"].(map[string]any)["user_balance"].(map[string]any)["data"].(map[string]any)["total"].(float64)
	}
	start := balance()
	st, b := call(sendQuery, map[string]any{"recipients_data": map[string]any{"sender_email": "admin@demo.example", "expiry_month": 12,
		"recipients": []map[string]any{{"to_name": "Em", "to_email": "employee@demo.example", "amount": "25", "citation": "flow"}}}})
	if st != 200 {
		t.Fatalf("sendBalance: %d %v", st, b)
	}
	id := b["data"].(map[string]any)["sendBalance"].(map[string]any)["recipients"].([]any)[0].(map[string]any)["unique_id"]
	if balance() != start-25 {
		t.Fatalf("send did not move 25 points")
	}
	if st, b := call(cancelQuery, map[string]any{"recipients_data": map[string]any{"recipients": []map[string]any{{"unique_id": id}}}}); st != 200 ||
		b["data"].(map[string]any)["cancelBalance"].(map[string]any)["error"] != false {
		t.Fatalf("cancelBalance: %d %v", st, b)
	}
	if balance() != start {
		t.Fatalf("cancel did not restore the balance")
	}
}

func TestPythonServiceClientFlow(t *testing.T) {
	ts, _ := newTest(t)
	c := newPlumClient(t, ts.URL)
	if st, b := c.refresh(); st != 200 || expiresIn(t, b) != 2592000 {
		t.Fatalf("first token from the dashboard pair via E2: %d %v", st, b)
	}
	spent := c.token("refresh_token")
	for i := 0; i < 2; i++ {
		if st, b := c.refresh(); st != 200 {
			t.Fatalf("refresh %d: %d %v", i+1, st, b)
		}
	}
	if st, b := c.do("POST", pathUser, "", refreshBody(spent)); st != 400 || b["error"] != "invalid_grant" {
		t.Fatalf("a spent refresh token still works: %d %v", st, b)
	}
	if st, b := c.do("GET", pathValidate, c.token("access_token"), nil); st != 200 || b["access_token"] != c.token("access_token") || expiresIn(t, b) <= 0 {
		t.Fatalf("validate: %d %v", st, b)
	}
	c.pointsFlow(c.api)
}

// tsCall is the TypeScript client's call: on 401 or 403 it refreshes once and retries.
func (c *plumClient) tsCall(query string, v map[string]any) (int, map[string]any) {
	st, b := c.api(query, v)
	if st != http.StatusUnauthorized && st != http.StatusForbidden {
		return st, b
	}
	if rst, rb := c.refresh(); rst != 200 {
		c.t.Fatalf("refresh after %d: %d %s", st, rst, display(rb))
	}
	return c.api(query, v)
}

func TestTypeScriptMCPServerFlow(t *testing.T) {
	ts, srv := newTest(t)
	c := newPlumClient(t, ts.URL)
	for i := 0; i < 3; i++ { // the first token, then two rotations
		if st, b := c.refresh(); st != 200 {
			t.Fatalf("refresh %d: %d %s", i+1, st, display(b))
		}
	}
	if st, b := c.do("GET", pathValidate, c.token("access_token"), nil); st != 200 {
		t.Fatalf("validate: %d %s", st, display(b))
	}
	c.pointsFlow(c.tsCall)
	// The access token dies; the next call answers 401, the client refreshes and retries.
	srv.Clock().Advance(31 * 24 * time.Hour)
	before := c.token("access_token")
	if st, b := c.tsCall(balanceQuery, map[string]any{"user_data": map[string]any{"email": "admin@demo.example"}}); st != 200 || c.token("access_token") == before {
		t.Fatalf("refresh on 401: %d %s", st, display(b))
	}
	// What the client shows for refusals, each from Plum's own fields.
	st, b := c.do("GET", pathValidate, before, nil)
	if st != 401 || display(b) != "invalid/expired token" {
		t.Errorf("dead token: %d %q", st, display(b))
	}
	if st, b := c.do("POST", pathUser, "", refreshBody("demo-dashboard-refresh")); st != 400 || display(b) != "refresh token already used" {
		t.Errorf("spent dashboard refresh token: %d %q", st, display(b))
	}
	concurrentRefreshesSaveOnePair(t, c)
}

// concurrentRefreshesSaveOnePair: refreshes serialised by the client never present a spent token.
func concurrentRefreshesSaveOnePair(t *testing.T, c *plumClient) {
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if st, b := c.refresh(); st != 200 {
				errs <- fmt.Sprintf("%d %s", st, display(b))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("a serialised refresh failed: %s", e)
	}
}
