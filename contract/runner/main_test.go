package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/contract/runner"
	"github.com/plummock/plummock/mockserver"
)

// fake starts the real fake (optionally behind a middleware) and returns its root URL.
func fake(t *testing.T, opts mockserver.Options, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	opts.Strict = true
	srv, err := mockserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	h := srv.Handler()
	if wrap != nil {
		h = wrap(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

type result struct {
	code           int
	stdout, stderr string
}

// run calls runner.Main as `plummock contract args...` with env as the environment.
func run(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := runner.Main(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// capitalType is a one-line mutant: token_type "Bearer" on every token set.
func capitalType(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if rec.Code == 200 && json.Unmarshal(body, &m) == nil && m["token_type"] != nil && m["refresh_token"] != nil {
			m["token_type"] = "Bearer"
			body, _ = json.Marshal(m)
		}
		passOn(w, rec, body)
	})
}

func TestExitZeroAndReportsAgainstTheFake(t *testing.T) {
	root, dir := fake(t, mockserver.Options{}, nil), t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	r := run(t, nil, "--base-url", root+"/chef", "--admin-url", root, "--json", jsonPath, "--junit", junitPath)
	if r.code != runner.ExitPass {
		t.Fatalf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"PASS  e1/token-set", "PASS  clock/access-expiry-boundary", "Observations", " 0 failed, 0 skipped"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	checkJSONRoundTrip(t, jsonPath)
	checkJUnit(t, junitPath, 0)
}

func checkJSONRoundTrip(t *testing.T, path string) *contract.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep contract.Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("JSON report does not decode: %v", err)
	}
	again, _ := json.Marshal(&rep)
	var rep2 contract.Report
	if err := json.Unmarshal(again, &rep2); err != nil || !reflect.DeepEqual(rep, rep2) {
		t.Fatalf("JSON report does not round-trip (err %v)", err)
	}
	if len(rep.Cases) == 0 || len(rep.Observations) == 0 || len(rep.Assumptions) == 0 {
		t.Errorf("JSON report lacks cases, observations or assumptions")
	}
	return &rep
}

func checkJUnit(t *testing.T, path string, wantFailures int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string    `xml:"name,attr"`
				Failure *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("JUnit report is not XML: %v", err)
	}
	if doc.Tests == 0 || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != doc.Tests {
		t.Errorf("JUnit: %d tests, suites %d", doc.Tests, len(doc.Suites))
	}
	if (wantFailures == 0) != (doc.Failures == 0) {
		t.Errorf("JUnit failures = %d, want %d", doc.Failures, wantFailures)
	}
}

func TestExitOneNamesTheFailedRequest(t *testing.T) {
	root, dir := fake(t, mockserver.Options{}, capitalType), t.TempDir()
	junitPath := filepath.Join(dir, "r.xml")
	r := run(t, nil, "--base-url", root+"/chef", "--admin-url", root, "--junit", junitPath, "--only", "^e1/")
	if r.code != runner.ExitFail {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"FAIL  e1/token-set", `token_type must be exactly "bearer", got "Bearer"`,
		"request: POST /v1/oauth/token/create/user -> 200"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	checkJUnit(t, junitPath, 1)
}

func TestExitTwoWhenNothingListens(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := run(t, nil, "--base-url", "http://"+addr+"/chef")
	if r.code != runner.ExitUsage {
		t.Fatalf("exit %d, want 2", r.code)
	}
	if lines := strings.Count(strings.TrimSpace(r.stderr), "\n"); lines != 0 || !strings.Contains(r.stderr, "cannot reach") {
		t.Errorf("want a one-line 'cannot reach' message, got %q", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout should be empty, got %q", r.stdout)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	for name, args := range map[string][]string{
		"no base url":     {},
		"unknown flag":    {"--nope"},
		"bad url":         {"--base-url", "ftp://x/chef"},
		"bad only":        {"--base-url", "http://127.0.0.1:1/chef", "--only", "("},
		"stray argument":  {"--base-url", "http://127.0.0.1:1/chef", "extra"},
		"missing creds":   {"--base-url", "http://127.0.0.1:1/chef", "--credentials", "/nonexistent/creds.json"},
		"bad concurrency": {"--base-url", "http://127.0.0.1:1/chef", "--concurrency", "-1"},
	} {
		if r := run(t, nil, args...); r.code != runner.ExitUsage || r.stderr == "" {
			t.Errorf("%s: exit %d (stderr %q), want 2 with a message", name, r.code, r.stderr)
		}
	}
}

func TestWithoutAdminClockCasesSkipWithReason(t *testing.T) {
	root := fake(t, mockserver.Options{}, nil)
	r := run(t, nil, "--base-url", root+"/chef", "--only", "^(clock|e3)/")
	if r.code != runner.ExitPass {
		t.Fatalf("exit %d, want 0\n%s", r.code, r.stdout)
	}
	for _, want := range []string{"SKIP  clock/access-expiry-boundary: needs admin: no admin URL given",
		"SKIP  e3/company-rotation: needs restore:", "0 passed, 0 failed, 6 skipped"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestAdminTokenIsUsed(t *testing.T) {
	const adminToken = "admin-token-for-the-contract-test"
	root := fake(t, mockserver.Options{AdminToken: adminToken}, nil)
	args := []string{"--base-url", root + "/chef", "--admin-url", root, "--only", "^clock/access-expiry-boundary$"}
	if r := run(t, nil, args...); !strings.Contains(r.stdout, "SKIP  clock/access-expiry-boundary") {
		t.Errorf("without the admin token the clock case must skip:\n%s", r.stdout)
	}
	r := run(t, map[string]string{"PLUM_ADMIN_TOKEN": adminToken}, args...)
	if r.code != runner.ExitPass || !strings.Contains(r.stdout, "PASS  clock/access-expiry-boundary") {
		t.Errorf("with PLUM_ADMIN_TOKEN the clock case must pass (exit %d):\n%s", r.code, r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, adminToken) {
		t.Errorf("the admin token leaked into the output")
	}
}

// passOn sends a recorded answer on to the client with body (the recorded one, or one a test
// wrapper altered, whose length the recorded Content-Length no longer gives).
func passOn(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}
