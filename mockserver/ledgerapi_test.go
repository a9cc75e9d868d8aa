package mockserver

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func balanceOf(t *testing.T, base, token, email string) float64 {
	t.Helper()
	r := call(t, "POST", base+pathAPI, bearer(token), map[string]any{"query": balanceQuery,
		"variables": map[string]any{"user_data": map[string]string{"email": email}}})
	if r.status != http.StatusOK {
		t.Fatalf("balance of %s: %d %s", email, r.status, r.raw)
	}
	total, _ := r.body["data"].(map[string]any)["user_balance"].(map[string]any)["data"].(map[string]any)["total"].(float64)
	return total
}

func sendPoints(t *testing.T, base, token, amount string) reply {
	t.Helper()
	return call(t, "POST", base+pathAPI, bearer(token), map[string]any{"query": sendQuery, "tag": "storeAdmin",
		"variables": map[string]any{"recipients_data": map[string]any{"sender_email": "admin@demo.example",
			"recipients": []map[string]string{{"to_name": "Em", "to_email": "employee@demo.example", "amount": amount, "citation": "thanks"}}}}})
}

func cancelPoints(t *testing.T, base, token string, id any) reply {
	t.Helper()
	return call(t, "POST", base+pathAPI, bearer(token), map[string]any{"query": cancelQuery, "tag": "storeAdmin",
		"variables": map[string]any{"recipients_data": map[string]any{"recipients": []map[string]any{{"unique_id": id}}}}})
}

// inner is data.<name> of an E8 answer.
func inner(r reply, name string) map[string]any {
	d, _ := r.body["data"].(map[string]any)
	m, _ := d[name].(map[string]any)
	return m
}

func TestLedgerSendCancelOverHTTPWithEitherToken(t *testing.T) {
	ts, srv := newTest(t)
	user := createUser(t, ts.URL).str("access_token")
	for _, tok := range []string{user, "demo-dashboard-access"} {
		if got := balanceOf(t, ts.URL, tok, "admin@demo.example"); got != 1500 {
			t.Fatalf("start: %v", got)
		}
		r := sendPoints(t, ts.URL, tok, "100")
		sb := inner(r, "sendBalance")
		recips, _ := sb["recipients"].([]any)
		if r.status != 200 || sb["error"] != false || len(recips) != 1 {
			t.Fatalf("send: %d %s", r.status, r.raw)
		}
		id := recips[0].(map[string]any)["unique_id"]
		if balanceOf(t, ts.URL, tok, "admin@demo.example") != 1400 || balanceOf(t, ts.URL, tok, "employee@demo.example") != 350 {
			t.Fatal("the send moved nothing")
		}
		c := cancelPoints(t, ts.URL, tok, id)
		if cb := inner(c, "cancelBalance"); c.status != 200 || cb["error"] != false {
			t.Fatalf("cancel: %d %s", c.status, c.raw)
		}
		again := cancelPoints(t, ts.URL, tok, id)
		if cb := inner(again, "cancelBalance"); again.status != 200 || cb["error"] != true || !strings.Contains(again.raw, `"success":false`) {
			t.Fatalf("second cancel: %d %s", again.status, again.raw)
		}
		if balanceOf(t, ts.URL, tok, "admin@demo.example") != 1500 || balanceOf(t, ts.URL, tok, "employee@demo.example") != 250 {
			t.Fatal("cancel did not restore exactly once")
		}
	}
	sendPoints(t, ts.URL, user, "1000")
	if err := srv.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := balanceOf(t, ts.URL, "demo-company-token", "admin@demo.example"); got != 1500 {
		t.Fatalf("a reset kept the ledger: %v", got)
	}
}

func TestLedgerRefusalsAreFourHundreds(t *testing.T) {
	ts, _ := newTest(t)
	user := createUser(t, ts.URL).str("access_token")
	r := sendPoints(t, ts.URL, user, "1500.01")
	if sb := inner(r, "sendBalance"); r.status != 400 || sb["error"] != true || !strings.Contains(sb["message"].(string), "1500") {
		t.Fatalf("overdraw: %d %s", r.status, r.raw)
	}
	if !strings.HasPrefix(r.header.Get("Plummock-Reason"), "insufficient balance") {
		t.Errorf("reason %q", r.header.Get("Plummock-Reason"))
	}
	for _, amount := range []string{"0", "-1", "abc", "1.001"} {
		wantError(t, sendPoints(t, ts.URL, user, amount), 400, "invalid_request")
	}
	wantError(t, cancelPoints(t, ts.URL, user, "x"), 400, "invalid_request")
	if balanceOf(t, ts.URL, user, "admin@demo.example") != 1500 {
		t.Fatal("a refused call moved points")
	}
	wantError(t, call(t, "POST", ts.URL+pathAPI, bearer("demo-company-token"), map[string]any{"query": sendQuery,
		"variables": map[string]any{"recipients": []map[string]string{{"to_email": "employee@demo.example", "amount": "1"}}}}), 400, "invalid_request")
}

