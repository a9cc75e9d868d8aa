package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestFlagsAndEnvironment(t *testing.T) {
	cfg, err := parseServe([]string{"--addr", "127.0.0.1:9999", "--strict"}, env(map[string]string{
		"PLUMMOCK_ADDR": "0.0.0.0:1", "PLUMMOCK_ADMIN_TOKEN": "tok-from-env", "PLUMMOCK_USER_ACCESS_TTL": "1h",
		"PLUMMOCK_ADMIN": "false", "PLUMMOCK_LOG_FORMAT": "json",
	}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "127.0.0.1:9999" {
		t.Errorf("flag did not win over env: %s", cfg.addr)
	}
	if cfg.opts.AdminToken != "tok-from-env" || cfg.opts.Lifetimes.UserAccess != time.Hour || !cfg.opts.DisableAdmin || !cfg.opts.Strict {
		t.Errorf("opts = %+v", cfg.opts)
	}
	if cfg.opts.Lifetimes.UserRefresh != 30*24*time.Hour {
		t.Errorf("default user refresh lifetime = %v", cfg.opts.Lifetimes.UserRefresh)
	}
}

func TestBadConfigurationStopsStartup(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("companies:\n- id: x\n  client_id: c\n"), 0o600)
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--fixtures", bad}, nil, "companies[0].client_secret"},
		{[]string{"--fixtures", filepath.Join(dir, "missing.yaml")}, nil, "--fixtures"},
		{[]string{"--key", filepath.Join(dir, "missing.pem")}, nil, "--key"},
		{[]string{"--log-format", "xml"}, nil, "--log-format"},
		{nil, map[string]string{"PLUMMOCK_USER_ACCESS_TTL": "forever"}, "PLUMMOCK_USER_ACCESS_TTL"},
		{[]string{"--user-access-ttl", "0s"}, nil, "user access lifetime"},
		{[]string{"stray"}, nil, "unexpected argument"},
		{[]string{"--admin-token", "ci admin!"}, nil, "--admin-token"},
	}
	for _, tc := range cases {
		var stderr bytes.Buffer
		code := runServe(context.Background(), tc.args, env(tc.env), &bytes.Buffer{}, &stderr)
		if code == 0 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want mention of %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "unknown command") {
		t.Errorf("exit %d %q", code, stderr.String())
	}
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"version"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "plummock ") {
		t.Errorf("version: %d %q", code, stdout.String())
	}
}

func TestProfileFlagsOverrideFixtureProfile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.yaml")
	os.WriteFile(path, []byte("companies:\n- id: a\n  client_id: c\n  client_secret: s\nprofile:\n  refresh_grace: 6h\n  expiry_format: string\n"), 0o600)
	cfg, err := parseServe([]string{"--fixtures", path, "--expiry-format", "number"}, env(map[string]string{"PLUMMOCK_MAX_ACTIVE_PAIRS": "10"}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.opts.Policy
	if time.Duration(p.RefreshGrace) != 6*time.Hour || p.ExpiryFormat != "number" || p.MaxActivePairs != 10 || p.ValidateExpiresIn != "remaining" {
		t.Errorf("profile = %+v", p)
	}
	if _, err := parseServe([]string{"--expiry-format", "hex"}, env(nil), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "expiry_format") {
		t.Errorf("bad profile flag: %v", err)
	}
	if cfg.opts.CORSOrigins == nil || len(cfg.opts.CORSOrigins) != 4 {
		t.Errorf("cors = %v", cfg.opts.CORSOrigins)
	}
}

func TestCORSOriginsNoneFromEnvironment(t *testing.T) {
	cfg, err := parseServe(nil, env(map[string]string{"PLUMMOCK_CORS_ORIGINS": "none"}), &bytes.Buffer{})
	if err != nil || cfg.opts.CORSOrigins == nil || len(cfg.opts.CORSOrigins) != 0 {
		t.Fatalf("origins = %v, %v", cfg.opts.CORSOrigins, err)
	}
}
