package mockserver

import (
	"bufio"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
	"github.com/plummock/plummock/mockserver/tokens"
)

// The rest of the bad-input catalogue, beside badinput_test.go's table: the bearer rows on every
// endpoint that takes a bearer token, the JSON-body rows on E2 and E8 as well as E1, and the rows
// that need state (an invalidated company, a clock past expiry, another client's token). Each
// row asserts status, media type, Plum's error shape naming the problem, and no state change.

// moreCase is a bad-input row with the words its error_description must contain.
type moreCase struct {
	badCase
	desc string
}

func row(name, method, path string, headers map[string]string, body string, status int, code, desc string) moreCase {
	return moreCase{badCase{name, method, path, headers, body, status, code}, desc}
}

const okBalance = `{"query":"storesAdmin.query.user_balance","variables":{"user_data":{"email":"admin@demo.example"}}}`

// bearerEverywhere is each malformed or wrong bearer on E1, E4 and E8.
func bearerEverywhere() []moreCase {
	headers := map[string]string{
		"no header":            "",
		"Basic":                "Basic ZGVtbzpkZW1v",
		"Bearer nothing":       "Bearer ",
		"Bearer spaces only":   "Bearer     ",
		"token with space":     "Bearer abc def",
		"token with tab":       "Bearer abc\tdef",
		"token with comma":     "Bearer abc,def",
		"token with quote":     `Bearer "abc"`,
		"40k dots":             "Bearer " + strings.Repeat(".", 40000),
		"over MaxTokenLength":  "Bearer " + strings.Repeat("a", 5000),
		"two Bearer":           "Bearer a Bearer b",
		"scheme without space": "Bearerdemo-company-token",
	}
	endpoints := []struct{ method, path, body string }{{"POST", pathCreate, okCreate}, {"GET", pathValidate, ""}, {"POST", pathAPI, okBalance}}
	var rows []moreCase
	for name, h := range headers {
		for _, e := range endpoints {
			hs := map[string]string{"Content-Type": "application/json"}
			if h != "" {
				hs["Authorization"] = h
			}
			rows = append(rows, row(name+" on "+e.path, e.method, e.path, hs, e.body, 401, "invalid_request", "authorization header"))
		}
	}
	for _, e := range endpoints[1:] {
		rows = append(rows,
			row("unknown token on "+e.path, e.method, e.path, jsonAuth("not-a-real-token"), e.body, 401, "invalid_token", "invalid/expired token"),
			row("unknown JWT on "+e.path, e.method, e.path, jsonAuth("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), e.body, 401, "invalid_token", "invalid/expired token"))
	}
	return rows
}

// bodiesEverywhere is the JSON-body catalogue on E2 and E8 (E1's is in badinput_test.go).
func bodiesEverywhere() []moreCase {
	user := jsonAuth("USER")
	mega := strings.Repeat("a", 1<<20)
	return []moreCase{
		row("E2 empty body", "POST", pathUser, jsonOnly, "", 400, "invalid_request", "empty"),
		row("E2 truncated", "POST", pathUser, jsonOnly, `{"grant_type":"refresh_token"`, 400, "invalid_request", "truncated"),
		row("E2 trailing data", "POST", pathUser, jsonOnly, refreshJSON("refresh_token", "x", "demo-client", "demo-secret")+`x`, 400, "invalid_request", "after the JSON object"),
		row("E2 duplicate key", "POST", pathUser, jsonOnly, `{"grant_type":"refresh_token","grant_type":"password"}`, 400, "invalid_request", "grant_type: duplicate key"),
		row("E2 number for string", "POST", pathUser, jsonOnly, `{"grant_type":1,"refresh_token":"x","client_id":"demo-client","client_secret":"demo-secret"}`, 400, "invalid_request", "grant_type"),
		row("E2 null for string", "POST", pathUser, jsonOnly, `{"grant_type":"refresh_token","refresh_token":null,"client_id":"demo-client","client_secret":"demo-secret"}`, 400, "invalid_request", "refresh_token"),
		row("E2 empty refresh token", "POST", pathUser, jsonOnly, refreshJSON("refresh_token", "", "demo-client", "demo-secret"), 400, "invalid_request", "refresh_token"),
		row("E2 deep nesting", "POST", pathUser, jsonOnly, `{"x":`+strings.Repeat(`{"a":`, 40)+`1`+strings.Repeat(`}`, 40)+`}`, 400, "invalid_request", "nested deeper"),
		row("E2 invalid UTF-8", "POST", pathUser, jsonOnly, "{\"grant_type\":\"refresh_token\xc3\x28\"}", 400, "invalid_request", "UTF-8"),
		row("E2 raw NUL", "POST", pathUser, jsonOnly, "{\"grant_type\":\"refresh\x00token\"}", 400, "invalid_request", "malformed JSON"),
		row("E2 escaped NUL", "POST", pathUser, jsonOnly, `{"grant_type":"refresh_token","refresh_token":"a\u0000b","client_id":"demo-client","client_secret":"demo-secret"}`, 400, "invalid_request", "control character"),
		row("E2 1 MiB field", "POST", pathUser, jsonOnly, refreshJSON("refresh_token", mega, "demo-client", "demo-secret"), 413, "invalid_request", "exceeds 65536 bytes"),
		row("E2 authorization_code grant", "POST", pathUser, jsonOnly, refreshJSON("authorization_code", "x", "demo-client", "demo-secret"), 400, "unsupported_grant_type", "grant_type"),
		row("E3 array body", "POST", pathCompany, jsonOnly, `["refresh_token"]`, 400, "invalid_request", "JSON object"),
		row("E8 empty body", "POST", pathAPI, user, "", 400, "invalid_request", "empty"),
		row("E8 trailing data", "POST", pathAPI, user, okBalance+`{}`, 400, "invalid_request", "after the JSON object"),
		row("E8 duplicate key", "POST", pathAPI, user, `{"query":"a","query":"b"}`, 400, "invalid_request", "query: duplicate key"),
		row("E8 number query", "POST", pathAPI, user, `{"query":5}`, 400, "invalid_request", "query"),
		row("E8 deep variables", "POST", pathAPI, user, `{"query":"storesAdmin.query.user_balance","variables":`+strings.Repeat(`[`, 50)+strings.Repeat(`]`, 50)+`}`, 400, "invalid_request", "nested deeper"),
		row("E8 1 MiB email", "POST", pathAPI, user, `{"query":"storesAdmin.query.user_balance","variables":{"user_data":{"email":"`+mega+`"}}}`, 413, "invalid_request", "exceeds"),
		row("E1 1 MiB user_input", "POST", pathCreate, jsonAuth("demo-company-token"), `{"user_input":"`+mega+`","scope":"user_session"}`, 413, "invalid_request", "exceeds"),
		row("E1 raw DEL", "POST", pathCreate, jsonAuth("demo-company-token"), "{\"user_input\":\"admin@demo.example\x7f\",\"scope\":\"user_session\"}", 400, "invalid_request", "control character"),
	}
}

// runMore sends the rows and checks each, then that nothing changed.
func runMore(t *testing.T, ts string, srv *Server, user string, rows []moreCase) {
	t.Helper()
	before := storeStats(t, srv)
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			headers := map[string]string{}
			for k, v := range tc.headers {
				headers[k] = strings.ReplaceAll(v, "USER", user)
			}
			r := sendRawHeaders(t, tc.method, ts+tc.path, headers, tc.body)
			wantError(t, r, tc.status, tc.code)
			if d := r.str("error_description"); !strings.Contains(strings.ToLower(d), strings.ToLower(tc.desc)) {
				t.Errorf("error_description %q does not name %q", d, tc.desc)
			}
		})
	}
	if after := storeStats(t, srv); after != before {
		t.Errorf("state changed: %+v -> %+v", before, after)
	}
}