func TestUnsupportedQueryNamesItselfAndTheSupportedOnes(t *testing.T) {
	ts, _ := newTest(t)
	r := call(t, "POST", ts.URL+pathAPI, bearer("demo-company-token"), map[string]string{"query": "plumProAPI.mutation.placeOrder"})
	wantError(t, r, 400, "invalid_request")
	d := r.str("error_description")
	for _, want := range []string{"plumProAPI.mutation.placeOrder", balanceQuery, sendQuery, cancelQuery, "plumProAPI.query.getBalance"} {
		if !strings.Contains(d, want) {
			t.Errorf("description %q lacks %q", d, want)
		}
	}
}

func TestCannedAnswersKeepAuthReal(t *testing.T) {
	ts, _ := newTest(t)
	body := map[string]string{"query": "plumProAPI.query.getBalance"}
	r := call(t, "POST", ts.URL+pathAPI, bearer("demo-dashboard-access"), body)
	if r.status != 200 || !strings.Contains(r.raw, `"getBalance"`) {
		t.Fatalf("canned: %d %s", r.status, r.raw)
	}
	wantError(t, call(t, "POST", ts.URL+pathAPI, bearer("not-a-real-token"), body), 401, "invalid_token")
}

func TestPerQueryLimitsByTheMockClock(t *testing.T) {
	ts, srv := newTest(t, func(o *Options) { o.Policy.APIRateLimits = true })
	body := map[string]string{"query": "plumProAPI.query.getBalance"}
	for i := 0; i < 10; i++ {
		if r := call(t, "POST", ts.URL+pathAPI, bearer("demo-company-token"), body); r.status != 200 {
			t.Fatalf("call %d: %d %s", i+1, r.status, r.raw)
		}
	}
	r := call(t, "POST", ts.URL+pathAPI, bearer("demo-company-token"), body)
	if r.status != 429 || r.raw != `{"errors":[{"message":"auth.request_limit_exceeded","penaltySeconds":60}]}` || r.header.Get("Retry-After") != "60" {
		t.Fatalf("11th getBalance: %d %s %v", r.status, r.raw, r.header)
	}
	if r := call(t, "POST", ts.URL+pathAPI, bearer("demo-company-token"), map[string]string{"query": "plumProAPI.query.getVouchers"}); r.status != 200 {
		t.Fatalf("another query shares the limit: %d", r.status)
	}
	srv.Clock().Advance(time.Minute)
	if r := call(t, "POST", ts.URL+pathAPI, bearer("demo-company-token"), body); r.status != 200 {
		t.Fatalf("next minute: %d %s", r.status, r.raw)
	}
	off, _ := newTest(t)
	for i := 0; i < 12; i++ {
		if r := call(t, "POST", off.URL+pathAPI, bearer("demo-company-token"), body); r.status != 200 {
			t.Fatalf("limits off by default, call %d: %d", i+1, r.status)
		}
	}
}

func TestConcurrentSendsOverHTTPNeverOverdraw(t *testing.T) {
	ts, _ := newTest(t)
	user := createUser(t, ts.URL).str("access_token")
	const n = 40 // 100 each from 1500: exactly 15 succeed
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = sendPoints(t, ts.URL, user, "100").status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == 200 {
			ok++
		} else if s != 400 {
			t.Errorf("status %d", s)
		}
	}
	if ok != 15 || balanceOf(t, ts.URL, user, "admin@demo.example") != 0 {
		t.Fatalf("%d sends won, balance %v", ok, balanceOf(t, ts.URL, user, "admin@demo.example"))
	}
}

func TestNewFixturesStartANewLedger(t *testing.T) {
	ts, _ := newTest(t)
	user := createUser(t, ts.URL).str("access_token")
	if r := sendPoints(t, ts.URL, user, "100"); r.status != 200 {
		t.Fatalf("send: %s", r.raw)
	}
	y := "companies: [{id: demo, client_id: demo-client, client_secret: demo-secret, access_tokens: [demo-company-token], users: [{email: admin@demo.example, super_admin: true, balance: 7}]}]"
	if r := sendRaw(t, "PUT", ts.URL+"/__admin/fixtures", map[string]string{"Content-Type": "application/yaml"}, y); r.status != 200 {
		t.Fatalf("fixtures: %d %s", r.status, r.raw)
	}
	if got := balanceOf(t, ts.URL, "demo-company-token", "admin@demo.example"); got != 7 {
		t.Fatalf("balance after new fixtures: %v", got)
	}
}
