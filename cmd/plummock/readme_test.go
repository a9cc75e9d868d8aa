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
		`{"data":{"user_balance":{"success":1,"message":null,"data":{"total":1500}}}}`,
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

// TestREADMERecipes runs each recipe block of docs/recipes.md with the shared prelude against
// one started binary, in order, and checks what each prints.
func TestREADMERecipes(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	readme, err := os.ReadFile("../../docs/recipes.md")
	if err != nil {
		t.Fatal(err)
	}
	prelude := regexp.MustCompile("(?s)They share two lines:\\s*```sh\\n(.*?)```").FindSubmatch(readme)
	if prelude == nil {
		t.Fatal("docs/recipes.md has no recipe prelude")
	}
	want := map[string][]string{
		"expiry":         {`"expires_in":1,`, `{"error":"invalid_token","error_description":"invalid/expired token"}`},
		"race":           {`1 200`, `4 400`},
		"ratelimit":      {`"preset":"rate_limited"`, `HTTP/1.1 429 Too Many Requests`, `{"message":"auth.request_limit_exceeded"}`, `{"rate_limits":[{"operation":"refreshUserToken","per_minute":2}]}`},
		"password-reset": {`"scenario":"password_reset"`, `HTTP/1.1 401 Unauthorized`, `{"success":0,"error_message_id":"auth.token_error"}`, "\nauth.token_error"},
	}
	p := startBinary(t)
	blocks := regexp.MustCompile("(?s)<!-- recipe:([a-z-]+) -->\\s*```sh\\n(.*?)```\\s*<!-- /recipe -->").FindAllSubmatch(readme, -1)
	if len(blocks) != len(want) {
		t.Fatalf("docs/recipes.md has %d recipes, the test knows %d", len(blocks), len(want))
	}
	for _, b := range blocks {
		name := string(b[1])
		t.Run(name, func(t *testing.T) {
			script := strings.Replace(string(prelude[1]), "B=http://127.0.0.1:8080", "B="+p.base, 1) + string(b[2])
			out, err := exec.Command("bash", "-euo", "pipefail", "-c", script).CombinedOutput()
			if err != nil {
				t.Fatalf("recipe failed: %v\n%s", err, out)
			}
			rest := string(out)
			for _, w := range want[name] {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// TestREADMESetupIsTwoCommandsAndCIRunsTheSecond keeps the README's set-up block to the two
// commands a newcomer needs (start the mock from a built binary, run the tests) and CI running
// the very same test command.
func TestREADMESetupIsTwoCommandsAndCIRunsTheSecond(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)<!-- setup:begin -->\\s*```sh\\n(.*?)```\\s*<!-- setup:end -->").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README has no set-up block")
	}
	var cmds []string
	for _, l := range strings.Split(strings.TrimSpace(string(block[1])), "\n") {
		cmd, _, _ := strings.Cut(l, "#")
		cmds = append(cmds, strings.TrimSpace(cmd))
	}
	want := []string{"go build -o plummock ./cmd/plummock && ./plummock", "go test -race ./..."}
	if strings.Join(cmds, "\n") != strings.Join(want, "\n") {
		t.Fatalf("set-up commands %q, want %q", cmds, want)
	}
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want[1]) + `$`).Match(ci) {
		t.Errorf(".ci/run does not run the README's test command %q on a line of its own", want[1])
	}
}