// sendRawHeaders is sendRaw, but a header with a control character (which net/http's client
// refuses to send) goes out through a raw connection.
func sendRawHeaders(t *testing.T, method, url string, headers map[string]string, body string) reply {
	t.Helper()
	for _, v := range headers {
		if strings.ContainsAny(v, "\t") {
			return sendOverConn(t, method, url, headers, body)
		}
	}
	return sendRaw(t, method, url, headers, body)
}

func TestMoreBadInputsAreRefusedWithoutStateChange(t *testing.T) {
	ts, srv := newTest(t)
	user := createUser(t, ts.URL)
	runMore(t, ts.URL, srv, user.str("access_token"), append(bearerEverywhere(), bodiesEverywhere()...))
	if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(user.str("refresh_token"))); r.status != http.StatusOK {
		t.Errorf("the user's refresh token no longer works: %s", r.raw)
	}
}

// twoCompanies is the demo data plus a second company with its own client.
func twoCompanies(o *Options) {
	set := fixtures.Demo()
	set.Companies = append(set.Companies, fixtures.Company{ID: "other", Name: "Other", ClientID: "other-client",
		ClientSecret: "other-secret", AccessTokens: []string{"other-company-token"}, RefreshTokens: []string{"other-company-refresh"},
		Users: []fixtures.User{{Email: "boss@other.example", SuperAdmin: true}}})
	o.Fixtures = set
}

