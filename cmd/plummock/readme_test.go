package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEWalkthrough runs the README's curl walkthrough exactly as written (only the base
// URL is pointed at a freshly started binary) and checks what each step answers.
func TestREADMEWalkthrough(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)<!-- walkthrough:begin -->\\s*```sh\\n(.*?)```\\s*<!-- walkthrough:end -->").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README has no walkthrough block")
	}
	p := startBinary(t)
	script := strings.Replace(string(block[1]), "B=http://127.0.0.1:8080", "B="+p.base, 1)
	out, err := exec.Command("bash", "-euo", "pipefail", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("walkthrough failed: %v\n%s", err, out)
	}
	steps := []string{
		`"token_type":"bearer","expires_in":1296000`, // E1
		`{"error":"invalid_grant","error_description":"refresh token already used"}`,
		`"expires_in":129(6000|5999),`, // E4: the clock runs, so a second may have passed
		`{"data":{"user_balance":{"data":{"total":1500},"message":null,"success":1}}}`,
		`"offset":"361h0m0s"`,
		`HTTP/1.1 401 Unauthorized`,
		`{"error":"invalid_token","error_description":"invalid/expired token"}`,
		`"offset":"721h0m0s"`,
		`{"error":"invalid_grant","error_description":"refresh token expired"}`,
		`{"status":"reset"}`,
	}
	rest := string(out)
	for _, want := range steps {
		loc := regexp.MustCompile(regexp.QuoteMeta(want)).FindStringIndex(rest)
		if strings.Contains(want, "(") {
			loc = regexp.MustCompile(want).FindStringIndex(rest)
		}
		if loc == nil {
			t.Fatalf("walkthrough output lacks %s (in order); output:\n%s", want, out)
		}
		rest = rest[loc[1]:]
	}
}
