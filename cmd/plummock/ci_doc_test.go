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
	for _, tool := range []string{"bash", "git", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)<!-- ci:begin -->\\s*```sh\\n(.*?)```\\s*<!-- ci:end -->").FindSubmatch(doc)
	if block == nil {
		t.Fatal("docs/ci.md has no ci block")
	}
	repo, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := exec.Command("git", "-C", repo, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	dir := t.TempDir()
	t.Cleanup(func() { stopPidFile(filepath.Join(dir, "plummock.pid")) })
	script := strings.ReplaceAll(string(block[1]), "127.0.0.1:8080", "127.0.0.1:"+freePort(t))
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PLUMMOCK_REPO="+repo, "PLUMMOCK_COMMIT="+strings.TrimSpace(string(rev)))
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
