package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"testing"
	"time"
)

// browserPage calls the mock from another origin the way a frontend does: E1, then E4 with the
// token, then E4 with a bad token to read the exposed WWW-Authenticate header.
const browserPage = `<!doctype html><html><body><script>
(async () => {
  const B = %q;
  const r = await fetch(B + "/chef/v1/oauth/token/create/user", {method: "POST",
    headers: {"Authorization": "Bearer demo-company-token", "Content-Type": "application/json"},
    body: JSON.stringify({user_input: "admin@demo.example", scope: "user_session"})});
  const set = await r.json();
  const v = await fetch(B + "/chef/v1/oauth/token", {headers: {"Authorization": "Bearer " + set.access_token}});
  const vb = await v.json();
  const bad = await fetch(B + "/chef/v1/oauth/token", {headers: {"Authorization": "Bearer nope"}});
  document.body.setAttribute("data-result", "create=" + r.status + " validate=" + v.status + " type=" + vb.token_type +
    " bad=" + bad.status + " challenge=" + (bad.headers.get("WWW-Authenticate") || "").split(" ")[0]);
})().catch(e => document.body.setAttribute("data-result", "error=" + e.name));
</script></body></html>`

var resultAttr = regexp.MustCompile(`data-result="([^"]*)"`)

// runPage serves browserPage on its own port and loads it in headless Chromium.
func runPage(t *testing.T, mockBase string) string {
	t.Helper()
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, browserPage, mockBase)
	}))
	defer page.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=15000", "--dump-dom", page.URL).Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	m := resultAttr.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("page did not finish:\n%s", out)
	}
	return m[1]
}

// TestBrowserCallsTheMockFromAnotherOrigin proves CORS end to end in a real browser, and that
// the same page fails when the mock allows no origin (so the check can fail).
func TestBrowserCallsTheMockFromAnotherOrigin(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Skip("chromium not installed (CI installs it)")
	}
	p := startBinary(t)
	if got, want := runPage(t, p.base), "create=200 validate=200 type=bearer bad=401 challenge=Bearer"; got != want {
		t.Errorf("allowed origin: %q, want %q", got, want)
	}
	closed := startBinary(t, "--cors-origins", "")
	if got := runPage(t, closed.base); got != "error=TypeError" {
		t.Errorf("with no origin allowed the page got %q, want a blocked fetch", got)
	}
}
