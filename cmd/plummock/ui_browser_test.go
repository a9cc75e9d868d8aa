package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
)

// Expressions the tests read the control page through.
const (
	jsNowMS    = `Number(document.getElementById("clock").dataset.nowMs)`
	jsAdminRow = `[...document.querySelectorAll("#companies .families tbody tr")].map(r => r.textContent).find(t => t.includes("admin@demo.example"))`
)

// jsJournalRow finds the newest journal row for an operation with a status and returns its
// reason cell (or "-" when the reason is empty, so an empty reason is still "seen").
func jsJournalRow(op string, status int) string {
	return fmt.Sprintf(`(r => r && (r.querySelector(".reason").textContent || "-"))([...document.querySelectorAll("#journal tbody tr")].find(r => r.dataset.operation === %q && r.querySelector(".code").textContent === "%d"))`, op, status)
}

// TestControlPageDrivesTheMock loads /__admin/ui in headless Chromium and has the page drive
// a running binary: the clock moves by what the button says, the countdowns run on the mock's
// clock (the browser's clock is a month away), a token from the page works, the journal shows
// each call and a scenario's rejection with its reason.
func TestControlPageDrivesTheMock(t *testing.T) {
	b := startBrowser(t)
	p := startBinary(t)
	adminPost(t, p.base, "/clock/freeze", "")
	adminPost(t, p.base, "/clock/set", `{"time":"2027-01-01T00:00:00Z"}`)
	b.navigate(p.base + "/__admin/ui")
	b.waitFor("the page read the mock", `document.querySelector("#scenarios [data-scenario=password_reset]") && document.getElementById("clock").dataset.frozen === "true"`)

	b.click("#adv-1d")
	after := waitInt(b, "the clock moved", `(n => n !== Date.parse("2027-01-01T00:00:00Z") && n)(`+jsNowMS+`)`)
	if want := int64(1798848000000); after != want { // 2027-01-02T00:00:00Z
		t.Errorf("after +1 d the page shows now_ms %d, want %d (one day on)", after, want)
	}
	if shown := waitString(b, "the clock's text", `document.getElementById("clock-now").textContent`); shown != "2027-01-02T00:00:00Z" {
		t.Errorf("clock shown as %q", shown)
	}
	if c := adminGet(t, p.base, "/clock"); c["now"] != "2027-01-02T00:00:00Z" {
		t.Errorf("the mock's clock after the click: %v", c)
	}

	access := getToken(t, b, p.base)
	if row := waitString(b, "the new family counting down", jsAdminRow+` && `+jsAdminRow+`.includes("15d") && `+jsAdminRow); !strings.Contains(row, "live, 15d 0h 0m 0s left") || !strings.Contains(row, "live, 30d 0h 0m 0s left") {
		t.Errorf("the new family's countdowns on the mock's clock: %q", row)
	}
	if code, body := validate(t, p.base, access); code != 200 {
		t.Errorf("the page's token does not validate: %d %s", code, body)
	}

	if err := b.eval(`document.getElementById("scenario-user").value = "admin@demo.example"`, nil); err != nil {
		t.Fatal(err)
	}
	b.click(`#scenarios [data-scenario="password_reset"]`)
	b.waitFor("the scenario ran", `document.getElementById("status").textContent.startsWith("scenario password_reset: ")`)
	b.click("#validate-token")
	reason := waitString(b, "the rejection in the journal", jsJournalRow("validateToken", 401))
	if reason == "-" {
		t.Error("the rejected E4 shows no reason in the journal")
	}
	t.Logf("journal reason for the rejected E4: %q", reason)

	getToken(t, b, p.base)
	b.click("#adv-access")
	row := waitString(b, "the access token expired", jsAdminRow+` && `+jsAdminRow+`.includes("14d 23h 59m 59s") && `+jsAdminRow)
	if !strings.Contains(row, "expired") || !strings.Contains(row, "live, 14d 23h 59m 59s left") {
		t.Errorf("past access expiry: the family shows %q, want access expired and refresh live", row)
	}
	saveScreenshot(t, b)

	b.click("#clock-freeze")
	b.waitFor("the clock runs again", `document.getElementById("clock").dataset.frozen === "false" && document.getElementById("clock-freeze").textContent === "freeze"`)
}

