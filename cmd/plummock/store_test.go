package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStoreFlag(t *testing.T) {
	cases := []struct {
		spec, key, want, err string
	}{
		{"", "", "memory", ""},
		{"memory", "", "memory", ""},
		{"file:/tmp/x.db", "", "file", ""},
		{"redis://127.0.0.1:6379/0", "fixtures/testkey.pem", "redis", ""},
		{"redis://127.0.0.1:6379/0", "generate", "", "same --key FILE"},
		{"file:", "", "", "want"},
		{"postgres://x", "", "", "want"},
	}
	for _, tc := range cases {
		kind, err := storeKind(tc.spec)
		if err == nil {
			err = checkStore(tc.spec, tc.key)
		}
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q with key %q: err = %v, want one mentioning %q", tc.spec, tc.key, err, tc.err)
			}
			continue
		}
		if err != nil || kind != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.spec, kind, err, tc.want)
		}
	}
}

func TestBadStoreStopsStartup(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"serve", "--store", "nosuch:thing"}, &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), `--store "nosuch:thing"`) {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	code = run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0", "--store", "redis://127.0.0.1:1/0"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "redis store") {
		t.Errorf("unreachable Redis: exit %d, stderr %q", code, errb.String())
	}
}

func TestHealthURL(t *testing.T) {
	for addr, want := range map[string]string{
		":8080":          "http://127.0.0.1:8080/__admin/health",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/__admin/health",
		"[::]:9000":      "http://127.0.0.1:9000/__admin/health",
		"127.0.0.1:8081": "http://127.0.0.1:8081/__admin/health",
		"localhost:80":   "http://localhost:80/__admin/health",
	} {
		if got := healthURL(addr); got != want {
			t.Errorf("healthURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/__admin/health" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"temporarily_unavailable"}`))
	}))
	defer sick.Close()
	addr := func(s *httptest.Server) string { return strings.TrimPrefix(s.URL, "http://") }
	cases := []struct {
		name string
		args []string
		env  map[string]string
		code int
	}{
		{"flag", []string{"--addr", addr(healthy)}, nil, 0},
		{"environment", nil, map[string]string{"PLUMMOCK_ADDR": addr(healthy)}, 0},
		{"unhealthy", []string{"--addr", addr(sick)}, nil, 1},
		{"nothing listening", []string{"--addr", "127.0.0.1:1"}, nil, 1},
		{"bad flag", []string{"--nope"}, nil, 2},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code := runHealthcheck(context.Background(), tc.args, env(tc.env), &out, &errb)
		if code != tc.code || (code == 0) != (out.String() == "ok\n") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d", tc.name, code, out.String(), errb.String(), tc.code)
		}
	}
}
