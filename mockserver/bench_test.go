package mockserver

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unsafe"
)

// Benchmarks of the hot paths through the whole handler (routing, spec validation, domain,
// JSON, access log) without a network, on the product's defaults (not strict). They measure;
// they never assert a time. bench/run.sh measures the same paths over HTTP under load.

const balanceRequestJSON = `{"query":"storesAdmin.query.user_balance","tag":"storeAdmin","variables":{"user_data":{"email":"admin@demo.example"}}}`

// benchServer is a product-default mock (not strict, real clock, discarded log).
func benchServer(b *testing.B) *Server {
	b.Helper()
	srv, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

// serve runs one request through the handler and fails the benchmark on an unexpected status.
func serve(b *testing.B, h http.Handler, method, path, auth, body string) *httptest.ResponseRecorder {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = "127.0.0.1:40000"
	if auth != "" {
		req.Header.Set("Authorization", "Bearer "+auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec
}

// tokenSet decodes the two tokens of an E1/E2 answer.
func tokenSet(b *testing.B, rec *httptest.ResponseRecorder) (access, refresh string) {
	var out struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		b.Fatal(err)
	}
	return out.AccessToken, out.RefreshToken
}

func BenchmarkE1CreateUser(b *testing.B) {
	h := benchServer(b).Handler()
	b.ReportAllocs()
	for b.Loop() {
		serve(b, h, "POST", pathCreate, "demo-company-token", okCreate)
	}
}

// BenchmarkE2Refresh follows one refresh chain: each call presents the token the last returned.
func BenchmarkE2Refresh(b *testing.B) {
	h := benchServer(b).Handler()
	_, rt := tokenSet(b, serve(b, h, "POST", pathCreate, "demo-company-token", okCreate))
	b.ReportAllocs()
	for b.Loop() {
		_, rt = tokenSet(b, serve(b, h, "POST", pathUser, "", refreshJSON("refresh_token", rt, "demo-client", "demo-secret")))
	}
}

func BenchmarkE4Validate(b *testing.B) {
	h := benchServer(b).Handler()
	at, _ := tokenSet(b, serve(b, h, "POST", pathCreate, "demo-company-token", okCreate))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, h, "GET", pathValidate, at, "")
		}
	})
}

func BenchmarkE8Balance(b *testing.B) {
	h := benchServer(b).Handler()
	at, _ := tokenSet(b, serve(b, h, "POST", pathCreate, "demo-company-token", okCreate))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, h, "POST", pathAPI, at, balanceRequestJSON)
		}
	})
}

// BenchmarkPlainHandler is the in-process ceiling the E4/E8 figures compare with: a handler that
// writes a fixed ~300-byte JSON body, through the same recorder.
func BenchmarkPlainHandler(b *testing.B) {
	body := []byte(`{"access_token":"` + strings.Repeat("x", 240) + `","token_type":"bearer","expires_in":1296000}`)
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, h, "GET", pathValidate, "", "")
		}
	})
}

// BenchmarkPolicy measures one read of the behaviour profile as the handlers read it (one field
// of the returned copy), which E1, E2, E4 and E8 each do a few times per call.
func BenchmarkPolicy(b *testing.B) {
	srv := benchServer(b)
	n := 0
	for b.Loop() {
		if srv.tokens.Policy().APIRateLimits {
			n++
		}
	}
	_ = n
	b.ReportMetric(float64(unsafe.Sizeof(srv.tokens.Policy())), "bytes/copy")
}
