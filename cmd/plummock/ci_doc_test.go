package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCIDocBuildsFromACheckoutAndRunsTheContractSuite runs docs/ci.md's CI steps as written:
// clone this repository at its current commit, build, start, wait for health, run the contract
// suite, stop. Only the port changes, so a mock already on :8080 does not interfere.
func TestCIDocBuildsFromACheckoutAndRunsTheContractSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("clones and builds the repository")
	}
	script, env := docSteps(t, "ci")
	dir := t.TempDir()
	t.Cleanup(func() { stopPidFile(filepath.Join(dir, "plummock.pid")) })
	script = strings.ReplaceAll(script, "127.0.0.1:8080", "127.0.0.1:"+freePort(t))
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "plummock.log"))
		t.Fatalf("CI steps failed: %v\n%s\nplummock.log:\n%s", err, out, log)
	}
	for _, want := range []string{`{"status":"ok"}`, " passed, 0 failed, "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("CI steps' output lacks %q:\n%s", want, out)
		}
	}
}

// docSteps returns docs/ci.md's shell block NAME and the environment it expects: PLUMMOCK_REPO
// is this checkout and PLUMMOCK_COMMIT its HEAD (so the steps test what is committed).
func docSteps(t *testing.T, name string) (string, []string) {
	t.Helper()
	for _, tool := range []string{"bash", "git", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)<!-- " + name + ":begin -->\\s*```sh\\n(.*?)```\\s*<!-- " + name + ":end -->").FindSubmatch(doc)
	if block == nil {
		t.Fatalf("docs/ci.md has no %s block", name)
	}
	repo, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	return string(block[1]), append(os.Environ(), "PLUMMOCK_REPO="+repo, "PLUMMOCK_COMMIT="+strings.TrimSpace(string(rev)))
}

// appTest is a Go test of an app that uses plumtest: it starts the fake and gets a user token
// set, as an app's Plum client would.
const appTest = `package app

import (
	"net/http"
	"strings"
	"testing"

	"github.com/plummock/plummock/mockserver/plumtest"
)

func TestPlum(t *testing.T) {
	plum := plumtest.Start(t)
	body := strings.NewReader("{\"user_input\":\"" + plum.Credentials.SuperAdmin + "\",\"scope\":\"user_session\"}")
	req, _ := http.NewRequest("POST", plum.BaseURL+"/v1/oauth/token/create/user", body)
	req.Header.Set("Authorization", "Bearer "+plum.Credentials.CompanyToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("E1: %v %v", err, resp)
	}
	resp.Body.Close()
}
`

// TestCIDocGoTestsUsePlumtestThroughAReplace runs docs/ci.md's steps for a Go app without a
// published module: a fresh module, a pinned clone, a replace directive, go mod tidy, go test.
// Offline: modules come from the local cache (GOPROXY=off), and the app's go.sum starts as this
// repository's, so nothing asks the checksum database (online, the go command would); that is
// the only change to the steps, with tidy's -e below.
func TestCIDocGoTestsUsePlumtestThroughAReplace(t *testing.T) {
	if testing.Short() {
		t.Skip("clones the repository and builds a module that uses it")
	}
	cacheModuleGraph(t)
	script, env := docSteps(t, "gomod")
	// Offline, tidy cannot fetch the test-only modules of old dependencies (yaml.v3's tests);
	// -e lets it write go.mod without them, which the build does not need.
	script = strings.Replace(script, "go mod tidy\n", "go mod tidy -e\n", 1)
	dir := t.TempDir()
	sums, err := os.ReadFile(filepath.Join(repoRoot, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"go.mod": "module example.com/app\n\ngo 1.26.0\n", "go.sum": string(sums), "app_test.go": appTest}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(env, "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Go-module steps failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "ok  \texample.com/app") {
		t.Errorf("the app's test did not pass:\n%s", out)
	}
}

// freePort asks the kernel for a free loopback port.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// stopPidFile kills the mock the steps started, if they failed before stopping it.
func stopPidFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
	}
}

// cacheModuleGraph puts the go.mod of every module in this repository's graph in the module
// cache, as any machine that has fetched the repository's dependencies online has them. Offline,
// tidy reads them all (test-only ones included); on a fresh machine nothing else had fetched them
// yet when this test ran, and it failed.
func cacheModuleGraph(t *testing.T) {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "all")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, out)
	}
}
