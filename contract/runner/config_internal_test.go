package runner

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/plummock/plummock/contract"
)

// Precedence: demo defaults < PLUM_* env < credentials file (where rotated tokens live) < flags.
func TestCredentialPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.json")
	data, _ := json.Marshal(map[string]any{"company_refresh_token": "from-file-refresh", "client_secret": "from-file-secret", "expected_balance": 42})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"PLUM_COMPANY_REFRESH_TOKEN": "from-env-refresh", "PLUM_CLIENT_ID": "from-env-client",
		"PLUM_USER_EMAIL": "boss@example.com", "PLUM_ADMIN_TOKEN": "from-env-admin"}
	cfg, err := parseFlags([]string{"--base-url", "https://stagingstores.xoxoday.com/chef", "--credentials", path, "--admin-token", "from-flag-admin"},
		func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := cfg.target(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	c := tg.Credentials
	want := contract.Credentials{CompanyToken: "demo-company-token", CompanyRefreshToken: "from-file-refresh",
		ClientID: "from-env-client", ClientSecret: "from-file-secret", UserEmail: "boss@example.com",
		NonAdminEmail: "employee@demo.example", AdminToken: "from-flag-admin"}
	if c != want {
		t.Errorf("credentials = %+v\nwant %+v", c, want)
	}
	if tg.ExpectedBalance == nil || *tg.ExpectedBalance != 42 || tg.Persist == nil {
		t.Errorf("expected_balance or Persist not taken from the file")
	}
	if tg.Rate != 2 || tg.Concurrency != 5 {
		t.Errorf("remote defaults: rate %v concurrency %d, want 2 and 5", tg.Rate, tg.Concurrency)
	}
}

func TestLoopbackDefaults(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080/chef", "http://localhost:8080/chef", "http://[::1]:8080/chef"} {
		cfg, err := parseFlags([]string{"--base-url", u}, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.rate != 0 || cfg.concurrency != 20 {
			t.Errorf("%s: rate %v concurrency %d, want unlimited and 20", u, cfg.rate, cfg.concurrency)
		}
	}
}