// TestControlPageAsksForTheAdminToken: with --admin-token the page loads, asks for the token,
// and once given shows the mock's state and changes it (a fault, a regenerated company token).
func TestControlPageAsksForTheAdminToken(t *testing.T) {
	b := startBrowser(t)
	p := startBinary(t, "--admin-token", "ui-test-token")
	b.navigate(p.base + "/__admin/ui")
	b.waitFor("the token form", `!document.getElementById("login").hidden && !document.getElementById("clock").dataset.nowMs`)
	b.click("#login-token") // focus, as a person would
	if err := b.eval(`document.getElementById("login-token").value = "ui-test-token"; document.getElementById("login").requestSubmit()`, nil); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the state behind the token", `document.getElementById("login").hidden && document.getElementById("clock").dataset.nowMs && document.querySelector("#companies h3")`)
	if kept := waitString(b, "the token kept for the tab", `sessionStorage.getItem("plummock.adminToken")`); kept != "ui-test-token" {
		t.Errorf("sessionStorage holds %q", kept)
	}

	// The buttons that change the mock work with the token too: a fault, then a regenerate.
	if err := b.eval(`document.getElementById("fault-op").value = "createUserToken"`, nil); err != nil {
		t.Fatal(err)
	}
	b.click(`[data-preset="503"]`)
	b.waitFor("the fault stored", `document.querySelector("#faults li") && document.querySelector("#faults li").textContent.startsWith("f1: createUserToken → 503")`)
	b.click("#get-token")
	if reason := waitString(b, "the faulted E1 in the journal", jsJournalRow("createUserToken", 503)); !strings.Contains(reason, "fault f1") {
		t.Errorf("the faulted call's reason: %q", reason)
	}
	b.click(`#scenarios [data-scenario="regenerate"]`)
	fresh := waitString(b, "the new company token", `(v => v !== "demo-company-token" && v)(document.getElementById("company-token").value)`)
	getToken(t, b, p.base)
	if strings.Contains(p.stderr.String(), fresh) {
		t.Error("the new company token appears in the mock's log")
	}
}

// getToken clicks "get a token" and checks what the page shows: the token, the .env snippet
// and the E1 call in the journal.
func getToken(t *testing.T, b *browser, base string) string {
	t.Helper()
	b.eval(`document.getElementById("access-token").value = ""`, nil)
	b.click("#get-token")
	access := waitString(b, "the access token", `document.getElementById("access-token").value`)
	env := waitString(b, "the .env snippet", `document.getElementById("env-snippet").value`)
	for _, want := range []string{"PLUM_BASE_URL=" + base + "/chef\n", "PLUM_CLIENT_ID=demo-client\n",
		"PLUM_CLIENT_SECRET=demo-secret\n", "PLUM_ACCESS_TOKEN=" + access + "\n", "PLUM_REFRESH_TOKEN="} {
		if !strings.Contains(env, want) {
			t.Errorf(".env snippet lacks %q:\n%s", want, env)
		}
	}
	b.waitFor("E1 in the journal", jsJournalRow("createUserToken", 200))
	return access
}

func waitString(b *browser, what, expr string) string {
	b.t.Helper()
	var s string
	if err := json.Unmarshal(b.waitFor(what, expr), &s); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return s
}

func waitInt(b *browser, what, expr string) int64 {
	b.t.Helper()
	var n int64
	if err := json.Unmarshal(b.waitFor(what, expr), &n); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return n
}

// saveScreenshot captures the page; with PLUMMOCK_UPDATE_SCREENSHOT=1 it replaces docs/ui.png.
func saveScreenshot(t *testing.T, b *browser) {
	png := b.screenshot(1280, 1180)
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(png))
	}
	if os.Getenv("PLUMMOCK_UPDATE_SCREENSHOT") == "1" {
		if err := os.WriteFile("../../docs/ui.png", png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("docs/ui.png: %d bytes", len(png))
	}
}

func adminPost(t *testing.T, base, path, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/__admin"+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if code, out := do(t, req); code != 200 {
		t.Fatalf("POST %s: %d %s", path, code, out)
	}
}

func adminGet(t *testing.T, base, path string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/__admin"+path, nil)
	code, out := do(t, req)
	var m map[string]any
	if code != 200 || json.Unmarshal([]byte(out), &m) != nil {
		t.Fatalf("GET %s: %d %s", path, code, out)
	}
	return m
}

func validate(t *testing.T, base, access string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/chef/v1/oauth/token", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	return do(t, req)
}
