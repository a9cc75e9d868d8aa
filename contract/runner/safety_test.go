package runner_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/plummock/plummock/contract"
	"github.com/plummock/plummock/contract/runner"
	"github.com/plummock/plummock/mockserver"
	"github.com/plummock/plummock/redact"
)

func TestProductionHostRefused(t *testing.T) {
	for _, u := range []string{"https://accounts.xoxoday.com/chef", "https://ACCOUNTS.xoxoday.com./chef", "https://accounts.xoxoday.com:443/chef"} {
		r := run(t, nil, "--base-url", u)
		if r.code != runner.ExitUsage || !strings.Contains(r.stderr, "refusing the production host") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a refusal", u, r.code, r.stderr)
		}
	}
}

// writeCreds writes a demo credentials file with an extra key the write-back must keep.
func writeCreds(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "plum.json")
	d := contract.DemoCredentials()
	doc := map[string]any{"company_token": d.CompanyToken, "company_refresh_token": d.CompanyRefreshToken,
		"client_id": d.ClientID, "client_secret": d.ClientSecret, "user_email": d.UserEmail,
		"expected_balance": 1500, "note": "kept"}
	data, _ := json.Marshal(doc)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Without the admin API, company rotation runs only because the file can take the successor:
// the file must then hold the live pair, atomically written, 0600, other keys kept.
func TestCredentialsWrittenBack(t *testing.T) {
	root, dir := fake(t, mockserver.Options{}, nil), t.TempDir()
	path := writeCreds(t, dir)
	for i := range 2 { // the second run only passes if the first saved the live refresh token
		r := run(t, nil, "--base-url", root+"/chef", "--credentials", path, "--only", "^e3/company-rotation$")
		if r.code != runner.ExitPass || !strings.Contains(r.stdout, "PASS  e3/company-rotation") {
			t.Fatalf("run %d: exit %d\n%s%s", i+1, r.code, r.stdout, r.stderr)
		}
	}
	m := readJSON(t, path)
	if m["company_refresh_token"] == contract.DemoCredentials().CompanyRefreshToken || m["company_token"] == contract.DemoCredentials().CompanyToken {
		t.Errorf("the rotated company tokens were not written back")
	}
	if m["note"] != "kept" || m["client_secret"] != "demo-secret" {
		t.Errorf("write-back lost other keys: %v", m)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left beside the credentials file: %v", entries)
	}
}

// secretCollector records every token the fake hands out, so the outputs can be scanned for them.
type secretCollector struct {
	mu     sync.Mutex
	tokens []string
}

func (s *secretCollector) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var m map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &m) == nil {
			s.mu.Lock()
			for _, k := range []string{"access_token", "refresh_token"} {
				if v, ok := m[k].(string); ok {
					s.tokens = append(s.tokens, v)
				}
			}
			s.mu.Unlock()
		}
		passOn(w, rec, rec.Body.Bytes())
	})
}

