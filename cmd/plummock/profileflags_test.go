package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plummock/plummock/fixtures"
)

// A profile file (what `plummock contract --profile-out` writes) sets the profile; a flag still
// overrides one knob of it; a bad file stops start-up naming the field.
func TestProfileFileThenFlags(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "p.yaml")
	if err := os.WriteFile(good, []byte(`# derived
profile:
  refresh_grace: "2h0m0s"
  expiry_formats:
    validate: "string"
  validate_expired: "answer"
  allowed_scopes: "user_session"
  error_answers:
    unknown_user: {"body":{"error":"invalid_request"},"status":404}
not_mapped:
  - observation: "token.format"
    answer: "jwt RS256"
    why: "the token format is the fake's own"
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseServe([]string{"--profile", good, "--allowed-scopes", "user_session store_admin_manage"}, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.opts.Policy
	want := fixtures.ErrorAnswer{Status: 404, Body: `{"error":"invalid_request"}`}
	if time.Duration(p.RefreshGrace) != 2*time.Hour || p.ExpiryFormatFor(fixtures.OpValidate) != "string" ||
		p.ExpiryFormatFor(fixtures.OpCreateUser) != "number" || p.ValidateExpired != "answer" ||
		p.AllowedScopes != "user_session store_admin_manage" || p.ErrorAnswers.UnknownUser != want {
		t.Errorf("profile from file and flags: %+v", p)
	}

	bad := filepath.Join(dir, "bad.yaml")
	_ = os.WriteFile(bad, []byte("profile:\n  validate_expired: \"sometimes\"\n"), 0o600)
	if _, err := parseServe([]string{"--profile", bad}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "profile.validate_expired") {
		t.Errorf("bad profile file: want an error naming profile.validate_expired, got %v", err)
	}
	if _, err := parseServe([]string{"--validate-expired", "maybe"}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "validate_expired") {
		t.Errorf("--validate-expired maybe: want an error naming validate_expired, got %v", err)
	}
}