// TestStatefulBadInputs: the rows that need the mock in a given state first.
func TestStatefulBadInputs(t *testing.T) {
	t.Run("another client's refresh token", func(t *testing.T) {
		ts, _ := newTest(t, twoCompanies)
		set := createUser(t, ts.URL)
		body := map[string]string{"grant_type": "refresh_token", "refresh_token": set.str("refresh_token"), "client_id": "other-client", "client_secret": "other-secret"}
		wantError(t, call(t, "POST", ts.URL+pathUser, nil, body), 400, "invalid_grant")
		wantError(t, call(t, "POST", ts.URL+pathCompany, nil, map[string]string{"grant_type": "refresh_token", "refresh_token": "demo-company-refresh", "client_id": "other-client", "client_secret": "other-secret"}), 400, "invalid_grant")
		if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token"))); r.status != 200 {
			t.Errorf("the refusal consumed the token: %s", r.raw)
		}
	})
	t.Run("company token expired by the clock", func(t *testing.T) {
		ts, srv := newTest(t)
		srv.Clock().Set(testStart.Add(30 * 24 * time.Hour))
		wantError(t, call(t, "POST", ts.URL+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}), 401, "invalid_token")
	})
	t.Run("company invalidated by a password reset", func(t *testing.T) {
		ts, srv := newTest(t)
		set := createUser(t, ts.URL)
		if _, err := srv.tokens.RunScenario(context.Background(), tokens.ScenarioPasswordReset, tokens.ScenarioRequest{Company: "demo"}); err != nil {
			t.Fatal(err)
		}
		for _, r := range []reply{
			call(t, "POST", ts.URL+pathCreate, bearer("demo-company-token"), map[string]string{"user_input": "admin@demo.example", "scope": "user_session"}),
			call(t, "GET", ts.URL+pathValidate, bearer(set.str("access_token")), nil),
			call(t, "POST", ts.URL+pathAPI, bearer(set.str("access_token")), map[string]string{"query": balanceQuery}),
		} {
			if r.status != 401 || r.str("error_message_id") != "auth.token_error" {
				t.Errorf("after a password reset: %d %s", r.status, r.raw)
			}
		}
		if r := call(t, "POST", ts.URL+pathUser, nil, refreshBody(set.str("refresh_token"))); r.status < 400 || r.status >= 500 {
			t.Errorf("refresh after a password reset: %d %s", r.status, r.raw)
		}
	})
}

// sendOverConn writes one HTTP/1.1 request byte for byte and reads the answer.
func sendOverConn(t *testing.T, method, url string, headers map[string]string, body string) reply {
	t.Helper()
	base := strings.TrimPrefix(url, "http://")
	host, path, _ := strings.Cut(base, "/")
	c := dial(t, "http://"+host)
	var b strings.Builder
	b.WriteString(method + " /" + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n")
	for k, v := range headers {
		b.WriteString(k + ": " + v + "\r\n")
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	if _, err := c.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	return readReply(resp)
}