// TestNoSecretInAnyOutput runs a failing suite (so request bodies are printed) with rotation, and
// scans stdout, stderr, the JSON and JUnit reports for every credential and token.
func TestNoSecretInAnyOutput(t *testing.T) {
	var col secretCollector
	const adminToken = "admin-token-never-shown"
	root, dir := fake(t, mockserver.Options{AdminToken: adminToken}, func(h http.Handler) http.Handler { return col.wrap(capitalType(h)) }), t.TempDir()
	creds := writeCreds(t, dir)
	jsonPath, junitPath, profilePath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml"), filepath.Join(dir, "p.yaml")
	r := run(t, map[string]string{"PLUM_ADMIN_TOKEN": adminToken}, "--base-url", root+"/chef", "--admin-url", root,
		"--credentials", creds, "--json", jsonPath, "--junit", junitPath, "--profile-out", profilePath,
		"--only", "^(e1|e2|e3|errors/e2|race|observe)/")
	if r.code != runner.ExitFail {
		t.Fatalf("exit %d, want 1 (the mutant fails cases)", r.code)
	}
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "json": readFile(t, jsonPath), "junit": readFile(t, junitPath),
		"profile": readFile(t, profilePath)}
	d := contract.DemoCredentials()
	secrets := append([]string{d.CompanyToken, d.CompanyRefreshToken, d.ClientSecret, adminToken}, col.tokens...)
	if len(col.tokens) < 10 {
		t.Fatalf("collected only %d tokens", len(col.tokens))
	}
	for name, text := range outputs {
		if redact.LooksLikeJWT(text) {
			t.Errorf("%s contains a JWT-shaped string", name)
		}
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret %s", name, redact.Fingerprint(s))
			}
		}
	}
	if !strings.Contains(r.stdout, "fp:") {
		t.Errorf("expected fingerprints in the failure output")
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestCompareReports(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "fake.json"), filepath.Join(dir, "mutant.json")
	only := "^(e1|e4)/"
	rootGood, rootBad := fake(t, mockserver.Options{}, nil), fake(t, mockserver.Options{}, capitalType)
	if r := run(t, nil, "--base-url", rootGood+"/chef", "--json", good, "--only", only); r.code != 0 {
		t.Fatalf("fake run: exit %d", r.code)
	}
	if r := run(t, nil, "--base-url", rootBad+"/chef", "--json", bad, "--only", only); r.code != 1 {
		t.Fatalf("mutant run: exit %d", r.code)
	}
	r := run(t, nil, "--compare", good, bad)
	if r.code != runner.ExitFail || !strings.Contains(r.stdout, "case:e1/token-set\n      A: PASS\n      B: FAIL") {
		t.Errorf("compare of differing reports: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "--compare", good, good); r.code != runner.ExitPass || !strings.Contains(r.stdout, "agree on every behaviour") {
		t.Errorf("compare of a report with itself: exit %d\n%s", r.code, r.stdout)
	}
	r = run(t, nil, "--base-url", rootGood+"/chef", "--only", only, "--compare", bad)
	if r.code != runner.ExitPass || !strings.Contains(r.stdout, "behaviours differ") {
		t.Errorf("run + compare: exit %d\n%s", r.code, r.stdout)
	}
	if r := run(t, nil, "--compare", good, filepath.Join(dir, "missing.json")); r.code != runner.ExitUsage {
		t.Errorf("compare with a missing file: exit %d, want 2", r.code)
	}
}

// `--compare A.json B.json` runs nothing, so a PLUM_BASE_URL exported for other runs must not
// turn it into a usage error (nor into a run). An explicit --base-url with two reports is still
// refused: it asks for a run and a file-to-file diff at once.
func TestCompareTwoReportsIgnoresPlumBaseURL(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	for _, p := range []string{a, b} {
		data, _ := json.Marshal(&contract.Report{Target: "http://127.0.0.1:1/chef"})
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"PLUM_BASE_URL": "http://127.0.0.1:1/chef", "PLUM_ADMIN_URL": "http://127.0.0.1:1"}
	if r := run(t, env, "--compare", a, b); r.code != runner.ExitPass || !strings.Contains(r.stdout, "agree on every behaviour") {
		t.Errorf("--compare A B with PLUM_BASE_URL set: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	env["PLUM_BASE_URL"] = "https://stagingstores.xoxoday.com/chef" // nothing is sent, so nothing is refused either
	if r := run(t, env, "--compare", a, b); r.code != runner.ExitPass {
		t.Errorf("--compare A B with a Xoxoday PLUM_BASE_URL: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := run(t, nil, "--base-url", "http://127.0.0.1:1/chef", "--compare", a, b); r.code != runner.ExitUsage || r.stderr == "" {
		t.Errorf("--base-url with two reports: exit %d, want 2 with a message", r.code)
	}
}

// echoSecrets is a leaky mutant: every JSON answer quotes back, under keys no rule knows and in
// free text, what the request carried (its body, so the client secret and refresh token, and its
// Authorization header), as a careless server's debug output would.
func echoSecrets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqBody, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			m["x_debug"] = "request was " + string(reqBody)
			m["seen_auth"] = r.Header.Get("Authorization")
			var in map[string]any
			if json.Unmarshal(reqBody, &in) == nil {
				m["rt"], m["cs"] = in["refresh_token"], in["client_secret"]
			}
			body, _ = json.Marshal(m)
		}
		passOn(w, rec, body)
	})
}

// TestSecretsEchoedUnderUnknownKeysAreHidden: credentials and issued tokens quoted back by a
// server under unknown keys and in free text are hidden by value in every output.
func TestSecretsEchoedUnderUnknownKeysAreHidden(t *testing.T) {
	var col secretCollector
	root, dir := fake(t, mockserver.Options{}, func(h http.Handler) http.Handler { return col.wrap(echoSecrets(capitalType(h))) }), t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	r := run(t, nil, "--base-url", root+"/chef", "--admin-url", root, "--json", jsonPath, "--junit", junitPath,
		"--only", "^(e1|e2|e3|errors/e2)/")
	if r.code != runner.ExitFail {
		t.Fatalf("exit %d, want 1 (the mutant fails cases)\n%s%s", r.code, r.stdout, r.stderr)
	}
	outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "json": readFile(t, jsonPath), "junit": readFile(t, junitPath)}
	if !strings.Contains(outputs["json"], "x_debug") && !strings.Contains(r.stdout, "x_debug") {
		t.Fatalf("no echoed body reached the outputs, so the check proves nothing:\n%s", r.stdout)
	}
	d := contract.DemoCredentials()
	secrets := append([]string{d.CompanyToken, d.CompanyRefreshToken, d.ClientSecret}, col.tokens...)
	for name, text := range outputs {
		for _, s := range secrets {
			if s != "" && strings.Contains(text, s) {
				t.Errorf("%s contains the secret %s", name, redact.Fingerprint(s))
			}
		}
	}
}
