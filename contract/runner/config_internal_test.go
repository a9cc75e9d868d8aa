package runner

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
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

func TestIsXoxodayHost(t *testing.T) {
	for host, want := range map[string]bool{"xoxoday.com": true, "XOXODAY.COM.": true, "stagingstores.xoxoday.com": true,
		"accounts.xoxoday.com": true, "evilxoxoday.com": false, "xoxoday.com.example": false, "127.0.0.1": false} {
		if got := isXoxodayHost(host); got != want {
			t.Errorf("isXoxodayHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// An admin URL belongs to a fake: with a Xoxoday base URL it would give the suite the admin
// capability against the real service, whose company tokens admin-only cases replay and reset.
// Checked on the parsed flags so that a regression can never send a request to Xoxoday.
func TestAdminURLRefusedForXoxodayHost(t *testing.T) {
	for _, u := range []string{"https://stagingstores.xoxoday.com/chef", "https://XOXODAY.com./chef",
		"https://accounts.xoxoday.com:443/chef"} {
		for _, how := range []struct {
			env  map[string]string
			args []string
		}{
			{nil, []string{"--base-url", u, "--admin-url", "http://127.0.0.1:8080", "--allow-production"}},
			{map[string]string{"PLUM_ADMIN_URL": "http://127.0.0.1:8080", "PLUM_BASE_URL": u}, []string{"--allow-production"}},
		} {
			_, err := parseFlags(how.args, func(k string) string { return how.env[k] }, io.Discard)
			if err == nil || errors.Is(err, errUsage) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--admin-url") {
				t.Errorf("%s %v: err %v; want a one-line refusal of the admin URL", u, how.args, err)
			}
		}
	}
	for _, u := range []string{"https://stagingstores.xoxoday.com/chef", "http://127.0.0.1:8080/chef", "https://evilxoxoday.com/chef"} {
		if _, err := parseFlags([]string{"--base-url", u}, func(string) string { return "" }, io.Discard); err != nil {
			t.Errorf("%s without an admin URL: %v", u, err)
		}
	}
	if _, err := parseFlags([]string{"--base-url", "http://127.0.0.1:8080/chef", "--admin-url", "http://127.0.0.1:8080"},
		func(string) string { return "" }, io.Discard); err != nil {
		t.Errorf("a fake with its admin URL: %v", err)
	}
}

// The runner's redactor hides every credential whatever its length.
func TestRedactorHidesShortCredentials(t *testing.T) {
	r := newRedactor(contract.Credentials{ClientSecret: "s3c", AdminToken: "adm1", CompanyToken: "ct9", CompanyRefreshToken: "rf7", ClientID: "client"})
	r.add(contract.Credentials{CompanyToken: "nc5", CompanyRefreshToken: "nr5"})
	out := r.clean("secret=s3c admin=adm1 company=ct9 refresh=rf7 new=nc5 newr=nr5 id=client")
	for _, v := range []string{"=s3c", "=adm1", "=ct9", "=rf7", "=nc5", "=nr5"} {
		if strings.Contains(out, v) {
			t.Errorf("short credential %q printed in clear: %s", v, out)
		}
	}
	if !strings.Contains(out, "id=client") {
		t.Errorf("the client id must stay visible: %s", out)
	}
}
